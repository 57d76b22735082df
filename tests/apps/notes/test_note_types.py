"""Note types in the shell (ADR 0580): each type is started, written and signed through the
notes actions, which ask the core's rules (rules/note_types.py) and the scope table; a signed
report freezes each goal's status with its text and gives the plan's goals that status."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_sign_note,
    do_start_note,
    do_update_note,
)
from cleannote.apps.notes.clinical_reports import reported_goals, suggested_note_type
from cleannote.apps.notes.draft_actions import (
    SignOffRefused,
    check_sign_note,
    do_start_follow_up_note,
)
from cleannote.apps.notes.errors import NoteTypeRefused, ScopeRefused
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.patients.models import Case, Goal, GoalStatus
from cleannote.rules.note_types import (
    RULE_COMPLEXITY,
    RULE_EVALUATION_CODE,
    RULE_GOAL_STATUS,
    RULE_SECTION,
    NoteType,
)
from cleannote.rules.scope_of_practice import RULE_ACT
from tests.apps.notes.reports import fill_report
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _actor(staff) -> Actor:
    return Actor(user=staff.user, organisation=staff.organisation)


def _start(clinic, staff, note_type: NoteType, day: dt.date = TODAY) -> Note:
    return do_start_note(
        _actor(staff),
        case=clinic.case,
        therapist=staff,
        location=clinic.location,
        date_of_service=day,
        note_type=note_type,
    )


@pytest.mark.parametrize(
    ("who", "note_type", "allowed"),
    [
        ("therapist", NoteType.DAILY, True),
        ("therapist", NoteType.EVALUATION, True),
        ("therapist", NoteType.RE_EVALUATION, True),
        ("therapist", NoteType.PROGRESS_REPORT, True),
        ("therapist", NoteType.DISCHARGE_SUMMARY, True),
        ("assistant", NoteType.DAILY, True),
        ("assistant", NoteType.EVALUATION, False),
        ("assistant", NoteType.RE_EVALUATION, False),
        ("assistant", NoteType.PROGRESS_REPORT, False),
        ("assistant", NoteType.DISCHARGE_SUMMARY, False),
    ],
)
def test_who_may_start_each_type_is_the_scope_table_s(clinic, who, note_type, allowed):
    staff = getattr(clinic, who)
    if allowed:
        assert _start(clinic, staff, note_type).note_type == note_type.value
    else:
        with pytest.raises(ScopeRefused) as refused:
            _start(clinic, staff, note_type)
        assert refused.value.rule == RULE_ACT


@pytest.mark.parametrize(
    "note_type",
    [NoteType.EVALUATION, NoteType.PROGRESS_REPORT, NoteType.DISCHARGE_SUMMARY],
)
def test_an_assistant_may_not_turn_a_daily_note_into_a_report(clinic, note_type):
    note = _start(clinic, clinic.assistant, NoteType.DAILY)
    with pytest.raises(ScopeRefused, match=r"scope\.act"):
        do_update_note(_actor(clinic.assistant), note, note_type=note_type)
    assert Note.objects.get(pk=note.pk).note_type == NoteType.DAILY


def test_an_evaluation_is_signed_with_its_sections_code_and_complexity(clinic):
    # given a PT evaluation with nothing of its own written yet
    actor = _actor(clinic.therapist)
    note = _start(clinic, clinic.therapist, NoteType.EVALUATION)
    # when signed bare: each missing part is named
    with pytest.raises(NoteTypeRefused) as refused:
        do_sign_note(actor, note, clinic.therapist)
    assert [r.rule for r in refused.value.refusals] == [RULE_SECTION] * 3 + [RULE_EVALUATION_CODE]
    # when the code is added, at a complexity the assessment does not state
    do_add_treatment_block(actor, note, code="97163")
    fill_report(actor, note, complexity="moderate")
    with pytest.raises(NoteTypeRefused) as refused:
        do_sign_note(actor, note, clinic.therapist)
    assert refused.value.rule == RULE_COMPLEXITY
    assert "97163 bills high" in str(refused.value)
    # then with the complexity the code bills, it signs
    do_update_note(actor, note, complexity="high")
    signed = do_sign_note(actor, note, clinic.therapist)
    assert signed.status == NoteStatus.SIGNED


def test_a_progress_report_freezes_goal_text_and_updates_the_plan(clinic):
    # given a progress report that gives the plan's goal a status and value
    actor = _actor(clinic.therapist)
    note = _start(clinic, clinic.therapist, NoteType.PROGRESS_REPORT)
    goal = clinic.plan.goals.get()
    fill_report(actor, note, status=GoalStatus.PARTIALLY_MET.value)
    # when signed
    signed = do_sign_note(actor, note, clinic.therapist)
    # then the note keeps the goal's text with its status, and the plan's goal has it too
    assert signed.goal_report == [
        {
            "goal": goal.pk,
            "text": "Walk 30 minutes",
            "baseline": "10",
            "target": "30",
            "status": "partially_met",
            "current": "30",
        }
    ]
    goal.refresh_from_db()
    assert (goal.status, goal.current) == ("partially_met", "30")
    # and a later change of the goal does not change what the signed report says
    Goal.objects.filter(pk=goal.pk).update(text="Walk an hour")
    shown = reported_goals(Note.objects.get(pk=note.pk))
    assert [(g.text, g.status_label) for g in shown] == [("Walk 30 minutes", "Partially met")]


def test_a_report_without_each_goal_s_status_is_not_signed(clinic):
    actor = _actor(clinic.therapist)
    note = _start(clinic, clinic.therapist, NoteType.PROGRESS_REPORT)
    do_update_note(actor, note, sections={"narrative": "Better."})
    with pytest.raises(NoteTypeRefused) as refused:
        do_sign_note(actor, note, clinic.therapist)
    assert refused.value.rule == RULE_GOAL_STATUS


@pytest.mark.parametrize(
    ("status", "signs"),
    [
        (GoalStatus.ACTIVE, False),
        (GoalStatus.MET, True),
        (GoalStatus.NOT_MET, True),
        (GoalStatus.DISCONTINUED, True),
    ],
)
def test_a_discharge_summary_leaves_no_goal_in_progress(clinic, status, signs):
    actor = _actor(clinic.therapist)
    note = fill_report(
        actor, _start(clinic, clinic.therapist, NoteType.DISCHARGE_SUMMARY), status=status
    )
    if signs:
        assert do_sign_note(actor, note, clinic.therapist).is_signed
        assert clinic.plan.goals.get().status == status.value
    else:
        with pytest.raises(NoteTypeRefused, match="still in progress"):
            do_sign_note(actor, note, clinic.therapist)


def test_an_evaluation_code_on_a_daily_note_is_refused_at_sign_off(clinic):
    actor = _actor(clinic.therapist)
    note = _start(clinic, clinic.therapist, NoteType.DAILY)
    do_add_treatment_block(actor, note, code="97162")
    with pytest.raises(NoteTypeRefused, match="97162 is an evaluation; a daily note") as refused:
        do_sign_note(actor, note, clinic.therapist)
    assert refused.value.refusals[0].fix == "Make this note an evaluation, or remove 97162."


def test_the_first_visit_of_a_case_is_suggested_as_its_evaluation(clinic):
    # given a new case with no visit yet
    case = Case.objects.create(
        patient=clinic.patient, discipline="PT", title="Second problem", opened_on=TODAY
    )
    # then the therapist's first note is suggested as the evaluation, the assistant's is not
    assert suggested_note_type(case, clinic.therapist, TODAY) is NoteType.EVALUATION
    assert suggested_note_type(case, clinic.assistant, TODAY) is NoteType.DAILY
    # and a case with visits suggests a daily note
    assert suggested_note_type(clinic.case, clinic.therapist, TODAY) is NoteType.DAILY
    note = do_start_follow_up_note(
        _actor(clinic.therapist),
        case=case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
    )
    assert note.note_type == NoteType.EVALUATION


def test_the_evaluation_code_is_not_carried_onto_the_next_daily_note(clinic):
    # given a signed evaluation billing 97162 and 97110
    actor = _actor(clinic.therapist)
    Note.objects.filter(pk=clinic.draft_note.pk).delete()
    note = _start(clinic, clinic.therapist, NoteType.EVALUATION, TODAY - dt.timedelta(days=1))
    do_add_treatment_block(actor, note, code="97162")
    do_add_treatment_block(actor, note, code="97110", minutes=15)
    fill_report(actor, note, complexity="moderate")
    do_sign_note(actor, note, clinic.therapist)
    # when the next visit's note starts
    follow_up = do_start_follow_up_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
    )
    # then it is a daily note carrying the treatment, not the evaluation
    assert follow_up.note_type == NoteType.DAILY
    assert list(follow_up.blocks.values_list("code", flat=True)) == ["97110"]


@pytest.mark.parametrize(
    ("note_type", "signs"),
    [
        (NoteType.DISCHARGE_SUMMARY, True),
        (NoteType.PROGRESS_REPORT, True),
        (NoteType.DAILY, False),
    ],
)
def test_a_report_with_no_treatment_is_signed_and_bills_nothing(clinic, note_type, signs):
    # given a note with no treatment block, its own parts written
    actor = _actor(clinic.therapist)
    note = fill_report(actor, _start(clinic, clinic.therapist, note_type), status="met")
    # when it is signed through the scrubber, then a report is signed (no claim comes of it)
    # and a daily note with nothing on it is refused for having no billable line
    if signs:
        assert check_sign_note(actor, note, clinic.therapist).is_signed
    else:
        with pytest.raises(SignOffRefused) as refused:
            check_sign_note(actor, note, clinic.therapist)
        assert "format.no-lines" in {f.rule for f in refused.value.findings}
