"""Payments a patient makes at the desk and the check-in that took them (ADR 0650).

A payment is also one `remittance.PatientLedgerEntry` (kind payment, negative amount), so the
patient's balance stays the sum of one table; the payment row keeps what a receipt shows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.remittance.models import PatientLedgerEntry
from cleannote.apps.scheduling.models import Appointment


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    CARD = "card", "Card (last 4 or processor reference)"


class PatientPayment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="patient_payments"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payments")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=5, choices=PaymentMethod.choices)
    # A check's number; for a card only its last 4 digits or the processor's reference.
    reference = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    # Empty for a payment the patient recorded online, in the patient portal (ADR 0951).
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_number = models.CharField(max_length=20)
    ledger_entry = models.OneToOneField(
        PatientLedgerEntry, on_delete=models.PROTECT, related_name="payment"
    )

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = (models.Index(fields=["organisation", "patient"]),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="patient_payment_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["organisation", "receipt_number"], name="patient_payment_receipt_unique"
            ),
        )

    def __str__(self) -> str:
        return f"Receipt {self.receipt_number}"

    @property
    def reference_shown(self) -> str:
        """How a receipt names the reference: a card's 4 digits as "ending 1234"."""
        if self.method == PaymentMethod.CARD and self.reference.isdigit():
            return f"card ending {self.reference}"
        if self.method == PaymentMethod.CHECK:
            return f"check no. {self.reference}"
        return self.reference


class CheckIn(models.Model):
    """The desk's check of one appointment: what was confirmed, by whom and when. Intake is one
    box until the patient portal brings forms (issue 16)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="check_ins"
    )
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="check_in"
    )
    coverage = models.ForeignKey(
        Coverage, on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins"
    )
    demographics_confirmed = models.BooleanField()
    coverage_confirmed = models.BooleanField()
    intake_complete = models.BooleanField()
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-checked_in_at", "-id")

    def __str__(self) -> str:
        return f"Check-in of appointment {self.appointment_id}"


from cleannote.apps.ledger.statement_models import (  # noqa: E402,F401  (ADR 0760)
    Dunning,
    DunningStep,
    PaymentPlan,
    PlanMiss,
    Statement,
    StatementEntry,
    StatementRun,
    StatementSettings,
)
