"""Audit events, chained per organisation.

A writer appends its event unchained (no sequence, no hash) and takes no lock, so a long
transaction that writes audit rows (a batch of 1,000 claims, an 835) makes nobody wait (ADR
0830). A task then chains the pending events: under the organisation's chain head, locked in
that task only, each gets the next sequence, the hash of the row before it and a SHA-256 over
that hash plus the row's own canonical JSON, so editing or deleting any chained row breaks
every hash after it. The head carries an HMAC of itself under a key kept outside the database
(ADR 0211), so a rewrite of the whole chain from any point is caught too, and the result of
the last verification, the point the next one continues from.

Events that belong to no organisation (a failed sign-in for a username nobody has) go to the
site chain: the rows and the head whose organisation is empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from cleannote.apps.organisations.models import Organisation

# The lowest app (ADR 0401): every app writes audit rows, so this one imports none. An event
# names its organisation through Django's lazy reference, which needs no import.
ORGANISATION = "organisations.Organisation"

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", "viewed"
    CREATE = "create", "created"
    UPDATE = "update", "updated"
    DELETE = "delete", "removed"
    SIGN = "sign", "signed"
    EXPORT = "export", "exported"
    LIST = "list", "listed"
    SEARCH = "search", "searched"
    SIGN_IN = "sign_in", "signed in"
    SIGN_OUT = "sign_out", "signed out"
    SIGN_IN_FAILED = "sign_in_failed", "failed to sign in"
    LOCKED_OUT = "locked_out", "was locked out"
    FORBIDDEN = "forbidden", "was refused (403)"
    NOT_FOUND = "not_found", "was refused (404)"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an append-only row."""


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it raises `refusal` (an
    audit event's AppendOnlyError; a note's addendum says so with its own error)."""

    refusal: ClassVar[type[Exception]] = AppendOnlyError
    refusal_message: ClassVar[str] = "audit events are append-only"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.refusal(self.refusal_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise self.refusal(self.refusal_message)


class AuditChainHead(models.Model):
    organisation = models.OneToOneField(
        ORGANISATION, on_delete=models.PROTECT, related_name="audit_chain_head", null=True
    )
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # HMAC-SHA256 of (organisation, sequence, last_hash) under CLEANNOTE_AUDIT_KEY (ADR 0211).
    anchor = models.CharField(max_length=64, blank=True)
    # The last verification (ADR 0830): when, how far it reached, and what it found. The next
    # one continues from `verified_sequence` unless asked to walk the whole chain.
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_sequence = models.PositiveBigIntegerField(default=0)
    verified_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    verified_full = models.BooleanField(default=False)
    verified_break_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    verified_problem = models.CharField(max_length=200, blank=True)
    verification_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            # One site chain: the organisation-less head is unique too (NULLs are distinct).
            models.UniqueConstraint(
                Coalesce("organisation", Value(0)), name="audit_one_head_per_chain"
            ),
        )


def chain_head_of(organisation: Organisation | None) -> models.QuerySet[AuditChainHead]:
    """The head row of an organisation's chain, or of the site chain (organisation None)."""
    if organisation is None:
        return AuditChainHead.objects.filter(organisation__isnull=True)
    return AuditChainHead.objects.filter(organisation=organisation)


class AuditEvent(AppendOnlyModel):
    organisation = models.ForeignKey(
        ORGANISATION, on_delete=models.PROTECT, related_name="audit_events", null=True
    )
    # Empty until the chaining task links the event (ADR 0830); then its place in the chain.
    sequence = models.PositiveBigIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    patient_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # A patient search: HMAC of the search text under the audit key, never the text (ADR 0212).
    search_digest = models.CharField(max_length=64, blank=True)
    # Why a person changed a record, in their words (a chart edit's reason); empty otherwise.
    reason = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        # The order written: an event has no sequence until the chaining task links it.
        ordering = ("organisation_id", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "sequence"], name="audit_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["sequence"],
                condition=Q(organisation__isnull=True),
                name="audit_site_sequence_unique",
            ),
        )
        indexes = (
            models.Index(fields=["organisation", "patient_id"]),
            # What the chaining task reads: the events not chained yet, in the order written.
            models.Index(
                fields=["organisation", "id"],
                condition=Q(sequence__isnull=True),
                name="audit_event_unchained",
            ),
        )

    def canonical(self) -> dict[str, Any]:
        """The fields the hash covers, as JSON-ready values with a fixed shape.

        Fields added after the first release enter only when set, so rows written before them
        keep their hashes.
        """
        row: dict[str, Any] = {
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
        shown = self.shown_patient_ids()
        if shown:
            row["shown_patient_ids"] = shown
        if self.search_digest:
            row["search_digest"] = self.search_digest
        if self.reason:
            row["reason"] = self.reason
        return row

    def shown_patient_ids(self) -> list[int]:
        """The patients a list or search showed, in order (ids only)."""
        pending: list[int] | None = getattr(self, "_shown_patient_ids", None)
        if pending is not None:
            return pending
        if self.pk is None:
            return []
        return [shown.patient_id for shown in self.shown_patients.all()]


class AuditShownPatient(AppendOnlyModel):
    """One patient a list or search page showed (by name) to the event's actor."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="shown_patients")
    position = models.PositiveSmallIntegerField()
    patient_id = models.BigIntegerField()

    class Meta:
        ordering = ("event_id", "position")
        indexes = (models.Index(fields=["patient_id"]),)
