"""Reads of patient records, always within one organisation.

The chart loads in a fixed number of queries however many cases, referrals, goals or notes a
patient has: counts are annotated in SQL and children are prefetched, never looked up per row.

Notes sit above patients (a note points at its patient and case), so this module never imports
them: the notes app answers `chart_notes` and `with_visits_used` at start-up (ADR 0401).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Value

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import (
    Case,
    CaseDiagnosis,
    Coverage,
    Goal,
    Medication,
    OutcomeMeasureResult,
    Patient,
    PlanOfCare,
    Referral,
)
from cleannote.platform.hooks import Hook
from cleannote.rules.medication_lines import name_key
from cleannote.rules.visit import Address, Person, Sex

FAR_FUTURE = dt.date(9999, 12, 31)

# The patient's notes for the chart, newest first (the notes app's `notes_for_chart`).
chart_notes: Hook[[Patient], list[Any]] = Hook("patients.chart_notes", lambda patient: [])
# Referrals annotated with `visits_used` (the notes app's `with_visits_used`).
with_visits_used: Hook[[QuerySet[Referral]], QuerySet[Referral]] = Hook(
    "patients.with_visits_used", lambda referrals: referrals.annotate(visits_used=Value(0))
)


def core_address(line1: str, line2: str, city: str, state: str, zip_code: str) -> Address | None:
    """An address as the core's `Address`; None unless street, city, state and ZIP are all there."""
    if not (line1 and city and state and zip_code):
        return None
    return Address(line1=line1, line2=line2 or None, city=city, state=state, zip=zip_code)


def to_core_person(patient: Patient, *, with_address: bool = True) -> Person:
    """The patient as the core's `Person` (a claim's patient, a 270's dependent), id = the pk.

    `with_address=False` leaves the address out (the 270 sends none for the dependent)."""
    address = None
    if with_address:
        address = core_address(
            patient.address_line1, patient.address_line2, patient.city, patient.state, patient.zip
        )
    return Person(
        first_name=patient.first_name,
        last_name=patient.last_name,
        birth_date=patient.birth_date,
        sex=Sex(patient.sex),
        address=address,
        id=str(patient.pk),
    )


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


@dataclass(frozen=True, slots=True)
class Chart:
    patient: Patient
    coverages: list[Coverage]
    cases: list[Case]
    notes: list[Any]  # the notes app's rows (see chart_notes)


def patient_chart(organisation: Organisation, patient_id: int, *, with_notes: bool) -> Chart | None:
    """Everything the chart page shows, or None when the patient is not in this organisation.

    `with_notes=False` (front desk) leaves out the clinical parts: plans of care and notes.
    """
    patient = patients_of(organisation).filter(pk=patient_id).first()
    if patient is None:
        return None
    coverages = list(patient.coverages.all())
    case_prefetches: list[Any] = [
        Prefetch("referrals", queryset=with_visits_used(Referral.objects.all()))
    ]
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
        case_prefetches.append(
            Prefetch("diagnoses", queryset=CaseDiagnosis.objects.order_by("position", "id"))
        )
    cases = list(patient.cases.select_related("coverage").prefetch_related(*case_prefetches))
    notes = chart_notes(patient) if with_notes else []
    return Chart(patient=patient, coverages=coverages, cases=cases, notes=notes)


def consented_address(patient_id: int, channel: str) -> str:
    """Where the patient agreed to be reached on `channel` ("sms" or "email"), from the chart
    as it is now; "" when they did not agree or none is recorded (messaging's retry asks this
    through its `current_address` hook, ADR 0672)."""
    row = (
        Patient.objects.filter(pk=patient_id)
        .values("phone", "sms_consent", "email", "email_consent")
        .first()
    )
    if row is None:
        return ""
    if channel == "sms":
        return str(row["phone"]) if row["sms_consent"] else ""
    return str(row["email"]) if row["email_consent"] else ""


def medications_of(patient: Patient) -> list[Medication]:
    """The patient's medication list: the ones taken now first, by name, then the stopped ones,
    the latest stop first (ADR 0964)."""
    rows = list(Medication.objects.filter(patient=patient).select_related("recorded_by__user"))
    rows.sort(key=lambda m: (m.stopped_on is not None, name_key(m.name)))
    now = [m for m in rows if m.is_current]
    stopped = sorted(
        (m for m in rows if not m.is_current), key=lambda m: (m.stopped_on, m.pk), reverse=True
    )
    return [*now, *stopped]
