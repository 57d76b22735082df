"""Note life cycle: drafts change, signed notes do not, corrections are addenda."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import (
    do_add_addendum,
    do_add_treatment_block,
    do_sign_note,
    do_start_note,
    do_update_note,
)
from cleannote.apps.notes.errors import NoteStateError
from cleannote.apps.notes.models import NoteStatus
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(clinic):
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def test_new_note_carries_forward_from_the_last_signed_note(clinic, actor):
    do_update_note(actor, clinic.draft_note, plan="Progress squats.")
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
    )
    assert note.carried_from == clinic.signed_note
    assert note.status == NoteStatus.DRAFT


def test_signed_note_cannot_change(clinic, actor):
    with pytest.raises(NoteStateError, match=r"is signed; add an addendum instead"):
        do_update_note(actor, clinic.signed_note, assessment="rewritten")
    with pytest.raises(NoteStateError, match=r"is signed"):
        do_add_treatment_block(actor, clinic.signed_note, code="97140", minutes=8)
    with pytest.raises(NoteStateError, match=r"is signed"):
        do_sign_note(actor, clinic.signed_note, clinic.therapist)


def test_sign_records_who_and_when(clinic, actor):
    note = do_sign_note(actor, clinic.draft_note, clinic.therapist)
    assert (note.status, note.signed_by) == (NoteStatus.SIGNED, clinic.therapist)
    assert note.signed_at is not None


def test_addendum_only_on_a_signed_note(clinic, actor):
    with pytest.raises(NoteStateError, match="still a draft"):
        do_add_addendum(actor, clinic.draft_note, clinic.therapist, "late entry")
    addendum = do_add_addendum(actor, clinic.signed_note, clinic.therapist, "late entry")
    assert addendum.note == clinic.signed_note


def test_blocks_are_numbered_in_order_and_goals_must_be_the_cases(clinic, actor, other_clinic):
    goal = clinic.plan.goals.get()
    block = do_add_treatment_block(
        actor,
        clinic.draft_note,
        goals=[goal],
        code="97140",
        start_time=dt.time(9, 0),
        stop_time=dt.time(9, 12),
        laterality="left",
        body_regions=["lumbar"],
    )
    assert block.order == 2
    assert block.documented_minutes == 12
    assert list(block.goals.all()) == [goal]


def test_unknown_field_is_refused(clinic, actor):
    with pytest.raises(NoteStateError, match="field 'status' cannot be edited"):
        do_update_note(actor, clinic.draft_note, status="signed")


def test_pain_level_above_ten_is_refused(clinic, actor):
    with pytest.raises(ValidationError, match="less than or equal to 10"):
        do_update_note(actor, clinic.draft_note, pain_level=11)


def test_note_needs_one_organisation(clinic, other_clinic, actor):
    with pytest.raises(NoteStateError, match="must share an organisation"):
        do_start_note(
            actor,
            case=other_clinic.note.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=TODAY,
        )
