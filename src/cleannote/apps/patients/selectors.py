"""Reads of patient records, always within one organisation.

The chart loads in a fixed number of queries however many cases, referrals, goals or notes a
patient has: counts are annotated in SQL and children are prefetched, never looked up per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import (
    Case,
    Coverage,
    Goal,
    OutcomeMeasureResult,
    Patient,
    PlanOfCare,
    Referral,
)

FAR_FUTURE = dt.date(9999, 12, 31)


def patients_of(organisation: Organisation) -> QuerySet[Patient]:
    return Patient.objects.filter(organisation=organisation)


def search_patients(organisation: Organisation, query: str) -> QuerySet[Patient]:
    """Match every word against first name, last name or chart number."""
    patients = patients_of(organisation)
    for word in query.split()[:4]:
        patients = patients.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(chart_number__iexact=word)
        )
    return patients.order_by("last_name", "first_name", "id")


def cases_of(organisation: Organisation) -> QuerySet[Case]:
    return Case.objects.filter(patient__organisation=organisation)


def referrals_with_visits_used() -> QuerySet[Referral]:
    """Referrals annotated with `visits_used`: signed notes in the case from the referral date
    on, up to its expiry (a draft may be abandoned)."""
    used = (
        Note.objects.filter(
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
    return Referral.objects.annotate(
        visits_used=Coalesce(Subquery(used, output_field=IntegerField()), Value(0))
    )


@dataclass(frozen=True, slots=True)
class Chart:
    patient: Patient
    coverages: list[Coverage]
    cases: list[Case]
    notes: list[Note]


def patient_chart(organisation: Organisation, patient_id: int, *, with_notes: bool) -> Chart | None:
    """Everything the chart page shows, or None when the patient is not in this organisation.

    `with_notes=False` (front desk) leaves out the clinical parts: plans of care and notes.
    """
    patient = patients_of(organisation).filter(pk=patient_id).first()
    if patient is None:
        return None
    coverages = list(patient.coverages.all())
    case_prefetches: list[Any] = [Prefetch("referrals", queryset=referrals_with_visits_used())]
    if with_notes:
        case_prefetches.append(
            Prefetch(
                "plans_of_care",
                queryset=PlanOfCare.objects.prefetch_related(
                    Prefetch("goals", queryset=Goal.objects.order_by("order", "id"))
                ),
            )
        )
        case_prefetches.append(
            Prefetch("outcome_measures", queryset=OutcomeMeasureResult.objects.order_by())
        )
    cases = list(patient.cases.select_related("coverage").prefetch_related(*case_prefetches))
    notes: list[Note] = []
    if with_notes:
        notes = list(
            patient.notes.select_related("therapist__user", "case", "location")
            .annotate(block_count=Count("blocks"))
            .order_by("-date_of_service", "-id")
        )
    return Chart(patient=patient, coverages=coverages, cases=cases, notes=notes)
