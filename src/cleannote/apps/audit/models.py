"""Audit events, chained per organisation.

Each row stores the hash of the row before it and a SHA-256 over that hash plus the row's own
canonical JSON, so editing or deleting any row breaks every hash after it. The chain head row
per organisation is what writers lock, so two processes never both append after the same row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from cleannote.apps.organisations.models import Organisation

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", "viewed"
    CREATE = "create", "created"
    UPDATE = "update", "updated"
    SIGN = "sign", "signed"
    EXPORT = "export", "exported"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an append-only row."""


class AuditChainHead(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="audit_chain_head"
    )
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)


class AuditEvent(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="audit_events"
    )
    sequence = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=6, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    patient_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("organisation_id", "sequence")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "sequence"], name="audit_sequence_unique"
            ),
        )
        indexes = (models.Index(fields=["organisation", "patient_id"]),)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are append-only")

    def canonical(self) -> dict[str, Any]:
        """The fields the hash covers, as JSON-ready values with a fixed shape."""
        return {
            "organisation_id": self.organisation_id,
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "patient_id": self.patient_id,
            "ip_address": self.ip_address,
        }
