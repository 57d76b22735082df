"""Eligibility checks (one 270 question and its 271 answer), HETS enrollments, and manual
verifications done on a payer's portal or phone line.

A check keeps the raw 271 it was answered by, so the plain-terms fields can be recomputed if
the summary rules improve, and a biller can show the payer exactly what it said.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.validators import validate_npi
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.scheduling.models import Appointment
from cleannote.platform.model_constraints import dates_in_order


class HetsEnrollment(models.Model):
    """Medicare's HETS answers a 270 only for an NPI enrolled under the submitter id sending it.

    Without an enrollment in force on the date asked about, HETS rejects with AAA 41, so we
    warn before sending rather than after (ADR 0161).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hets_enrollments"
    )
    npi = models.CharField("NPI", max_length=10, validators=[validate_npi])
    submitter_id = models.CharField(max_length=80)
    effective_from = models.DateField()
    effective_through = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("npi", "-effective_from")
        constraints = (
            dates_in_order(
                "effective_from", "effective_through", name="hets_enrollment_dates_in_order"
            ),
        )

    def __str__(self) -> str:
        return f"HETS {self.npi} via {self.submitter_id}"


class FileKind(models.TextChoices):
    REQUEST = "270", "270 request"
    RESPONSE = "271", "271 response"


class EligibilityFile(models.Model):
    """One 270 we built or one 271 we received, byte for byte (ASCII, stored as text).

    A 271 is recognised by its sha256: importing the same file again changes nothing.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="eligibility_files"
    )
    kind = models.CharField(max_length=3, choices=FileKind.choices)
    file_name = models.CharField(max_length=120)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    control_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)
    receipt = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "kind", "sha256"], name="eligibility_file_unique"
            ),
        )

    def __str__(self) -> str:
        return self.file_name


class CheckStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the payer"
    ACTIVE = "active", "Active coverage"
    INACTIVE = "inactive", "Not active"
    REJECTED = "rejected", "Rejected by the payer"
    UNCLEAR = "unclear", "Answered, coverage not stated"
    SKIPPED = "skipped", "Not asked"


class EligibilityCheck(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="eligibility_checks"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="eligibility_checks"
    )
    coverage = models.ForeignKey(
        Coverage, on_delete=models.PROTECT, related_name="eligibility_checks"
    )
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eligibility_checks",
    )
    requested_for = models.DateField(help_text="the date of service asked about")
    # Both empty only on a SKIPPED check: a question we chose not to send (ADR 0633).
    trace_number = models.CharField(max_length=50, unique=True, null=True, blank=True)
    request_file = models.ForeignKey(
        EligibilityFile,
        on_delete=models.PROTECT,
        related_name="requested_checks",
        null=True,
        blank=True,
    )
    # The EQ01 asked for the visit's discipline (PT, AD, AF, 33) or 30; the answer shown is
    # that service's benefit (ADR 0631). Empty on checks from before it was kept.
    service_type = models.CharField(max_length=2, blank=True)
    warning = models.TextField(blank=True, help_text="a caution before sending, or why not sent")
    status = models.CharField(
        max_length=8, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    response_file = models.ForeignKey(
        EligibilityFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_checks",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    plan_start = models.DateField(null=True, blank=True)
    plan_end = models.DateField(null=True, blank=True)
    visit_limit = models.PositiveIntegerField(null=True, blank=True)
    visits_remaining = models.PositiveIntegerField(null=True, blank=True)
    copay = models.DecimalField(null=True, blank=True, max_digits=10, decimal_places=2)
    coinsurance_percent = models.DecimalField(null=True, blank=True, max_digits=5, decimal_places=2)
    deductible_remaining = models.DecimalField(
        null=True, blank=True, max_digits=10, decimal_places=2
    )
    rejection_code = models.CharField(max_length=3, blank=True)
    rejection_meaning = models.TextField(blank=True)
    rejection_action = models.TextField(blank=True)
    payer_messages = models.JSONField(default=list, blank=True)
    authorization_required = models.BooleanField(null=True, blank=True)
    # Other payers the answer names (EB*R): name, id, whether a Medicare Advantage plan.
    other_payers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["organisation", "patient", "-created_at"]),
            models.Index(fields=["organisation", "requested_for"]),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(status="skipped")
                | models.Q(request_file__isnull=False, trace_number__isnull=False),
                name="eligibility_check_sent_unless_skipped",
            ),
        )

    def __str__(self) -> str:
        return f"Eligibility check {self.pk} ({self.status})"

    @property
    def answered(self) -> bool:
        return self.responded_at is not None

    @property
    def medicare_advantage(self) -> bool:
        return any(p.get("medicare_advantage") for p in self.other_payers)


class VerificationSource(models.TextChoices):
    PORTAL = "portal", "Payer portal"
    PHONE = "phone", "Phone call to the payer"
    FAX = "fax", "Fax or letter"


class ManualVerification(models.Model):
    """What a person found out by hand when the electronic check failed or said too little."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="manual_verifications"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="manual_verifications"
    )
    coverage = models.ForeignKey(
        Coverage, on_delete=models.PROTECT, related_name="manual_verifications"
    )
    eligibility_check = models.ForeignKey(
        EligibilityCheck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="manual_verifications",
    )
    source = models.CharField(max_length=6, choices=VerificationSource.choices)
    verified_for = models.DateField(help_text="the date of service the payer confirmed")
    active = models.BooleanField()
    visits_remaining = models.PositiveIntegerField(null=True, blank=True)
    copay = models.DecimalField(null=True, blank=True, max_digits=10, decimal_places=2)
    reference = models.CharField("call or portal reference", max_length=80, blank=True)
    notes = models.TextField("what the payer said", max_length=2000)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ("-checked_at", "-id")

    def __str__(self) -> str:
        return f"Manual verification {self.pk}"
