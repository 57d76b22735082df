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
from cleannote.apps.scheduling.copay import CopayDue, copay_due
from cleannote.apps.scheduling.models import Appointment


@dataclass(frozen=True, slots=True)
class DeskCopay:
    """The copay of one visit: the figure and its source from `scheduling.copay.copay_due`
    (answered by eligibility, ADR 0632), and what was collected for the visit already."""

    due: CopayDue
    collected: Decimal

    @property
    def copay(self) -> Decimal | None:
        return self.due.amount

    @property
    def source(self) -> str:
        return self.due.explained

    @property
    def remaining(self) -> Decimal:
        if self.due.amount is None:
            return Decimal("0.00")
        return max(self.due.amount - self.collected, Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class DeskView:
    """Everything the check-in screen shows of one appointment."""

    appointment: Appointment
    coverage: Coverage | None  # the one that bills the visit; None is self-pay
    answer: EligibilityCheck | None  # its newest electronic answer
    verification: ManualVerification | None  # its newest check by phone or portal
    copay: DeskCopay
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


def desk_copay(appointment: Appointment) -> DeskCopay:
    collected = PatientPayment.objects.filter(appointment=appointment).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0.00")
    return DeskCopay(copay_due(appointment), collected)


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
        copay=desk_copay(appointment),
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
