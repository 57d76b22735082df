"""The compliance report's rows: what is slipping on each open case, where, and the chart
screen (or note) that fixes it (ADR 0800). The progress-report and certification rules are the
therapist home's own selectors (`notes.selectors`), read for the whole clinic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse

from cleannote.apps.notes import selectors as note_selectors
from cleannote.apps.notes.models import TREATMENT_VISIT, Note, NoteStatus
from cleannote.apps.organisations.models import Location, Role, Staff
from cleannote.apps.patients.fix_links import ChartScreen, screen_link
from cleannote.apps.patients.models import Case, Referral
from cleannote.apps.reports.scope import ReportFilters

ROW_LIMIT = 200  # per problem: the count is whole, the list its oldest ROW_LIMIT
AUTH_DAYS = 7
AUTH_VISITS = 3

PROBLEMS = {
    "progress": "Progress report due",
    "certification": "Plan of care past certification",
    "unsigned": "Note unsigned after 24 h",
    "authorization": f"Authorization ending (within {AUTH_DAYS} days or {AUTH_VISITS} visits)",
    "referral": "Referral missing",
}


@dataclass(frozen=True)
class ComplianceRow:
    problem: str
    location: str
    clinician: str
    patient_id: int
    patient: str
    detail: str
    fix_url: str
    fix_text: str


def _whole_clinic(filters: ReportFilters) -> Staff:
    """The home page's selectors read every open case for an owner: the report's reader."""
    return Staff(organisation=filters.organisation, role=Role.OWNER)


def _newest_note(field: str) -> Subquery:
    newest = Note.objects.filter(TREATMENT_VISIT, case=OuterRef("pk")).order_by(
        "-date_of_service", "-id"
    )
    return Subquery(newest.values(field)[:1], output_field=IntegerField())


def _open_cases(filters: ReportFilters) -> dict[int, tuple[int | None, int | None]]:
    """Open cases in scope: case id -> (location, clinician) of the newest visit."""
    cases = Case.objects.filter(
        patient__organisation=filters.organisation, closed_on__isnull=True
    ).annotate(at=_newest_note("location_id"), by=_newest_note("therapist_id"))
    if filters.discipline:
        cases = cases.filter(discipline=filters.discipline)
    if filters.location_id:
        cases = cases.filter(at=filters.location_id)
    if filters.clinician_id:
        cases = cases.filter(by=filters.clinician_id)
    return {c["pk"]: (c["at"], c["by"]) for c in cases.order_by().values("pk", "at", "by")}


def compliance(filters: ReportFilters) -> tuple[list[ComplianceRow], dict[str, int]]:
    """Every problem's rows (at most ROW_LIMIT each) and its whole count."""
    scope = _open_cases(filters)
    staff = _whole_clinic(filters)
    locations = dict(
        Location.objects.filter(organisation=filters.organisation).values_list("pk", "name")
    )
    clinicians = {
        s.pk: s.display_name
        for s in Staff.objects.filter(organisation=filters.organisation).select_related("user")
    }
    rows: list[ComplianceRow] = []
    counts = dict.fromkeys(PROBLEMS, 0)

    def add(
        problem: str, case_id: int, patient_id: int, name: str, detail: str, link: tuple[str, str]
    ) -> None:
        counts[problem] += 1
        if counts[problem] > ROW_LIMIT:
            return
        at, by = scope.get(case_id, (None, None))
        rows.append(
            ComplianceRow(
                problem=PROBLEMS[problem], location=locations.get(at, "—") if at else "—",
                clinician=clinicians.get(by, "—") if by else "—", patient_id=patient_id,
                patient=name, detail=detail, fix_url=link[0], fix_text=link[1],
            )
        )  # fmt: skip

    in_scope = Case.objects.filter(pk__in=list(scope))
    for case in note_selectors.progress_reports_due(staff, cases=in_scope):
        add(
            "progress", case.pk, case.patient_id, str(case.patient),
            f"{case.days_since_report} treatment days since the last report",  # type: ignore[attr-defined]
            (reverse("notes:start", args=[case.pk]), "Start the progress report"),
        )  # fmt: skip
    for plan in (
        note_selectors.recertifications_due(staff, filters.today)
        .filter(case_id__in=list(scope), certified_through__lt=filters.today)
        .select_related("case__patient")
    ):
        link = screen_link(ChartScreen.PLAN, patient_id=plan.case.patient_id, case_id=plan.case_id)
        add(
            "certification", plan.case_id, plan.case.patient_id, str(plan.case.patient),
            f"certified through {plan.certified_through.isoformat()}", (link.url, link.text),
        )  # fmt: skip
    drafts = (
        Note.objects.filter(
            TREATMENT_VISIT, patient__organisation=filters.organisation,
            status=NoteStatus.DRAFT, date_of_service__lte=filters.today - dt.timedelta(days=2),
        )
        .select_related("patient")
        .order_by("date_of_service", "id")
    )  # fmt: skip
    if filters.location_id:
        drafts = drafts.filter(location_id=filters.location_id)
    if filters.clinician_id:
        drafts = drafts.filter(therapist_id=filters.clinician_id)
    if filters.discipline:
        drafts = drafts.filter(case__discipline=filters.discipline)
    for note in drafts:
        counts["unsigned"] += 1
        if counts["unsigned"] > ROW_LIMIT:
            continue
        rows.append(
            ComplianceRow(
                problem=PROBLEMS["unsigned"], location=locations.get(note.location_id, "—"),
                clinician=clinicians.get(note.therapist_id, "—"), patient_id=note.patient_id,
                patient=str(note.patient),
                detail=f"visit of {note.date_of_service.isoformat()}",
                fix_url=reverse("notes:edit", args=[note.pk]), fix_text="Finish and sign the note",
            )
        )  # fmt: skip
    used = (
        Note.objects.filter(
            TREATMENT_VISIT, case=OuterRef("case"), status=NoteStatus.SIGNED,
            date_of_service__gte=OuterRef("referral_date"),
        )
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )  # fmt: skip
    newer = Referral.objects.filter(renews=OuterRef("pk"))
    soon, few = filters.today + dt.timedelta(days=AUTH_DAYS), AUTH_VISITS
    ending = (
        Referral.objects.filter(case_id__in=list(scope))
        .exclude(Exists(newer))
        .annotate(visits_used=Subquery(used, output_field=IntegerField()))
        .filter(
            Q(expires_on__gte=filters.today, expires_on__lte=soon)
            | Q(authorized_visits__isnull=False, visits_used__gte=F("authorized_visits") - few)
        )
        .select_related("case__patient")
    )  # fmt: skip
    for referral in ending:
        link = screen_link(
            ChartScreen.REFERRALS, patient_id=referral.case.patient_id, case_id=referral.case_id
        )
        left = (
            f"{referral.authorized_visits - (referral.visits_used or 0)} visits left"
            if referral.authorized_visits is not None
            else ""
        )
        through = f"valid through {referral.expires_on.isoformat()}" if referral.expires_on else ""
        add(
            "authorization", referral.case_id, referral.case.patient_id, str(referral.case.patient),
            "; ".join(p for p in (through, left) if p), (link.url, link.text),
        )  # fmt: skip
    for case in (
        Case.objects.filter(pk__in=list(scope))
        .exclude(Exists(Referral.objects.filter(case=OuterRef("pk"))))
        .select_related("patient")
    ):
        link = screen_link(ChartScreen.REFERRALS, patient_id=case.patient_id, case_id=case.pk)
        add(
            "referral",
            case.pk,
            case.patient_id,
            str(case.patient),
            case.title,
            (link.url, link.text),
        )
    return rows, counts
