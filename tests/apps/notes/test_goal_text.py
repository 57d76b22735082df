"""A goal is read by what it says, never by its number or row id: in the editor's goal picker,
on the note page, in its PDF, and in the live findings when a block keeps a goal the current
plan no longer holds (issue 11)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import Goal, PlanOfCare
from tests.apps.notes.test_note_page import COMPLETE_97110
from tests.apps.notes.test_note_reading import _page_text, _pdf_text
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _no_goal_number(text: str, goal: Goal) -> None:
    for numbered in (f"#{goal.order}", f"Goal {goal.order}", f"goal {goal.pk}"):
        assert not re.search(rf"{re.escape(numbered)}\b", text), numbered


def test_the_editor_page_and_pdf_name_the_goal_by_its_words(clinic, login):
    # given the signed note's block linked to the plan's goal
    goal = clinic.plan.goals.get()
    block = clinic.draft_note.blocks.get()
    block.goals.add(goal)
    therapist = login(clinic.therapist)

    # when the editor, the page and the PDF are read
    editor = html.unescape(therapist.get(f"/notes/{clinic.draft_note.pk}/edit/").content.decode())
    page = _page_text(therapist, clinic.draft_note.pk)
    pdf = _pdf_text(therapist, clinic.draft_note.pk)

    # then each says "Walk 30 minutes" and none numbers it
    picker = re.search(r'<label class="goal"[^>]*>(.*?)</label>', editor, re.S)
    assert picker is not None
    assert re.sub(r"<[^>]+>", "", picker.group(1)).strip() == "Walk 30 minutes"
    for shown in (editor, page, pdf):
        assert "Walk 30 minutes" in shown
        _no_goal_number(shown, goal)
    assert str(goal) == "Walk 30 minutes"


def test_a_goal_the_new_plan_does_not_hold_is_named_by_its_words_in_the_findings(clinic, login):
    # given a block linked to the first plan's goal, and a newer plan with other goals
    old_goal = clinic.plan.goals.get()
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    do_create_plan_of_care(
        actor,
        clinic.case,
        PlanOfCare(
            diagnoses=["M54.50"],
            frequency_per_week=2,
            duration_weeks=4,
            start_date=TODAY - dt.timedelta(days=3),
            certified_through=TODAY + dt.timedelta(days=25),
        ),
        goals=[Goal(text="Climb 12 stairs", kind="functional")],
    )
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
        carry_forward=False,
    )
    block = do_add_treatment_block(
        actor, note, goals=[old_goal], code="97110", minutes=15, parameters=COMPLETE_97110
    )

    # when the live scrub runs
    response = login(clinic.therapist).post(
        f"/notes/{note.pk}/live/", {f"b{block.pk}-present": "1", f"b{block.pk}-goals": old_goal.pk}
    )

    # then the finding says which goal in words
    shown = html.unescape(response.content.decode())
    assert "97110 is linked to goal “Walk 30 minutes”, which the plan of care does not hold." in (
        shown
    )
    _no_goal_number(shown, old_goal)
