"""The only writers of the exercise library, the programs and the patient's log; each action is
one transaction with its audit row (ADR 0970).

A program changes only from a note: the first change on a note copies the case's program in
force into a new revision that belongs to the note, and later changes on the same draft edit
that revision. A signed note's revision never changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exercises import media
from cleannote.apps.exercises.models import (
    Category,
    Difficulty,
    Exercise,
    ExerciseSession,
    Prescription,
    ProgramRevision,
    Region,
    SessionEntry,
)
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.models import Patient, PlanOfCare
from cleannote.rules.home_program import Per

INSTRUCTIONS_LIMIT = 600
MAX_SETS = 20
MAX_REPS = 200
MAX_HOLD = 600
MAX_TIMES = 10


class ExerciseRefused(ChartChangeRefused):
    """A library entry, a prescription or a logged session that cannot be saved; `field` names
    the input to fix."""


def _staff(actor: Actor, capability: Capability) -> Staff:
    staff = (
        Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
        if actor.user is not None
        else None
    )
    if staff is None:
        raise ExerciseRefused("actor", "a staff member of this clinic makes this change")
    if not has_capability(staff.role, capability):
        raise ExerciseRefused("actor", f"the {staff.get_role_display().lower()} role may not")
    return staff


@dataclass(frozen=True)
class ExerciseInput:
    name: str
    region: str
    category: str
    instructions: str
    is_active: bool = True
    media: bytes | None = None  # a new picture or video; None keeps what is there
    drop_media: bool = False


def _checked(organisation_id: int, data: ExerciseInput, keep: int | None) -> dict[str, object]:
    name = " ".join(data.name.split())
    if not name:
        raise ExerciseRefused("name", "Give the exercise a name.")
    if len(name) > 80:
        raise ExerciseRefused("name", "Keep the name under 80 characters.")
    taken = Exercise.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if keep is not None:
        taken = taken.exclude(pk=keep)
    if taken.exists():
        raise ExerciseRefused("name", "The library already has an exercise of this name.")
    if data.region not in Region.values:
        raise ExerciseRefused("region", "Choose the body region.")
    if data.category not in Category.values:
        raise ExerciseRefused("category", "Choose the category.")
    instructions = data.instructions.strip()
    if not instructions:
        raise ExerciseRefused("instructions", "Say in a few lines how to do it.")
    if len(instructions) > INSTRUCTIONS_LIMIT:
        raise ExerciseRefused(
            "instructions", f"Keep the instructions under {INSTRUCTIONS_LIMIT} characters."
        )
    return {
        "name": name,
        "region": data.region,
        "category": data.category,
        "instructions": instructions,
        "is_active": data.is_active,
    }


def _attach(exercise: Exercise, data: ExerciseInput) -> list[str]:
    if data.media is not None:
        kind, problem = media.check(data.media)
        if kind is None:
            raise ExerciseRefused("media", problem)
        exercise.media_path = media.store(exercise.organisation_id, data.media, kind)
        exercise.media_kind = kind.kind
        exercise.media_type = kind.content_type
        exercise.media_size = len(data.media)
        return ["media_path", "media_kind", "media_type", "media_size"]
    if data.drop_media and exercise.media_path:
        exercise.media_path = exercise.media_kind = exercise.media_type = ""
        exercise.media_size = 0
        return ["media_path", "media_kind", "media_type", "media_size"]
    return []


@transaction.atomic
def do_create_exercise(actor: Actor, data: ExerciseInput) -> Exercise:
    _staff(actor, Capability.MANAGE_EXERCISES)
    values = _checked(actor.organisation.pk, data, None)
    exercise = Exercise(organisation=actor.organisation, **values)
    _attach(exercise, data)
    exercise.save()
    do_record_audit_event(actor, AuditAction.CREATE, "exercise", exercise.pk)
    return exercise


@transaction.atomic
def do_update_exercise(actor: Actor, exercise: Exercise, data: ExerciseInput) -> Exercise:
    """Change an entry: its words, its media, or retire it (a retired exercise stays on the
    programs that hold it, and is offered for none)."""
    _staff(actor, Capability.MANAGE_EXERCISES)
    locked = (
        Exercise.objects.select_for_update()
        .filter(pk=exercise.pk, organisation=actor.organisation)
        .first()
    )
    if locked is None:
        raise ExerciseRefused("exercise", "Choose one of this clinic's exercises.")
    values = _checked(actor.organisation.pk, data, locked.pk)
    changed = [k for k, v in values.items() if getattr(locked, k) != v]
    for k in changed:
        setattr(locked, k, values[k])
    changed += _attach(locked, data)
    if changed:
        locked.save(update_fields=changed)
        do_record_audit_event(actor, AuditAction.UPDATE, "exercise", locked.pk)
    return locked


# --- programs -------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseInput:
    sets: int
    reps: int
    load: str = ""
    hold_seconds: int | None = None
    times: int = 1
    per: str = Per.DAY.value
    progression: str = ""


def _checked_dose(d: DoseInput) -> dict[str, object]:
    def whole(name: str, value: int | None, low: int, high: int) -> None:
        if value is None or not low <= value <= high:
            raise ExerciseRefused(name, f"Give a whole number from {low} to {high}.")

    whole("sets", d.sets, 1, MAX_SETS)
    whole("reps", d.reps, 1, MAX_REPS)
    if d.hold_seconds is not None:
        whole("hold_seconds", d.hold_seconds, 1, MAX_HOLD)
    whole("times", d.times, 1, MAX_TIMES)
    if d.per not in Per.__members__.values():
        raise ExerciseRefused("per", "Choose a day or a week.")
    load = " ".join(d.load.split())
    if len(load) > 40:
        raise ExerciseRefused("load", "Keep the load under 40 characters, e.g. 2 kg or red band.")
    progression = " ".join(d.progression.split())
    if len(progression) > 200:
        raise ExerciseRefused("progression", "Keep the progression under 200 characters.")
    return {
        "sets": d.sets, "reps": d.reps, "load": load, "hold_seconds": d.hold_seconds,
        "times": d.times, "per": d.per, "progression": progression,
    }  # fmt: skip


def _writer(actor: Actor, note: Note) -> Staff:
    staff = _staff(actor, Capability.WRITE_NOTES)
    if note.case.patient.organisation_id != actor.organisation.pk:
        raise ExerciseRefused("note", "Choose a note of this clinic.")
    if note.therapist_id != staff.pk:
        raise ExerciseRefused("note", "Only the note's treating clinician prescribes on it.")
    if note.is_signed:
        raise ExerciseRefused("note", "The note is signed: change the program on the next note.")
    return staff


def plan_on(note: Note) -> PlanOfCare | None:
    return (
        PlanOfCare.objects.filter(case_id=note.case_id, start_date__lte=note.date_of_service)
        .order_by("-start_date", "-id")
        .first()
    )


def _revision_of(actor: Actor, note: Note, staff: Staff) -> ProgramRevision:
    """The note's own revision, made on the first change by copying the program in force."""
    # Lock the case's revisions so two notes cannot take the same number.
    current = (
        ProgramRevision.objects.select_for_update()
        .filter(case_id=note.case_id)
        .order_by("-number")
        .first()
    )
    if current is not None and current.note_id == note.pk:
        return current
    if current is not None and (
        current.starts_on > note.date_of_service
        or ProgramRevision.objects.filter(note=note).exists()
    ):
        raise ExerciseRefused(
            "note", "A later note changed the program already: change it on the newest note."
        )
    number = (current.number if current else 0) + 1
    revision = ProgramRevision.objects.create(
        case_id=note.case_id, note=note, plan=plan_on(note), number=number,
        starts_on=note.date_of_service, prescribed_by=staff,
    )  # fmt: skip
    if current is not None:
        Prescription.objects.bulk_create(
            Prescription(
                revision=revision, exercise_id=p.exercise_id, order=p.order, sets=p.sets,
                reps=p.reps, load=p.load, hold_seconds=p.hold_seconds, times=p.times,
                per=p.per, progression=p.progression,
            )
            for p in current.lines.all()
        )  # fmt: skip
    do_record_audit_event(
        actor, AuditAction.CREATE, "program_revision", revision.pk, patient_id=note.patient_id
    )
    return revision


@transaction.atomic
def do_prescribe(actor: Actor, note: Note, exercise: Exercise, dose: DoseInput) -> Prescription:
    """Add an exercise to the program from this note, or change its dose when it is there."""
    staff = _writer(actor, note)
    if exercise.organisation_id != actor.organisation.pk or not exercise.is_active:
        raise ExerciseRefused("exercise", "Choose an exercise of the clinic's library.")
    values = _checked_dose(dose)
    revision = _revision_of(actor, note, staff)
    line = revision.lines.filter(exercise=exercise).first()
    if line is None:
        order = (revision.lines.aggregate(m=Max("order"))["m"] or 0) + 1
        line = Prescription.objects.create(
            revision=revision, exercise=exercise, order=order, **values
        )
    else:
        for k, v in values.items():
            setattr(line, k, v)
        line.save()
    do_record_audit_event(
        actor, AuditAction.UPDATE, "program_revision", revision.pk, patient_id=note.patient_id
    )
    return line


@transaction.atomic
def do_stop_exercise(actor: Actor, note: Note, exercise_id: int) -> ProgramRevision:
    """Take an exercise off the program from this note."""
    staff = _writer(actor, note)
    revision = _revision_of(actor, note, staff)
    gone, _ = revision.lines.filter(exercise_id=exercise_id).delete()
    if not gone:
        raise ExerciseRefused("exercise", "That exercise is not on the program.")
    do_record_audit_event(
        actor, AuditAction.UPDATE, "program_revision", revision.pk, patient_id=note.patient_id
    )
    return revision


# --- the patient's log ----------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    prescription_id: int
    done: bool
    sets_done: int | None = None
    reps_done: int | None = None


@transaction.atomic
def do_log_session(
    actor: Actor,
    patient: Patient,
    revision: ProgramRevision,
    *,
    done_on: dt.date,
    entries: list[EntryInput],
    pain: int | None,
    difficulty: str,
    by_patient: bool = True,
    today: dt.date | None = None,
) -> ExerciseSession:
    """One sitting the patient did: the day, each exercise done or not with the sets and reps,
    the pain felt (0-10) and how hard it was. The actor is the patient signed in to the portal
    (by_patient) or a clinician writing down what the patient reports by phone or at a visit,
    kept as `logged_by` (ADR 0924). `today` is the
    clinic's date (default the clock's): a log is of the last 28 days, never of a day ahead."""
    if revision.case.patient_id != patient.pk or patient.organisation_id != actor.organisation.pk:
        raise ExerciseRefused("program", "This program is not the patient's.")
    logged_by = None if by_patient else _staff(actor, Capability.WRITE_NOTES)
    today = today or timezone.localdate()
    if done_on > today:
        raise ExerciseRefused("done_on", "A session cannot be logged for a day still to come.")
    if done_on < today - dt.timedelta(days=28):
        raise ExerciseRefused("done_on", "Log sessions of the last 4 weeks only.")
    if pain is not None and not 0 <= pain <= 10:
        raise ExerciseRefused("pain", "Give pain as a number from 0 to 10.")
    if difficulty and difficulty not in Difficulty.values:
        raise ExerciseRefused("difficulty", "Choose easy, about right or hard.")
    lines = {p.pk: p for p in revision.lines.all()}
    for e in entries:
        if e.prescription_id not in lines:
            raise ExerciseRefused("entries", "Log the exercises of the program only.")
        for name, value in (("sets_done", e.sets_done), ("reps_done", e.reps_done)):
            if value is not None and not 0 <= value <= MAX_REPS:
                raise ExerciseRefused(f"{name}-{e.prescription_id}", "Give a whole number.")
    if not any(e.done for e in entries):
        raise ExerciseRefused("entries", "Tick at least one exercise you did.")
    session = ExerciseSession.objects.create(
        patient=patient, revision=revision, done_on=done_on, pain=pain, difficulty=difficulty,
        logged_at=timezone.now(), by_patient=by_patient, logged_by=logged_by,
    )  # fmt: skip
    SessionEntry.objects.bulk_create(
        SessionEntry(
            session=session, prescription_id=e.prescription_id, done=e.done,
            sets_done=e.sets_done if e.done else None, reps_done=e.reps_done if e.done else None,
        )
        for e in entries
    )  # fmt: skip
    do_record_audit_event(
        actor, AuditAction.CREATE, "exercise_session", session.pk, patient_id=patient.pk
    )
    return session
