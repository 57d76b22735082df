"""The only writer of audit events.

`do_record_audit_event` locks the organisation's chain head (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers the same way), appends the row after
the head and moves the head, all in one transaction, so concurrent writers queue instead of
forking the chain. Callers inside a larger transaction keep the event with their change:
rolled back together, committed together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.chain import chain_hash
from cleannote.apps.audit.models import AuditAction, AuditChainHead, AuditEvent
from cleannote.apps.organisations.models import Organisation


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and from where: what every action needs to write its audit row."""

    user: User | None
    organisation: Organisation
    ip_address: str | None = None

    @property
    def username(self) -> str:
        return self.user.get_username() if self.user is not None else "system"


@transaction.atomic
def do_record_audit_event(
    actor: Actor,
    action: AuditAction,
    object_type: str,
    object_id: object,
    *,
    patient_id: int | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    organisation = actor.organisation
    head = AuditChainHead.objects.select_for_update().filter(organisation=organisation).first()
    if head is None:
        head = AuditChainHead.objects.create(organisation=organisation)
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
    event = AuditEvent(
        organisation=organisation,
        sequence=head.sequence + 1,
        occurred_at=(at or timezone.now()).astimezone(dt.UTC),
        actor=actor.user,
        actor_username=actor.username,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=patient_id,
        ip_address=actor.ip_address,
        prev_hash=head.last_hash,
    )
    event.hash = chain_hash(event.prev_hash, event.canonical())
    event.save()
    head.sequence = event.sequence
    head.last_hash = event.hash
    head.save(update_fields=["sequence", "last_hash"])
    return event
