"""The only writer of audit events.

`do_record_audit_event` locks the organisation's chain head (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers the same way), appends the row after
the head and moves the head, all in one transaction, so concurrent writers queue instead of
forking the chain. Callers inside a larger transaction keep the event with their change:
rolled back together, committed together. Every move of the head re-signs it with the audit
key (ADR 0211).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from cleannote.apps.audit.chain import chain_hash, head_anchor, search_digest
from cleannote.apps.audit.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditShownPatient,
    chain_head_of,
)

if TYPE_CHECKING:
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


def do_open_chain(organisation: Organisation) -> AuditChainHead:
    """The new organisation's chain head, created with the organisation so the first audit
    write can lock it."""
    return AuditChainHead.objects.create(organisation=organisation)


def _locked_head(organisation: Organisation | None) -> AuditChainHead:
    chain = chain_head_of(organisation).select_for_update()
    head = chain.first()
    if head is None:
        # The chain's first event. get_or_create inserts in a savepoint, so when two writers
        # race, the loser's unique-index error is caught and both lock the one head.
        AuditChainHead.objects.get_or_create(organisation=organisation)
        head = chain.get()
    return head


class AuditDetails(TypedDict, total=False):
    """What an event may carry besides who did what to which object (see do_record_audit_event)."""

    patient_id: int | None
    shown_patient_ids: Sequence[int]
    search_text: str | None
    at: dt.datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class _Writer:
    """Who writes an event, and on which chain: an organisation's, or the site's (None)."""

    organisation: Organisation | None
    user: User | None
    username: str
    ip_address: str | None


@transaction.atomic
def _append(
    writer: _Writer,
    action: AuditAction,
    object_type: str,
    object_id: object,
    **details: Unpack[AuditDetails],
) -> AuditEvent:
    organisation = writer.organisation
    shown_patient_ids = details.get("shown_patient_ids", ())
    search_text = details.get("search_text")
    at = details.get("at")
    head = _locked_head(organisation)
    key = settings.CLEANNOTE_AUDIT_KEY
    event = AuditEvent(
        organisation=organisation,
        sequence=head.sequence + 1,
        occurred_at=(at or timezone.now()).astimezone(dt.UTC),
        actor=writer.user,
        actor_username=writer.username[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:40],
        patient_id=details.get("patient_id"),
        ip_address=writer.ip_address,
        search_digest=search_digest(key, search_text) if search_text is not None else "",
        reason=" ".join(details.get("reason", "").split())[:200],
        prev_hash=head.last_hash,
    )
    event._shown_patient_ids = list(shown_patient_ids)  # type: ignore[attr-defined]
    event.hash = chain_hash(event.prev_hash, event.canonical())
    event.save()
    if shown_patient_ids:
        _insert_shown(event, [int(patient) for patient in shown_patient_ids])
    head.sequence = event.sequence
    head.last_hash = event.hash
    head.anchor = head_anchor(key, head.organisation_id, head.sequence, head.last_hash)
    head.save(update_fields=["sequence", "last_hash", "anchor"])
    return event


def do_record_audit_events(
    actor: Actor,
    action: AuditAction,
    object_type: str,
    subjects: Sequence[tuple[object, int | None]],
) -> list[AuditEvent]:
    """Append one event per (object id, patient id) to the actor's organisation's chain, in
    order: the same rows as that many `do_record_audit_event` calls, in three queries (the
    head locked once, the events inserted together, the head moved once), for the bulk actions
    that touch a thousand claims at a time."""
    if not subjects:
        return []
    head = _locked_head(actor.organisation)
    key = settings.CLEANNOTE_AUDIT_KEY
    events: list[AuditEvent] = []
    sequence, last_hash = head.sequence, head.last_hash
    for object_id, patient_id in subjects:
        sequence += 1
        event = AuditEvent(
            organisation=actor.organisation,
            sequence=sequence,
            occurred_at=timezone.now().astimezone(dt.UTC),
            actor=actor.user,
            actor_username=actor.username[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:40],
            patient_id=patient_id,
            ip_address=actor.ip_address,
            prev_hash=last_hash,
        )
        event._shown_patient_ids = []  # type: ignore[attr-defined]
        event.hash = chain_hash(event.prev_hash, event.canonical())
        last_hash = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    head.sequence, head.last_hash = sequence, last_hash
    head.anchor = head_anchor(key, head.organisation_id, head.sequence, head.last_hash)
    head.save(update_fields=["sequence", "last_hash", "anchor"])
    return events


def _insert_shown(event: AuditEvent, patient_ids: list[int]) -> None:
    """The event's shown patients, in order. On PostgreSQL one INSERT over the id array: a
    week view shows 2,000 patients, and 2,000 model rows built only to be inserted cost a
    tenth of its time (ADR 0607). The rows are the same either way."""
    if connection.vendor != "postgresql":
        AuditShownPatient.objects.bulk_create(
            AuditShownPatient(event=event, position=position, patient_id=patient)
            for position, patient in enumerate(patient_ids)
        )
        return
    fields = AuditShownPatient._meta
    table = connection.ops.quote_name(fields.db_table)
    column = {f.name: connection.ops.quote_name(str(f.column)) for f in fields.concrete_fields}
    event_column, position_column, patient_column = (
        column[name] for name in ("event", "position", "patient_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({event_column}, {position_column}, {patient_column}) "
            "SELECT %s, shown.ordinality - 1, shown.patient "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS shown(patient, ordinality)",
            [event.pk, patient_ids],
        )


def do_record_audit_event(
    actor: Actor,
    action: AuditAction,
    object_type: str,
    object_id: object,
    **details: Unpack[AuditDetails],
) -> AuditEvent:
    """Append one event to the actor's organisation's chain.

    `patient_id` is the patient whose record it touches. `shown_patient_ids` lists the patients
    a list or search page showed; `search_text` is kept only as a keyed hash (ADR 0212). `at`
    dates it (default now). `reason` is why a person changed a record, in their words (at most
    200 characters, spaces collapsed), kept in the hashed row.
    """
    writer = _Writer(actor.organisation, actor.user, actor.username, actor.ip_address)
    return _append(writer, action, object_type, object_id, **details)


def do_record_access_event(
    organisation: Organisation | None,
    *,
    user: User | None,
    username: str,
    ip_address: str | None,
    action: AuditAction,
    object_type: str,
    object_id: object,
) -> AuditEvent:
    """Sign-in, sign-out, lockout and refused requests: the organisation's chain, or the site's.

    A username that belongs to nobody, or a login without a staff profile, has no
    organisation; its events go to the site chain.
    """
    return _append(
        _Writer(organisation, user, username, ip_address), action, object_type, object_id
    )
