"""The only writer of audit events.

`do_record_audit_event` appends the event unchained and takes no lock, so a long transaction
that writes audit rows holds up no other writer (ADR 0830). Callers inside a larger
transaction keep the event with their change: rolled back together, committed together. Once
the event is committed, `chain_pending_events` links it into the organisation's chain under
the locked head and re-signs the head with the audit key (ADR 0211): a task, run here at once
by default and by a worker when REDIS_URL is set.
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

from cleannote.apps.audit.chain import search_digest
from cleannote.apps.audit.chaining import chain_pending_events, verify_audit_chain
from cleannote.apps.audit.models import AuditAction, AuditChainHead, AuditEvent, AuditShownPatient
from cleannote.platform.tasks import enqueue

if TYPE_CHECKING:
    from cleannote.apps.organisations.models import Organisation


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and from where: what every action needs to write its audit row."""

    user: User | None
    organisation: Organisation
    ip_address: str | None = None
    # The name a caller without a login of its own acts under, e.g. "api token 3f9a1c2e"
    # (ADR 0900); the audit row's username.
    via: str = ""

    @property
    def username(self) -> str:
        if self.via:
            return self.via
        return self.user.get_username() if self.user is not None else "system"


def do_open_chain(organisation: Organisation) -> AuditChainHead:
    """The new organisation's chain head, created with the organisation so the chaining task
    finds it."""
    return AuditChainHead.objects.create(organisation=organisation)


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
    key = settings.CLEANNOTE_AUDIT_KEY
    event = AuditEvent(
        organisation=organisation,
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
    )
    event._shown_patient_ids = list(shown_patient_ids)  # type: ignore[attr-defined]
    event.save()
    if shown_patient_ids:
        _insert_shown(event, [int(patient) for patient in shown_patient_ids])
    return event


def _chain_soon(organisation: Organisation | None) -> None:
    """Link the chain's pending events once the caller's transaction commits (at once when
    there is none): in this process by default, by a worker when REDIS_URL is set."""
    enqueue(chain_pending_events, organisation.pk if organisation is not None else None)


def do_record_audit_events(
    actor: Actor,
    action: AuditAction,
    object_type: str,
    subjects: Sequence[tuple[object, int | None]],
) -> list[AuditEvent]:
    """Append one event per (object id, patient id) to the actor's organisation's chain, in
    order: the same rows as that many `do_record_audit_event` calls, inserted together, for
    the bulk actions that touch a thousand claims at a time."""
    if not subjects:
        return []
    events: list[AuditEvent] = []
    for object_id, patient_id in subjects:
        event = AuditEvent(
            organisation=actor.organisation,
            occurred_at=timezone.now().astimezone(dt.UTC),
            actor=actor.user,
            actor_username=actor.username[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:40],
            patient_id=patient_id,
            ip_address=actor.ip_address,
        )
        event._shown_patient_ids = []  # type: ignore[attr-defined]
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    _chain_soon(actor.organisation)
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
    event = _append(writer, action, object_type, object_id, **details)
    _chain_soon(actor.organisation)
    return event


def do_record_access_event(
    organisation: Organisation | None,
    *,
    user: User | None,
    username: str,
    ip_address: str | None,
    action: AuditAction,
    object_type: str,
    object_id: object,
    reason: str = "",
) -> AuditEvent:
    """Sign-in, sign-out, lockout and refused requests: the organisation's chain, or the site's.

    A username that belongs to nobody, or a login without a staff profile, has no
    organisation; its events go to the site chain. `reason` as for `do_record_audit_event`
    (a nightly sweep's counts, ADR 0922).
    """
    event = _append(
        _Writer(organisation, user, username, ip_address),
        action,
        object_type,
        object_id,
        reason=reason,
    )
    _chain_soon(organisation)
    return event


def do_request_verification(organisation: Organisation, *, full: bool) -> bool:
    """Queue a verification of the organisation's chain (ADR 0830); whether it already ran
    (in this process, without REDIS_URL) rather than waiting for a worker."""
    AuditChainHead.objects.filter(organisation=organisation).update(
        verification_requested_at=timezone.now()
    )
    queued = enqueue(verify_audit_chain, organisation.pk, full)
    return queued.job_id is None and not queued.on_commit
