"""Linking appended audit events into their chain, and verifying it: tasks, off the request
path (ADR 0830).

A writer appends its event unchained and queues `chain_pending_events` for its chain. The task
locks the chain head (SELECT ... FOR UPDATE, in the task's own short transaction; SQLite's
writer lock serialises the same way), links every pending event in the order written, moves
the head and re-signs it (ADR 0211). Run twice, or by several workers at once, it links each
event exactly once: the second run waits for the head, then finds nothing pending.

`verify_audit_chain` continues from the point the last verification reached (or walks the
whole chain when asked, or when the last one found a break) and keeps its result on the head,
for the audit page and `manage.py audit_verify` to show.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from cleannote.apps.audit.chain import chain_hash, head_anchor
from cleannote.apps.audit.models import AuditChainHead, AuditEvent, AuditShownPatient
from cleannote.apps.audit.selectors import ChainCheck, check_chain, unchained_events

CHAIN_BATCH = 5000


def _head_rows(organisation_id: int | None) -> QuerySet[AuditChainHead]:
    if organisation_id is None:
        return AuditChainHead.objects.filter(organisation__isnull=True)
    return AuditChainHead.objects.filter(organisation_id=organisation_id)


def _locked_head(organisation_id: int | None) -> AuditChainHead:
    chain = _head_rows(organisation_id).select_for_update()
    head = chain.first()
    if head is None:
        # The chain's first event. get_or_create inserts in a savepoint, so when two tasks
        # race, the loser's unique-index error is caught and both lock the one head.
        if organisation_id is None:
            AuditChainHead.objects.get_or_create(organisation=None)
        else:
            AuditChainHead.objects.get_or_create(organisation_id=organisation_id)
        head = chain.get()
    return head


def _write_links(events: list[AuditEvent]) -> None:
    """Store each event's sequence and hashes: on PostgreSQL one UPDATE over arrays."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_update(events, ["sequence", "prev_hash", "hash"], batch_size=500)
        return
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS event SET sequence = link.sequence, "
            "prev_hash = link.prev_hash, hash = link.hash "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[]) "
            "AS link(id, sequence, prev_hash, hash) WHERE event.id = link.id",
            [
                [event.pk for event in events],
                [event.sequence for event in events],
                [event.prev_hash for event in events],
                [event.hash for event in events],
            ],
        )


def _pending_with_shown(organisation_id: int | None, limit: int) -> list[AuditEvent]:
    """The chain's next pending events, each with its shown patients in order (what its hash
    covers). On PostgreSQL the ids come in the same statement, as one array per event: a week
    view's event shows 2,000 patients, which as a prefetch were a second query and 2,000 model
    rows built in the request (ADR 0674)."""
    pending = unchained_events(organisation_id)
    if connection.vendor != "postgresql":
        return list(pending.prefetch_related("shown_patients")[:limit])
    from django.contrib.postgres.expressions import ArraySubquery

    shown = (
        AuditShownPatient.objects.filter(event=OuterRef("pk"))
        .order_by("position")
        .values("patient_id")
    )
    events: list[AuditEvent] = []
    for event in pending.annotate(shown_ids=ArraySubquery(shown))[:limit]:
        event._shown_patient_ids = list(event.shown_ids)  # type: ignore[attr-defined]
        events.append(event)
    return events


@transaction.atomic
def _chain_some(organisation_id: int | None, limit: int) -> int:
    head = _locked_head(organisation_id)
    pending = _pending_with_shown(organisation_id, limit)
    if not pending:
        return 0
    sequence, last_hash = head.sequence, head.last_hash
    for event in pending:
        sequence += 1
        event.sequence, event.prev_hash = sequence, last_hash
        event.hash = chain_hash(last_hash, event.canonical())
        last_hash = event.hash
    _write_links(pending)
    head.sequence, head.last_hash = sequence, last_hash
    head.anchor = head_anchor(settings.CLEANNOTE_AUDIT_KEY, organisation_id, sequence, last_hash)
    head.save(update_fields=["sequence", "last_hash", "anchor"])
    return len(pending)


def chain_pending_events(organisation_id: int | None, limit: int = CHAIN_BATCH) -> int:
    """Task: link the chain's pending events, `limit` per transaction; how many it linked."""
    linked = 0
    while True:
        count = _chain_some(organisation_id, limit)
        linked += count
        if count < limit:
            return linked


def verify_audit_chain(organisation_id: int | None, full: bool = False) -> bool:
    """Task: link what is pending, verify the chain from where the last verification reached
    (from the start when `full`, or after a break) and keep the result on the head; whether it
    held. Two runs at once each record a true result; the later one's stays."""
    chain_pending_events(organisation_id)
    head = _head_rows(organisation_id).first()
    if head is None:
        return True
    since = None
    if not full and not head.verified_problem and head.verified_at is not None:
        since = (head.verified_sequence, head.verified_hash)
    check: ChainCheck = check_chain(head.organisation, since=since)
    found = check.chain_break
    fields: dict[str, object] = {
        "verified_at": timezone.now(),
        "verified_full": since is None,
        "verified_break_sequence": found.sequence if found else None,
        "verified_problem": found.problem[:200] if found else "",
        "verification_requested_at": None,
    }
    if found is None:
        fields["verified_sequence"], fields["verified_hash"] = check.reached
    _head_rows(organisation_id).update(**fields)
    return found is None
