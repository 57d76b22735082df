"""Reads for the desk: what an appointment's check-in shows, the copay due, a patient's ledger.
Always within one organisation; a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from cleannote.apps.eligibility.models import EligibilityCheck, ManualVerification
from cleannote.apps.ledger.models import CheckIn, PatientPayment
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.coverage_order import claim_order, in_cob_order
from cleannote.apps.patients.models import Case, Coverage, Patient
from cleannote.apps.remittance.models import PatientLedgerEntry
from cleannote.apps.scheduling.models import Appointment


@dataclass(frozen=True, slots=True)
class CopayDue:
    """The copay of one visit: what the patient owes at the desk and where the figure is from."""

    copay: Decimal | None  # None: nothing known (self-pay, or no copay on record)
    source: str  # "eligibility answer of 2026-12-04", "coverage on file", ""
    collected: Decimal  # taken already for this appointment

    @property
    def remaining(self) -> Decimal:
        if self.copay is None:
            return Decimal("0.00")
        return max(self.copay - self.collected, Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class DeskView:
    """Everything the check-in screen shows of one appointment."""

    appointment: Appointment
    coverage: Coverage | None  # the one that bills the visit; None is self-pay
    answer: EligibilityCheck | None  # its newest electronic answer
    verification: ManualVerification | None  # its newest check by phone or portal
    copay: CopayDue
    check_in: CheckIn | None
    payments: list[PatientPayment]


def appointment_for_desk(organisation: Organisation, appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.filter(organisation=organisation, pk=appointment_id)
        .select_related("patient", "staff__user", "location")
        .first()
    )


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def billing_coverage(patient: Patient, day: dt.date) -> Coverage | None:
    """Who bills a visit on `day` (`coverage_order`, ADR 0500): the newest open case decides
    when it names an accident or work-injury carrier; otherwise the primary in force."""
    coverages = list(patient.coverages.all())
    case = (
        Case.objects.filter(patient=patient, opened_on__lte=day, closed_on__isnull=True)
        .order_by("-opened_on", "-id")
        .first()
    )
    order = claim_order(case, coverages, day) if case else in_cob_order(coverages, day)
    return order[0] if order else None


def copay_due(
    appointment: Appointment,
    coverage: Coverage | None,
    answer: EligibilityCheck | None,
    verification: ManualVerification | None,
) -> CopayDue:
    """The newest copay a payer stated (271 answer or a verification by phone), else the one on
    the coverage; less what was collected for this appointment already."""
    collected = PatientPayment.objects.filter(appointment=appointment).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0.00")
    if coverage is None:
        return CopayDue(None, "", collected)
    stated = [
        (row.responded_at or row.created_at, row.copay, "eligibility answer")
        for row in (answer,)
        if row is not None and row.copay is not None
    ] + [
        (row.checked_at, row.copay, "verification")
        for row in (verification,)
        if row is not None and row.copay is not None
    ]
    if stated:
        when, amount, what = max(stated, key=lambda s: s[0])
        return CopayDue(amount, f"{what} of {local_day(when):%Y-%m-%d}", collected)
    if coverage.copay is not None:
        return CopayDue(coverage.copay, "coverage on file", collected)
    return CopayDue(None, "", collected)


def desk_view(appointment: Appointment) -> DeskView:
    day = local_day(appointment.start)
    coverage = billing_coverage(appointment.patient, day)
    answer = verification = None
    if coverage is not None:
        answer = (
            EligibilityCheck.objects.filter(coverage=coverage)
            .order_by("-created_at", "-id")
            .first()
        )
        verification = (
            ManualVerification.objects.filter(coverage=coverage)
            .order_by("-checked_at", "-id")
            .first()
        )
    return DeskView(
        appointment=appointment,
        coverage=coverage,
        answer=answer,
        verification=verification,
        copay=copay_due(appointment, coverage, answer, verification),
        check_in=CheckIn.objects.filter(appointment=appointment)
        .select_related("checked_in_by")
        .first(),
        payments=list(
            PatientPayment.objects.filter(appointment=appointment).select_related("received_by")
        ),
    )


@dataclass(frozen=True, slots=True)
class LedgerLine:
    entry: PatientLedgerEntry
    balance: Decimal
    payment: PatientPayment | None


def ledger_of(patient: Patient) -> list[LedgerLine]:
    """The patient's ledger oldest first with the balance after each line (positive: owed)."""
    entries = list(
        PatientLedgerEntry.objects.filter(
            organisation_id=patient.organisation_id, patient=patient
        ).order_by("posted_at", "id")
    )
    payments = {
        p.ledger_entry_id: p
        for p in PatientPayment.objects.filter(ledger_entry__in=[e.pk for e in entries])
    }
    balance = Decimal("0.00")
    lines = []
    for entry in entries:
        balance += entry.amount
        lines.append(LedgerLine(entry, balance, payments.get(entry.pk)))
    return lines


def payment_of(organisation: Organisation, payment_id: int) -> PatientPayment | None:
    return (
        PatientPayment.objects.filter(organisation=organisation, pk=payment_id)
        .select_related("patient", "appointment__staff__user", "received_by", "organisation")
        .first()
    )
