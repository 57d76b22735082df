"""Reads of notes and the therapist home's work lists, always within one organisation.

Each list is one query however long it grows: counts and dates are computed in SQL.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cleannote.apps.notes.models import PROGRESS_REPORT_TYPES, TREATMENT_VISIT, Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Role, Staff
from cleannote.apps.patients.models import Case, Patient, PlanOfCare, Referral
from cleannote.apps.patients.selectors import FAR_FUTURE
from cleannote.rules.scope_of_practice import SCOPE

# Medicare asks for a progress report at least once every 10 treatment days (BPM 100-02
# ch.15 §220.3D); the list shows a case once 9 treatment days have passed since the last one,
# because the next visit is the one that needs it.
PROGRESS_REPORT_EVERY = 10
RECERT_WINDOW_DAYS = 14
LONG_AGO = dt.date(1900, 1, 1)


def notes_for_chart(patient: Patient) -> list[Note]:
    """The patient's notes for the chart, newest first, with their block counts (one query)."""
    return list(
        Note.objects.filter(patient=patient)
        .select_related("therapist__user", "case", "location")
        .annotate(block_count=Count("blocks"))
        .order_by("-date_of_service", "-id")
    )


def with_visits_used(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Referrals annotated with `visits_used`: signed notes in the case from the referral date
    on, up to its expiry (a draft may be abandoned)."""
    used = (
        Note.objects.filter(
            TREATMENT_VISIT,
            case=OuterRef("case"),
            status=NoteStatus.SIGNED,
            date_of_service__gte=OuterRef("referral_date"),
            date_of_service__lte=Coalesce(OuterRef("expires_on"), Value(FAR_FUTURE)),
        )
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    return referrals.annotate(
        visits_used=Coalesce(Subquery(used, output_field=IntegerField()), Value(0))
    )


def notes_of(organisation: Organisation) -> QuerySet[Note]:
    return Note.objects.filter(patient__organisation=organisation)


def note_detail(organisation: Organisation, note_id: int) -> Note | None:
    return (
        notes_of(organisation)
        .select_related(
            "patient",
            "case",
            "therapist__user",
            "signed_by__user",
            "cosigned_by__user",
            "location",
        )
        .prefetch_related("blocks__goals", "addenda__author__user")
        .filter(pk=note_id)
        .first()
    )


def _my_drafts(staff: Staff) -> QuerySet[Note]:
    return (
        notes_of(staff.organisation)
        .filter(therapist=staff, status=NoteStatus.DRAFT)
        .select_related("patient", "case")
        .order_by("date_of_service", "id")
    )


def notes_in_progress(staff: Staff, today: dt.date) -> QuerySet[Note]:
    """Drafts for today's (or later) visits: being written now."""
    return _my_drafts(staff).filter(date_of_service__gte=today)


def notes_awaiting_signature(staff: Staff, today: dt.date) -> QuerySet[Note]:
    """Drafts for past visits: the care happened, the claim waits for the signature."""
    return _my_drafts(staff).filter(date_of_service__lt=today)


def notes_awaiting_cosignature(staff: Staff) -> QuerySet[Note]:
    """Signed notes of the assistants this clinician's credential supervises (a PT sees the
    PTAs' notes), not yet co-signed, oldest first; none for anyone who supervises nobody."""
    supervised = [
        scope.credential.value
        for scope in SCOPE.values()
        if staff.credential and scope.supervised_by == staff.credential
    ]
    return (
        notes_of(staff.organisation)
        .filter(
            status=NoteStatus.SIGNED,
            cosigned_at__isnull=True,
            therapist__credential__in=supervised,
        )
        .select_related("patient", "therapist__user")
        .order_by("date_of_service", "id")
    )


def _cases_in_scope(staff: Staff) -> QuerySet[Case]:
    """Open cases this person treats; the owner sees every open case in the organisation."""
    cases = Case.objects.filter(patient__organisation=staff.organisation, closed_on__isnull=True)
    if staff.role != Role.OWNER:
        cases = cases.filter(Exists(Note.objects.filter(case=OuterRef("pk"), therapist=staff)))
    return cases


def progress_reports_due(staff: Staff) -> QuerySet[Case]:
    """Open cases with 9 or more treatment days since the last progress report (or the start).

    Each case carries `last_report_on` (None before the first report) and `days_since_report`.
    """
    last_report = (
        Note.objects.filter(case=OuterRef("pk"), note_type__in=PROGRESS_REPORT_TYPES)
        .order_by("-date_of_service")
        .values("date_of_service")[:1]
    )
    return (
        _cases_in_scope(staff)
        .annotate(last_report_on=Subquery(last_report, output_field=DateField()))
        .annotate(
            days_since_report=Count(
                "notes__date_of_service",
                distinct=True,
                filter=Q(notes__date_of_service__gt=Coalesce(F("last_report_on"), Value(LONG_AGO))),
            )
        )
        .filter(days_since_report__gte=PROGRESS_REPORT_EVERY - 1)
        .select_related("patient")
        .order_by("-days_since_report", "patient__last_name", "id")
    )


def recertifications_due(staff: Staff, today: dt.date) -> QuerySet[PlanOfCare]:
    """Current plans of care (the newest per open case) certified through today + 14 days or
    less, lapsed ones included."""
    newer = PlanOfCare.objects.filter(case=OuterRef("case"), start_date__gt=OuterRef("start_date"))
    return (
        PlanOfCare.objects.filter(
            case__in=_cases_in_scope(staff),
            certified_through__lte=today + dt.timedelta(days=RECERT_WINDOW_DAYS),
        )
        .exclude(Exists(newer))
        .select_related("case__patient")
        .order_by("certified_through", "id")
    )
