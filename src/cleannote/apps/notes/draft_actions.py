"""Actions behind the note page: start a follow-up, autosave a draft, sign only when clean.

They build on the notes app's `do_*` actions (each change in one transaction with its audit
row). `check_sign_note` is the sign-off rule: it scrubs the note, inside the transaction that
signs it, with the scrubber claims use, and refuses while any error finding stands. The page
and any other face sign through it; `do_sign_note` stays the bare state change that imports
and fixtures use.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_sign_note,
    do_start_note,
    do_update_note,
    require_treating_actor,
)
from cleannote.apps.notes.clinical_reports import suggested_note_type
from cleannote.apps.notes.errors import NoteStateError
from cleannote.apps.notes.live_scrub import blocks_sign_off, scrub_loaded_note, sign_off_clean
from cleannote.apps.notes.models import Note, NoteStatus, TreatmentBlock
from cleannote.apps.notes.note_form import DraftInput
from cleannote.apps.notes.visit_builder import load_note_for_visit
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.models import Case, Goal
from cleannote.rules.catalog import find_procedure
from cleannote.rules.findings import Finding
from cleannote.rules.note_types import NoteType, code_fits_type
from cleannote.rules.scope_of_practice import code_refusal
from cleannote.rules.visit import Credential, Discipline

# What a carried block keeps: what was done and why, never when or for how long.
CARRIED_BLOCK_FIELDS = (
    "code",
    "body_regions",
    "laterality",
    "parameters",
    "modifiers_requested",
    "encounter",
)
BLOCK_WRITABLE = frozenset(
    {
        "start_time",
        "stop_time",
        "minutes",
        "assistant_minutes",
        "body_regions",
        "laterality",
        "justification",
        "parameters",
    }
)


class SignOffRefused(NoteStateError):
    """Signing would produce a denied claim: the error findings say what to fix."""

    def __init__(
        self, note_id: int, findings: tuple[Finding, ...], *, report: bool = False
    ) -> None:
        errors = [f for f in findings if blocks_sign_off(f, report=report)]
        super().__init__(note_id, f"cannot be signed while {len(errors)} error finding(s) stand")
        self.findings = findings


@transaction.atomic
def do_start_follow_up_note(
    actor: Actor,
    *,
    case: Case,
    therapist: Staff,
    location: Location,
    date_of_service: dt.date,
    note_type: NoteType | None = None,
) -> Note:
    """A new draft that starts from the case's last signed note: its blocks and parameters,
    goals and regions, with times, minutes and justifications cleared (each visit's own).

    Its type is the one chosen, else the one suggested (`suggested_note_type`: the case's
    first visit is its evaluation; on the visit where a progress report falls due, every 10th
    treatment day, the report), never one the clinician may not write (scope). An evaluation
    or re-evaluation code is carried only onto a note of that type.
    """
    chosen = note_type or suggested_note_type(case, therapist, date_of_service)
    note = do_start_note(
        actor,
        case=case,
        therapist=therapist,
        location=location,
        date_of_service=date_of_service,
        carry_forward=True,
        note_type=chosen,
    )
    if note.carried_from_id is None:
        return note
    credential = Credential(therapist.credential) if therapist.credential else None
    discipline = Discipline(case.discipline)
    previous = [
        old
        for old in TreatmentBlock.objects.filter(note_id=note.carried_from_id)
        .prefetch_related("goals")
        .order_by("order")
        # A code outside this clinician's scope (the therapist's evaluation, for the assistant
        # who treats next) is not carried: they could not sign it. Nor is a code whose type
        # differs from this note's (the evaluation code onto the next daily note).
        if (credential is None or code_refusal(credential, old.code) is None)
        and code_fits_type(chosen, discipline, old.code)
    ]
    active = set(Goal.objects.filter(plan__case=case, status="active").values_list("pk", flat=True))
    blocks = [
        TreatmentBlock(
            note=note,
            order=index,
            **{name: getattr(old, name) for name in CARRIED_BLOCK_FIELDS},
        )
        for index, old in enumerate(previous, start=1)
    ]
    TreatmentBlock.objects.bulk_create(blocks)
    through = TreatmentBlock.goals.through
    through.objects.bulk_create(
        through(treatmentblock_id=new.pk, goal_id=goal.pk)
        for new, old in zip(blocks, previous, strict=True)
        for goal in old.goals.all()
        if goal.pk in active
    )
    return note


def do_add_block_for_code(actor: Actor, note: Note, code: str) -> TreatmentBlock:
    """A new empty block for a catalog code (the page's "add a code")."""
    procedure = find_procedure(code)
    if procedure is None:
        raise NoteStateError(note.pk, f"code {code.strip()[:8]!r} is not in the catalog")
    return do_add_treatment_block(actor, note, code=procedure.code)


@transaction.atomic
def do_remove_treatment_block(actor: Actor, note: Note, block_id: int) -> None:
    do_update_note(actor, note)  # checks the writer and the draft state, records the change
    deleted, _ = TreatmentBlock.objects.filter(note_id=note.pk, pk=block_id).delete()
    if not deleted:
        raise NoteStateError(note.pk, f"block {block_id} is not on this note")


@transaction.atomic
def do_save_draft(actor: Actor, note: Note, draft: DraftInput) -> Note:
    """Save what parsed of the posted page: note fields, then the blocks in one statement.

    The page posts itself on every pause in typing, so a block is written only where a posted
    value differs from the stored one, and goal links are rewritten only when they changed:
    at most one bulk update of the changed blocks, one read of the goal links (a delete and an
    insert when they differ), and one audit row for the whole save, whatever the block count.
    """
    saved = do_update_note(actor, note, **draft.note_fields)
    if not draft.blocks:
        return saved
    blocks = list(TreatmentBlock.objects.filter(note_id=note.pk, pk__in=draft.blocks))
    changed_blocks: list[TreatmentBlock] = []
    changed: set[str] = set()
    for block in blocks:
        posted = draft.blocks[block.pk]
        unknown = set(posted.fields) - BLOCK_WRITABLE
        if unknown:
            raise NoteStateError(note.pk, f"block field {min(unknown)!r} cannot be edited")
        values = dict(posted.fields)
        if posted.parameters is not None:
            values["parameters"] = posted.parameters
        stored = {name: getattr(block, name) for name in values}
        for name, value in values.items():
            setattr(block, name, value)
        block.full_clean(exclude=["note"], validate_unique=False, validate_constraints=False)
        differing = {name for name in values if getattr(block, name) != stored[name]}
        if differing:
            changed_blocks.append(block)
            changed |= differing
    if changed_blocks:
        TreatmentBlock.objects.bulk_update(changed_blocks, sorted(changed))
    _save_goal_links(note, draft)
    return saved


def _save_goal_links(note: Note, draft: DraftInput) -> None:
    posted = {pk: b.goal_ids for pk, b in draft.blocks.items() if b.goal_ids is not None}
    if not posted:
        return
    through = TreatmentBlock.goals.through
    stored: dict[int, set[int]] = {pk: set() for pk in posted}
    for block_id, goal_id in through.objects.filter(treatmentblock_id__in=posted).values_list(
        "treatmentblock_id", "goal_id"
    ):
        stored[block_id].add(goal_id)
    if stored == posted:
        return
    wanted = set().union(*posted.values())
    own = set(
        Goal.objects.filter(pk__in=wanted, plan__case_id=note.case_id).values_list("pk", flat=True)
    )
    if wanted - own:
        raise NoteStateError(note.pk, f"goal {min(wanted - own)} belongs to another case")
    through.objects.filter(treatmentblock_id__in=posted).delete()
    through.objects.bulk_create(
        through(treatmentblock_id=block_id, goal_id=goal_id)
        for block_id, goal_ids in posted.items()
        for goal_id in sorted(goal_ids)
    )


@transaction.atomic
def check_sign_note(
    actor: Actor, note: Note, signer: Staff, *, at: dt.datetime | None = None
) -> Note:
    """Sign the draft if the scrubber finds no error in it; else raise SignOffRefused.

    Only the note's treating clinician signs (checked before the scrub, so a refusal says
    so). An assistant's visit billed under the supervising therapist is signed with that one
    finding standing: the co-signature that follows resolves it. The note row is locked first,
    so no autosave can slip a change between the scrub and the signature.
    """
    locked = Note.objects.select_for_update().get(pk=note.pk)
    if locked.status != NoteStatus.DRAFT:
        raise NoteStateError(note.pk, "is signed; add an addendum instead")
    require_treating_actor(actor, locked)
    loaded = load_note_for_visit(note.pk)
    assert loaded is not None  # locked above
    result = scrub_loaded_note(loaded, as_of=timezone.localdate(at) if at else None)
    report = loaded.template.reports_goals
    if not sign_off_clean(result, report=report):
        raise SignOffRefused(note.pk, result.findings, report=report)
    return do_sign_note(actor, locked, signer, at=at)
