"""Reads of the audit log, and the chain check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from cleannote.apps.audit.chain import chain_hash
from cleannote.apps.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from cleannote.apps.organisations.models import Organisation


def audit_events_of(organisation: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=organisation)


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    sequence: int
    event_id: int | None
    problem: str


def verify_chain(organisation: Organisation, *, batch_size: int = 2000) -> ChainBreak | None:
    """Walk the organisation's chain from the start; the first broken row, or None if intact.

    Checks that sequences have no gaps, each row points at the hash before it, each row's hash
    matches its content, and the head agrees with the last row (so deleting the newest rows is
    caught too).
    """
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    for event in audit_events_of(organisation).order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainBreak(expected_sequence, None, "row missing from the chain")
        if event.prev_hash != expected_prev:
            return ChainBreak(event.sequence, event.pk, "does not point at the row before it")
        if chain_hash(event.prev_hash, event.canonical()) != event.hash:
            return ChainBreak(event.sequence, event.pk, "content does not match its hash")
        expected_prev = event.hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(organisation=organisation).first()
    last_sequence = expected_sequence - 1
    if head is not None and (head.sequence != last_sequence or head.last_hash != expected_prev):
        return ChainBreak(last_sequence + 1, None, "rows after this point were removed")
    return None
