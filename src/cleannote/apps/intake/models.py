"""What a patient fills and signs before and around their visits (ADR 0960).

- An intake form is built by the clinic from fields (`form_fields.FieldType`); every change
  publishes a new `IntakeFormVersion`, and an answered form (`IntakeResponse`) keeps the version
  it answered, so the signed document reads as the patient saw it.
- Answers that map to a chart field become `ChartSuggestion`s the front desk accepts (through
  the patients app's own actions) or rejects; nothing on the chart changes by itself.
- A consent (`ConsentKind`) has versioned text (`ConsentText`); a `ConsentSignature` records
  who signed which version, and when: in the portal, or at the desk with a staff member as
  witness, by the patient or their representative (`DeskSignature`, ADR 0961).
- An Advance Beneficiary Notice (`AdvanceNotice`, CMS-R-131) is offered by staff for named
  services with their estimated cost, and signed by the patient with one of its three options;
  the signed ones are the facts the scrubber reads (`rules.beneficiary_notices`).

Signed rows never change: a new answer or signature is a new row.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Patient
from cleannote.rules.beneficiary_notices import NOTICE_OPTION_WORDS


class IntakeForm(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="intake_forms"
    )
    name = models.CharField(max_length=80)
    # Sent with every booking's message while active.
    send_with_booking = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "name"], name="intake_form_name_unique"
            ),
        )

    def __str__(self) -> str:
        return self.name


class IntakeFormVersion(models.Model):
    """One published shape of a form: its fields as `form_fields.FieldSpec` data."""

    form = models.ForeignKey(IntakeForm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    fields = models.JSONField(default=list)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("form_id", "-number")
        constraints = (
            models.UniqueConstraint(fields=["form", "number"], name="intake_version_unique"),
        )


class ResponseStatus(models.TextChoices):
    SENT = "sent", "Sent, not yet answered"
    SIGNED = "signed", "Answered and signed"


class IntakeResponse(models.Model):
    """A form sent to a patient, then answered and signed (read-only from then on)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intake_responses")
    version = models.ForeignKey(IntakeFormVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=6, choices=ResponseStatus.choices, default=ResponseStatus.SENT
    )
    # The booking it was sent with, as a plain id (scheduling's row; kept when it is cancelled).
    appointment_id = models.PositiveBigIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField()
    answers = models.JSONField(default=dict, blank=True)
    signed_name = models.CharField(max_length=120, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-sent_at", "-id")
        indexes = (models.Index(fields=["patient", "status"]),)


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the front desk"
    ACCEPTED = "accepted", "Accepted onto the chart"
    REJECTED = "rejected", "Rejected"


class ChartSuggestion(models.Model):
    """An answer that maps to a chart field (`form_fields.ChartTarget`), waiting for a person."""

    response = models.ForeignKey(
        IntakeResponse, on_delete=models.PROTECT, related_name="suggestions"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    target = models.CharField(max_length=40)
    value = models.CharField(max_length=500)
    status = models.CharField(
        max_length=8, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=["patient", "status"]),)


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Consent to treatment"
    PRIVACY = "privacy", "Notice of privacy practices"
    FINANCIAL = "financial", "Financial policy"
    COMMUNICATION = "communication", "Communication by email and text"
    TELEHEALTH = "telehealth", "Telehealth"


class ConsentText(models.Model):
    """One version of a consent's words; the newest version is the one patients sign now."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=13, choices=ConsentKind.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    # Whether every patient must sign it (telehealth only matters to telehealth patients).
    required = models.BooleanField(default=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("kind", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "kind", "version"], name="consent_text_version_unique"
            ),
        )


class SignedVia(models.TextChoices):
    """Where a consent or an ABN was signed (ADR 0961)."""

    PORTAL = "portal", "In the portal"
    DESK = "desk", "At the desk, witnessed"


class DeskSignature(models.Model):
    """How a signature was given: in the portal by the patient, or at the desk on the clinic's
    tablet with a staff member witnessing; by the patient or by their representative (ADR 0961).
    """

    signed_via = models.CharField(max_length=150, choices=SignedVia.choices, blank=True)
    witness = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Empty when the patient signed; else the representative's name (as typed) and relationship.
    representative_name = models.CharField(max_length=120, blank=True)
    representative_relationship = models.CharField(max_length=60, blank=True)

    class Meta:
        abstract = True


class ConsentSignature(DeskSignature):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="signatures")
    signed_name = models.CharField(max_length=120)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ("-signed_at", "-id")


class NoticeStatus(models.TextChoices):
    OFFERED = "offered", "Offered, not yet signed"
    SIGNED = "signed", "Signed"
    WITHDRAWN = "withdrawn", "Withdrawn before signing"


NOTICE_OPTION_CHOICES = [(int(o), words) for o, words in NOTICE_OPTION_WORDS.items()]


class AdvanceNotice(DeskSignature):
    """An Advance Beneficiary Notice of Non-coverage (CMS-R-131) for one Medicare patient."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="advance_notices")
    codes = models.JSONField(default=list)
    services = models.CharField("services (as the patient reads them)", max_length=300)
    reason = models.CharField("why Medicare may not pay", max_length=300)
    estimated_cost = models.DecimalField(
        max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # The last day of the course of treatment it covers; none: the services named, once.
    through = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=9, choices=NoticeStatus.choices, default=NoticeStatus.OFFERED
    )
    offered_at = models.DateTimeField()
    offered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    option = models.PositiveSmallIntegerField(choices=NOTICE_OPTION_CHOICES, null=True, blank=True)
    signed_name = models.CharField(max_length=120, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-offered_at", "-id")
        indexes = (models.Index(fields=["patient", "status"]),)
