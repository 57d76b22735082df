"""The charge queue's one write: "Create claims" on many signed notes at once (ADR 0710).

The notes are loaded in bulk (`load_notes_for_visits`, a fixed number of queries per chunk of
notes), then each goes through the per-note claim gate (`claim_from_loaded_note`, the body of
`do_create_claim_from_note`) in its own savepoint, so a refusal undoes only that note's work.
A refused note keeps one `ChargeRefusal` row with the findings of its latest attempt; a created
claim deletes it. A note already billed answers with its claim (the constraint
`claim_once_per_note_and_payer`), so posting the same selection twice makes no second claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_events
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.actions import claim_from_loaded_note, require_biller
from cleannote.apps.claims.errors import ClaimError, ClaimRefusedError
from cleannote.apps.claims.fees import FeeBook
from cleannote.apps.claims.models import BILLED_ONCE, ChargeRefusal, Claim
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.visit_builder import LOAD_CHUNK, billed_coverage, load_notes_for_visits
from cleannote.platform.reference_tables import scrub_tables
from cleannote.rules.findings import Finding

BULK_LIMIT = 1000  # notes in one "Create claims"; the page never offers more


@dataclass
class ChargeOutcome:
    """What one "Create claims" did, by note id."""

    created: list[Claim] = field(default_factory=list)
    already_billed: list[Claim] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def findings_to_rows(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [
        {"rule": f.rule, "severity": f.severity.value, "message": f.message, "fix": f.fix,
         "source": f.source}
        for f in findings
    ]  # fmt: skip


def _record_refusal(actor: Actor, note: Note | None, exc: ClaimError) -> None:
    if note is None:
        return  # another organisation's note, or none: nothing to list
    coverage = billed_coverage(note)
    findings = exc.findings if isinstance(exc, ClaimRefusedError) else ()
    ChargeRefusal.objects.update_or_create(
        note=note,
        defaults={
            "organisation": actor.organisation,
            "coverage": coverage,
            "problem": exc.problem[:300],
            "findings": findings_to_rows(findings),
            "attempted_at": timezone.now(),
        },
    )


@transaction.atomic
def do_create_claims_from_notes(
    actor: Actor, note_ids: Iterable[int], *, as_of: dt.date | None = None
) -> ChargeOutcome:
    """A draft claim for each note (in id order), each in its own savepoint; refusals are
    listed, not raised. Refuses the whole request only when the actor may not bill or the
    selection is larger than BULK_LIMIT."""
    ids = sorted(set(note_ids))
    require_biller(actor, "charge queue")
    if len(ids) > BULK_LIMIT:
        raise ClaimError("charge queue", f"at most {BULK_LIMIT} notes at once, not {len(ids)}")
    outcome = ChargeOutcome()
    # The claims that already bill these notes, read once (not once per note): the first by
    # id for each note and payer, as `billed_claim` answers.
    billed: dict[tuple[int, str], Claim] = {}
    for claim in Claim.objects.filter(
        note_id__in=ids, origin__in=BILLED_ONCE, voided=False, organisation=actor.organisation
    ).order_by("id"):
        billed.setdefault((claim.note_id, claim.payer_id), claim)
    billed_before = {claim.pk for claim in billed.values()}
    ptp, mue = scrub_tables()
    fee_book = FeeBook()
    created_events: list[tuple[object, int | None]] = []  # audited together at the end
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start : start + LOAD_CHUNK]
        loaded = load_notes_for_visits(chunk, actor.organisation)
        for note_id in chunk:
            note = loaded.get(note_id)
            try:
                # No savepoint of its own: the gate refuses before it writes, and its one write
                # that may fail (the claim, against `claim_once_per_note_and_payer`) has one.
                claim = claim_from_loaded_note(actor, note_id, note, ptp=ptp, mue=mue,
                                               as_of=as_of, fee_book=fee_book,
                                               audited=created_events, billed=billed)  # fmt: skip
            except ClaimError as exc:
                outcome.refused[note_id] = exc.problem
                _record_refusal(actor, note, exc)
                continue
            if claim.pk in billed_before:
                outcome.already_billed.append(claim)
            else:
                outcome.created.append(claim)
    do_record_audit_events(actor, AuditAction.CREATE, "claim", created_events)
    ChargeRefusal.objects.filter(
        organisation=actor.organisation,
        note_id__in=[c.note_id for c in (*outcome.created, *outcome.already_billed)],
    ).delete()
    return outcome
