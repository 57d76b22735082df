"""Reads of the audit log, and the chain check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from cleannote.apps.audit.chain import ANCHOR_KIND, anchor_matches, chain_hash, key_fingerprint
from cleannote.apps.audit.models import GENESIS_HASH, AuditEvent, chain_head_of

if TYPE_CHECKING:
    from cleannote.apps.organisations.models import Organisation


def audit_events_of(organisation: Organisation | None) -> QuerySet[AuditEvent]:
    """An organisation's events, or the site chain's (organisation None)."""
    if organisation is None:
        return AuditEvent.objects.filter(organisation__isnull=True)
    return AuditEvent.objects.filter(organisation=organisation)


def events_about_patient(organisation: Organisation, patient_id: int) -> QuerySet[AuditEvent]:
    """Events on the patient's record, and the lists and searches that showed the patient."""
    return (
        audit_events_of(organisation)
        .filter(Q(patient_id=patient_id) | Q(shown_patients__patient_id=patient_id))
        .distinct()
    )


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    sequence: int
    event_id: int | None
    problem: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What a verification found, and against which anchor and key it was made."""

    chain_break: ChainBreak | None
    events: int
    anchor_kind: str
    key_source: str
    key_fingerprint: str

    @property
    def intact(self) -> bool:
        return self.chain_break is None


def check_chain(organisation: Organisation | None, *, batch_size: int = 2000) -> ChainCheck:
    """Walk the chain from the start, then check its head against the anchor key.

    Checks that sequences have no gaps, each row points at the hash before it, each row's hash
    matches its content, the head agrees with the last row (so deleting the newest rows is
    caught), and the head's HMAC matches under CLEANNOTE_AUDIT_KEY (so rewriting rows and head
    together, which needs only database access, is caught too; ADR 0211).
    """
    key = settings.CLEANNOTE_AUDIT_KEY
    chain_break = _walk(organisation, key, batch_size)
    return ChainCheck(
        chain_break=chain_break[0],
        events=chain_break[1],
        anchor_kind=ANCHOR_KIND,
        key_source=settings.CLEANNOTE_AUDIT_KEY_SOURCE,
        key_fingerprint=key_fingerprint(key),
    )


def verify_chain(organisation: Organisation | None, *, batch_size: int = 2000) -> ChainBreak | None:
    """The first broken row of the organisation's chain (anchor included), or None if intact."""
    return check_chain(organisation, batch_size=batch_size).chain_break


def _walk(
    organisation: Organisation | None, key: str, batch_size: int
) -> tuple[ChainBreak | None, int]:
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    events = (
        audit_events_of(organisation)
        .order_by("sequence")
        .prefetch_related("shown_patients")
        .iterator(chunk_size=batch_size)
    )
    for event in events:
        if event.sequence != expected_sequence:
            return ChainBreak(expected_sequence, None, "row missing from the chain"), 0
        if event.prev_hash != expected_prev:
            return ChainBreak(event.sequence, event.pk, "does not point at the row before it"), 0
        if chain_hash(event.prev_hash, event.canonical()) != event.hash:
            return ChainBreak(event.sequence, event.pk, "content does not match its hash"), 0
        expected_prev = event.hash
        expected_sequence += 1
    last_sequence = expected_sequence - 1
    head = chain_head_of(organisation).first()
    if head is None:
        if last_sequence:
            return ChainBreak(last_sequence, None, "the chain's head is missing"), last_sequence
        return None, 0
    if head.sequence != last_sequence or head.last_hash != expected_prev:
        return ChainBreak(last_sequence + 1, None, "rows after this point were removed"), 0
    if last_sequence and not anchor_matches(
        key, head.anchor, head.organisation_id, head.sequence, head.last_hash
    ):
        problem = (
            "the head does not match its anchor: the chain was rewritten in the database, "
            "or the audit key changed"
        )
        return ChainBreak(last_sequence, None, problem), last_sequence
    return None, last_sequence
