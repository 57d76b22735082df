"""One row per email or text the clinic sends a patient: queued, then sent at most once (ADR 0640).

The row names what it is about by a plain reference (`reference_type`, `reference_id`: for
example "appointment" and its id) rather than a foreign key, so this low app imports no app
above it. Bodies carry minimal PHI (a first name and a time, never a diagnosis); `error` holds
the failure's kind only, never an address or a body.
"""

from __future__ import annotations

from django.db import models

from cleannote.apps.organisations.models import Organisation


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    # Claimed by a send task: the sender is being called. A task that dies here leaves the row
    # as it is, never resent on its own (at most once); the outbox shows it for a person to judge.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# How `error` starts when the address itself was refused (ADR 0672): fix it on the chart.
BAD_ADDRESS = "bad address"


class OutboundMessage(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="outbound_messages"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    purpose = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        max_length=7, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    error = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a send task last claimed the row (queued -> sending): a row "sending" longer than
    # RELEASE_AFTER is stuck, and only then may a person release it (ADR 0613).
    claimed_at = models.DateTimeField(null=True, blank=True)
    reference_type = models.CharField(max_length=40, blank=True)
    reference_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The patient the message goes to, by id (patients is a higher app): the audit row's subject.
    patient_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["reference_type", "reference_id"]),
        )

    def __str__(self) -> str:
        return f"OutboundMessage {self.pk} ({self.channel}, {self.status})"

    @property
    def bad_address(self) -> bool:
        """Failed because the sender refused the address: the chart's number or email needs
        fixing before a retry can go anywhere (ADR 0672)."""
        return self.status == MessageStatus.FAILED and self.error.startswith(BAD_ADDRESS)
