"""The only writers of notes, treatment blocks, signatures, co-signatures and addenda.

A note is edited only while it is a draft, and only by its treating clinician (the note's
`therapist`): others in the organisation may read it, never change or sign it. Signing freezes
it; an assistant's signed note is then co-signed by a supervising therapist of the assistant's
discipline, and from then on the only change is an addendum. What a credential may furnish
comes from the core's scope table (rules/scope_of_practice.py); every refusal names its rule.
Every write records an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.notes.clinical_reports import frozen_goal_report, plan_goals, type_refusals
from cleannote.apps.notes.errors import NoteStateError, NoteTypeRefused, ScopeRefused
from cleannote.apps.notes.models import (
    TREATMENT_VISIT,
    Addendum,
    Note,
    NoteStatus,
    TreatmentBlock,
)
from cleannote.apps.notes.objective import carry_objective
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.actions import do_record_goal_progress
from cleannote.apps.patients.models import Case, Goal, GoalStatus, Patient
from cleannote.rules.note_types import NoteType, template_of
from cleannote.rules.scope_of_practice import (
    RULE_TREATING_CLINICIAN,
    act_refusal,
    code_refusal,
    cosign_refusal,
)
from cleannote.rules.visit import Credential

# What a new note copies from the case's last signed note, so a therapist edits rather than
# retypes; the subjective and assessment are always written fresh. The objective's values keep
# the day they were measured (objective.carry_objective), so they are not taken as new ones.
CARRIED_FIELDS = ("pain_location", "functional_limits", "objective", "plan")
EDITABLE_FIELDS = frozenset(
    {
        "date_of_service",
        "location",
        "pain_level",
        "pain_location",
        "functional_limits",
        "patient_words",
        "objective",
        "assessment",
        "plan",
        "note_type",
        "sections",
        "complexity",
        "goal_report",
    }
)
# Foreign keys an action sets from objects it was handed (so they exist); full_clean skips
# them to save one query each, and the organisation check below covers what matters.
TRUSTED_KEYS = (
    "patient",
    "case",
    "therapist",
    "location",
    "carried_from",
    "signed_by",
    "cosigned_by",
)


def _lock_draft(note: Note) -> Note:
    locked = Note.objects.select_for_update().get(pk=note.pk)
    if locked.status != NoteStatus.DRAFT:
        raise NoteStateError(note.pk, "is signed; add an addendum instead")
    return locked


def _require_writer(staff: Staff, note_id: int | None) -> None:
    if not has_capability(staff.role, Capability.WRITE_NOTES):
        raise NoteStateError(note_id, f"role {staff.role} may not write notes")


def _actor_staff(actor: Actor, note_id: int | None) -> Staff:
    """The acting person's staff profile, which must be a documenting role (a biller reads,
    never edits)."""
    staff = (
        Staff.objects.filter(user=actor.user, organisation=actor.organisation)
        .only("pk", "role", "credential", "organisation_id", "user_id")
        .first()
        if actor.user is not None
        else None
    )
    if staff is None:
        raise NoteStateError(note_id, "only the organisation's staff may write notes")
    _require_writer(staff, note_id)
    return staff


def _require_treating(staff: Staff, note: Note) -> None:
    """A draft belongs to its treating clinician: nobody else changes or signs it."""
    if staff.pk != note.therapist_id:
        raise ScopeRefused(
            note.pk,
            "belongs to its treating clinician; others may read it but not change or sign it",
            RULE_TREATING_CLINICIAN,
        )


def require_treating_actor(actor: Actor, note: Note) -> Staff:
    """The acting person's staff profile, when they are the note's treating clinician."""
    staff = _actor_staff(actor, note.pk)
    _require_treating(staff, note)
    return staff


def _credential(staff: Staff) -> Credential | None:
    return Credential(staff.credential) if staff.credential else None


def _require_code_in_scope(note: Note, therapist: Staff, code: str) -> None:
    credential = _credential(therapist)
    refusal = code_refusal(credential, code) if credential is not None else None
    if refusal is not None:
        raise ScopeRefused(note.pk, refusal.message, refusal.rule)


def _require_type_in_scope(note_id: int | None, therapist: Staff, note_type: str) -> None:
    """An assistant writes no evaluation, re-evaluation, progress report or discharge summary:
    the note type's act, asked of the scope table."""
    credential = _credential(therapist)
    act = template_of(note_type).act
    refusal = act_refusal(credential, act) if credential is not None else None
    if refusal is not None:
        raise ScopeRefused(note_id, refusal.message, refusal.rule)


def _require_signable_type(note: Note) -> list[Goal]:
    """The note's type's sign-off rules (rules/note_types.py); the plan goals it reports on."""
    goals = plan_goals(note) if note.template.reports_goals else []
    refusals = type_refusals(note, goals)
    if refusals:
        raise NoteTypeRefused(note.pk, refusals)
    return goals


def _record_reported_goals(actor: Actor, note: Note, goals: list[Goal]) -> None:
    """A signed report freezes each goal's row (with its text) and gives the plan's goals the
    status and latest value it reports, through the chart's own action."""
    note.goal_report = frozen_goal_report(note, goals)
    reported = {row["goal"]: row for row in note.goal_report}
    for goal in goals:
        row = reported[goal.pk]
        if (goal.status, goal.current) != (row["status"], row["current"]):
            do_record_goal_progress(
                actor, goal, current=row["current"], status=GoalStatus(row["status"])
            )


@transaction.atomic
def do_start_note(
    actor: Actor,
    *,
    case: Case,
    therapist: Staff,
    location: Location,
    date_of_service: dt.date,
    carry_forward: bool = True,
    note_type: NoteType = NoteType.DAILY,
) -> Note:
    _require_writer(therapist, None)
    _require_type_in_scope(None, therapist, note_type)
    patient_org = Patient.objects.filter(pk=case.patient_id).values_list(
        "organisation_id", flat=True
    )
    if {therapist.organisation_id, location.organisation_id} != set(patient_org):
        raise NoteStateError(None, "patient, therapist and location must share an organisation")
    note = Note(
        patient_id=case.patient_id,
        case=case,
        therapist=therapist,
        location=location,
        date_of_service=date_of_service,
        note_type=NoteType(note_type).value,
    )
    if carry_forward:
        previous = (
            Note.objects.filter(TREATMENT_VISIT, case=case, status=NoteStatus.SIGNED)
            .order_by("-date_of_service", "-id")
            .first()
        )
        if previous is not None:
            note.carried_from = previous
            for name in CARRIED_FIELDS:
                setattr(note, name, getattr(previous, name))
            # Measurements come along as "last measured on DATE", never as new ones.
            note.objective = carry_objective(previous.objective, previous.date_of_service)
    note.full_clean(exclude=TRUSTED_KEYS)
    note.save()
    do_record_audit_event(actor, AuditAction.CREATE, "note", note.pk, patient_id=note.patient_id)
    return note


@transaction.atomic
def do_update_note(actor: Actor, note: Note, **fields: Any) -> Note:
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise NoteStateError(note.pk, f"field {unknown[0]!r} cannot be edited")
    staff = _actor_staff(actor, note.pk)
    locked = _lock_draft(note)
    _require_treating(staff, locked)
    if "note_type" in fields:
        fields["note_type"] = NoteType(fields["note_type"]).value
        if fields["note_type"] != locked.note_type:
            _require_type_in_scope(note.pk, staff, fields["note_type"])
    if (
        "location" in fields
        and fields["location"].organisation_id != locked.location.organisation_id
    ):
        raise NoteStateError(note.pk, "location belongs to another organisation")
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=TRUSTED_KEYS)
    locked.save()
    do_record_audit_event(actor, AuditAction.UPDATE, "note", note.pk, patient_id=note.patient_id)
    return locked


@transaction.atomic
def do_add_treatment_block(
    actor: Actor, note: Note, *, goals: Iterable[Goal] = (), **fields: Any
) -> TreatmentBlock:
    staff = _actor_staff(actor, note.pk)
    locked = _lock_draft(note)
    _require_treating(staff, locked)
    _require_code_in_scope(locked, staff, str(fields.get("code", "")))
    goal_ids = {g.pk for g in goals}
    if goal_ids:
        own = set(
            Goal.objects.filter(pk__in=goal_ids, plan__case_id=locked.case_id).values_list(
                "pk", flat=True
            )
        )
        if goal_ids - own:
            raise NoteStateError(note.pk, f"goal {min(goal_ids - own)} belongs to another case")
    last = locked.blocks.aggregate(last=Max("order"))["last"] or 0
    block = TreatmentBlock(note=locked, order=last + 1, **fields)
    # The order was just computed under the note's row lock, so it is unique by construction.
    block.full_clean(exclude=["note"], validate_unique=False)
    block.save()
    if goal_ids:
        block.goals.add(*goal_ids)
    do_record_audit_event(actor, AuditAction.UPDATE, "note", note.pk, patient_id=locked.patient_id)
    return block


@transaction.atomic
def do_sign_note(actor: Actor, note: Note, signer: Staff, *, at: dt.datetime | None = None) -> Note:
    """Sign the draft: only its treating clinician, acting for themself, signs it, and only
    when its type's rules hold (rules/note_types.py: who may write it, its sections, each
    goal's status, its evaluation code). A report's goal statuses go to the plan's goals."""
    locked = _lock_draft(note)
    _require_writer(signer, note.pk)
    if signer.organisation_id != locked.therapist.organisation_id:
        raise NoteStateError(note.pk, "signer is not in the note's organisation")
    _require_treating(signer, locked)
    if actor.user is None or actor.user.pk != signer.user_id:
        raise ScopeRefused(note.pk, "is signed by its clinician in person", RULE_TREATING_CLINICIAN)
    goals = _require_signable_type(locked)
    if locked.template.reports_goals:
        _record_reported_goals(actor, locked, goals)
    locked.status = NoteStatus.SIGNED
    locked.signed_by = signer
    locked.signed_at = at or timezone.now()
    locked.save(update_fields=["status", "signed_by", "signed_at", "goal_report", "updated_at"])
    do_record_audit_event(actor, AuditAction.SIGN, "note", note.pk, patient_id=locked.patient_id)
    return locked


@transaction.atomic
def do_cosign_note(
    actor: Actor, note: Note, cosigner: Staff, *, at: dt.datetime | None = None
) -> Note:
    """The supervising therapist's co-signature on an assistant's signed note: a PT for a PTA,
    an OT for a COTA, an SLP for an SLPA. Recorded with who and when; a claim to a payer that
    bills the assistant's visit under the therapist waits for it (docs/decisions/0200)."""
    _require_writer(cosigner, note.pk)
    if actor.user is None or actor.user.pk != cosigner.user_id:
        raise ScopeRefused(
            note.pk, "is co-signed by the supervising therapist in person", RULE_TREATING_CLINICIAN
        )
    locked = Note.objects.select_for_update().select_related("therapist").get(pk=note.pk)
    if locked.status != NoteStatus.SIGNED:
        raise NoteStateError(note.pk, "is still a draft; its clinician signs it first")
    if locked.cosigned_at is not None:
        raise NoteStateError(note.pk, "is already co-signed")
    if cosigner.organisation_id != locked.therapist.organisation_id:
        raise NoteStateError(note.pk, "co-signer is not in the note's organisation")
    author = _credential(locked.therapist)
    if author is None:
        raise NoteStateError(note.pk, "its clinician has no credential on file")
    refusal = cosign_refusal(author, _credential(cosigner))
    if refusal is not None:
        raise ScopeRefused(note.pk, refusal.message, refusal.rule)
    locked.cosigned_by = cosigner
    locked.cosigned_at = at or timezone.now()
    locked.save(update_fields=["cosigned_by", "cosigned_at", "updated_at"])
    do_record_audit_event(
        actor, AuditAction.SIGN, "note-cosignature", note.pk, patient_id=locked.patient_id
    )
    return locked


@transaction.atomic
def do_add_addendum(
    actor: Actor, note: Note, author: Staff, text: str, *, at: dt.datetime | None = None
) -> Addendum:
    """A signed correction by the note's clinician or its co-signer, never by anyone else."""
    _require_writer(author, note.pk)
    current = Note.objects.select_for_update().get(pk=note.pk)
    if current.status != NoteStatus.SIGNED:
        raise NoteStateError(note.pk, "is still a draft; edit it instead of adding an addendum")
    if author.pk not in (current.therapist_id, current.cosigned_by_id) or (
        actor.user is None or actor.user.pk != author.user_id
    ):
        raise ScopeRefused(
            note.pk,
            "takes addenda from its clinician or its co-signer only",
            RULE_TREATING_CLINICIAN,
        )
    if not text.strip():
        raise NoteStateError(note.pk, "an addendum needs text")
    addendum = Addendum(note=current, author=author, text=text, signed_at=at or timezone.now())
    addendum.full_clean()
    addendum.save()
    do_record_audit_event(
        actor, AuditAction.CREATE, "addendum", addendum.pk, patient_id=current.patient_id
    )
    return addendum
