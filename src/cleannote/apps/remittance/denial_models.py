"""A denied claim as a piece of work: who has it, where it stands (open, appealed, corrected
and resubmitted, written off, resolved) and every action taken on it (ADR 0730)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cleannote.apps.claims.models import Claim
from cleannote.apps.organisations.models import Organisation, Staff


class DenialState(models.TextChoices):
    OPEN = "open", "Open"
    APPEALED = "appealed", "Appeal sent"
    RESUBMITTED = "resubmitted", "Corrected claim sent"
    WRITTEN_OFF = "written_off", "Written off"
    RESOLVED = "resolved", "Resolved"


class DenialStep(models.TextChoices):
    ASSIGN = "assign", "Assigned"
    APPEAL = "appeal", "Appealed"
    RESUBMIT = "resubmit", "Corrected and resubmitted"
    WRITE_OFF = "write_off", "Written off"
    RESOLVE = "resolve", "Resolved"


class WriteOffReason(models.TextChoices):
    TIMELY_FILING = "timely_filing", "Timely filing limit passed"
    NOT_COVERED = "not_covered", "Service not covered, patient not liable"
    NO_AUTHORIZATION = "no_authorization", "No authorization obtained"
    APPEAL_LOST = "appeal_lost", "Appeal upheld the denial"
    SMALL_BALANCE = "small_balance", "Small balance"
    OTHER = "other", "Other (see note)"


class Denial(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="denial")
    state = models.CharField(max_length=12, choices=DenialState.choices, default=DenialState.OPEN)
    assigned_to = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    write_off_reason = models.CharField(max_length=20, choices=WriteOffReason.choices, blank=True)
    corrected_claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ("opened_at", "id")

    def __str__(self) -> str:
        return f"denial of claim {self.claim_id} ({self.state})"


class DenialAction(models.Model):
    """One step on a denial; append-only, the denial's history."""

    denial = models.ForeignKey(Denial, on_delete=models.CASCADE, related_name="actions")
    step = models.CharField(max_length=10, choices=DenialStep.choices)
    from_state = models.CharField(max_length=12, choices=DenialState.choices)
    to_state = models.CharField(max_length=12, choices=DenialState.choices)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_username = models.CharField(max_length=150)

    class Meta:
        ordering = ("denial_id", "at", "id")

    def __str__(self) -> str:
        return f"{self.step} on denial {self.denial_id}"
