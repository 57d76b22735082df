"""Reads of the audit log, and the chain check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from cleannote.apps.audit.chain import ANCHOR_KIND, anchor_matches, chain_hash, key_fingerprint
from cleannote.apps.audit.models import (
    GENESIS_HASH,
    AuditEvent,
    AuditShownPatient,
    chain_head_of,
)

if TYPE_CHECKING:
    from cleannote.apps.organisations.models import Organisation


def audit_events_of(organisation: Organisation | None) -> QuerySet[AuditEvent]:
    """An organisation's events, or the site chain's (organisation None)."""
    if organisation is None:
        return AuditEvent.objects.filter(organisation__isnull=True)
    return AuditEvent.objects.filter(organisation=organisation)


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and the ids that bound the next reads: `older_than`
    is the last event's id when older events exist, `newer_than` the first's when newer ones
    do (None otherwise)."""

    events: list[AuditEvent]
    older_than: int | None
    newer_than: int | None


def _ids_about_patient(
    organisation: Organisation | None,
    patient_id: int,
    before: int | None,
    after: int | None,
    size: int,
) -> list[int]:
    """Up to `size` ids of events on the patient's record or of lists that showed the patient,
    between the bounds, nearest the bound first: two index reads (by patient) merged, never a
    join with DISTINCT over the whole log."""
    own = audit_events_of(organisation).filter(patient_id=patient_id)
    shown = AuditShownPatient.objects.filter(
        patient_id=patient_id, event__in=audit_events_of(organisation)
    )
    if after is not None:
        own, shown = own.filter(pk__gt=after), shown.filter(event_id__gt=after)
    elif before is not None:
        own, shown = own.filter(pk__lt=before), shown.filter(event_id__lt=before)
    newest_first = after is None
    order = "-" if newest_first else ""
    ids = set(own.order_by(f"{order}pk").values_list("pk", flat=True)[:size])
    ids |= set(shown.order_by(f"{order}event_id").values_list("event_id", flat=True)[:size])
    return sorted(ids, reverse=newest_first)[:size]


def _count_shown(events: list[AuditEvent]) -> None:
    """Set `shown_count` on each event: how many patients its list or search showed. One
    grouped query; the page shows the number, never the rows, and a worklist's event names
    hundreds of patients (a page of such events built 50,000 rows in Python, ADR 0870)."""
    counts = dict(
        AuditShownPatient.objects.filter(event_id__in=[e.pk for e in events])
        .order_by()
        .values("event_id")
        .annotate(n=Count("id"))
        .values_list("event_id", "n")
    )
    for event in events:
        event.shown_count = counts.get(event.pk, 0)  # type: ignore[attr-defined]


def audit_page(
    organisation: Organisation | None,
    size: int,
    *,
    patient_id: int | None = None,
    before: int | None = None,
    after: int | None = None,
) -> AuditPage:
    """A page of the log in insertion order, newest first (ADR 0836): the newest page, the
    page of events older than `before`, or the one newer than `after`. One more row than the
    page is read to know whether another page follows; whether one precedes is known from the
    bound the reader came by. A patient's events also include the lists and searches that
    showed the patient."""
    newest_first = after is None
    bound = Q(pk__gt=after) if after is not None else Q(pk__lt=before) if before else Q()
    if patient_id is None:
        rows = audit_events_of(organisation).filter(bound).order_by("-pk" if newest_first else "pk")
        events = list(rows[: size + 1])
    else:
        ids = _ids_about_patient(organisation, patient_id, before, after, size + 1)
        by_id = AuditEvent.objects.in_bulk(ids)
        events = [by_id[i] for i in ids]
    _count_shown(events)
    more = len(events) > size
    events = events[:size]
    if not newest_first:
        events.reverse()
    if not events:
        return AuditPage([], None, None)
    older = events[-1].pk if (more if newest_first else True) else None
    newer = events[0].pk if (before is not None if newest_first else more) else None
    return AuditPage(events, older, newer)


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    sequence: int
    event_id: int | None
    problem: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What a verification found, and against which anchor and key it was made.

    `events` counts the rows walked; `reached` is the (sequence, hash) of the head it checked,
    the point the next verification may continue from (ADR 0830)."""

    chain_break: ChainBreak | None
    events: int
    anchor_kind: str
    key_source: str
    key_fingerprint: str
    reached: tuple[int, str] = (0, GENESIS_HASH)

    @property
    def intact(self) -> bool:
        return self.chain_break is None


def unchained_events(organisation_id: int | None) -> QuerySet[AuditEvent]:
    """Events appended but not linked into the chain yet, in the order they were written."""
    events = AuditEvent.objects.filter(sequence__isnull=True)
    if organisation_id is None:
        return events.filter(organisation__isnull=True).order_by("pk")
    return events.filter(organisation_id=organisation_id).order_by("pk")


def check_chain(
    organisation: Organisation | None,
    *,
    batch_size: int = 2000,
    since: tuple[int, str] | None = None,
) -> ChainCheck:
    """Walk the chain, then check its head against the anchor key.

    Checks that sequences have no gaps, each row points at the hash before it, each row's hash
    matches its content, the head agrees with the last row (so deleting the newest rows is
    caught), and the head's HMAC matches under CLEANNOTE_AUDIT_KEY (so rewriting rows and head
    together, which needs only database access, is caught too; ADR 0211).

    The walk starts at the first row, or with `since` = (sequence, hash) of a row an earlier
    verification reached: that row must still carry that hash and match it, and the walk goes
    on from the row after it (ADR 0830). Events not chained yet are not part of the chain.
    """
    key = settings.CLEANNOTE_AUDIT_KEY
    chain_break, events, reached = _walk(organisation, key, batch_size, since)
    return ChainCheck(
        chain_break=chain_break,
        events=events,
        anchor_kind=ANCHOR_KIND,
        key_source=settings.CLEANNOTE_AUDIT_KEY_SOURCE,
        key_fingerprint=key_fingerprint(key),
        reached=reached,
    )


def verify_chain(organisation: Organisation | None, *, batch_size: int = 2000) -> ChainBreak | None:
    """The first broken row of the organisation's chain (anchor included), or None if intact."""
    return check_chain(organisation, batch_size=batch_size).chain_break


_HEAD_MISMATCH = (
    "the head does not match its anchor: the chain was rewritten in the database, "
    "or the audit key changed"
)


def _walk(
    organisation: Organisation | None,
    key: str,
    batch_size: int,
    since: tuple[int, str] | None,
) -> tuple[ChainBreak | None, int, tuple[int, str]]:
    # The head first: rows the chaining task links while the walk runs come after it.
    head = chain_head_of(organisation).first()
    top = head.sequence if head is not None else None
    chained = audit_events_of(organisation).filter(sequence__isnull=False)
    expected_prev, expected_sequence = GENESIS_HASH, 1
    if since is not None and since[0] > 0:
        start = chained.filter(sequence=since[0]).prefetch_related("shown_patients").first()
        if start is None:
            return ChainBreak(since[0], None, "row missing from the chain"), 0, (0, GENESIS_HASH)
        if start.hash != since[1] or chain_hash(start.prev_hash, start.canonical()) != start.hash:
            problem = "content does not match its hash"
            return ChainBreak(since[0], start.pk, problem), 0, (0, GENESIS_HASH)
        expected_prev, expected_sequence = start.hash, since[0] + 1
        chained = chained.filter(sequence__gte=expected_sequence)
    if top is not None:
        chained = chained.filter(sequence__lte=top)
    walked = 0
    events = chained.order_by("sequence").prefetch_related("shown_patients")
    for event in events.iterator(chunk_size=batch_size):
        broken: ChainBreak | None = None
        if event.sequence != expected_sequence:
            broken = ChainBreak(expected_sequence, None, "row missing from the chain")
        elif event.prev_hash != expected_prev:
            broken = ChainBreak(event.sequence, event.pk, "does not point at the row before it")
        elif chain_hash(event.prev_hash, event.canonical()) != event.hash:
            broken = ChainBreak(event.sequence, event.pk, "content does not match its hash")
        if broken is not None:
            return broken, walked, (0, GENESIS_HASH)
        expected_prev = event.hash
        expected_sequence += 1
        walked += 1
    last_sequence = expected_sequence - 1
    if head is None:
        if last_sequence:
            missing = ChainBreak(last_sequence, None, "the chain's head is missing")
            return missing, walked, (0, GENESIS_HASH)
        return None, 0, (0, GENESIS_HASH)
    if head.sequence != last_sequence or head.last_hash != expected_prev:
        removed = ChainBreak(last_sequence + 1, None, "rows after this point were removed")
        return removed, walked, (0, GENESIS_HASH)
    if last_sequence and not anchor_matches(
        key, head.anchor, head.organisation_id, head.sequence, head.last_hash
    ):
        return ChainBreak(last_sequence, None, _HEAD_MISMATCH), walked, (0, GENESIS_HASH)
    return None, walked, (last_sequence, expected_prev)
