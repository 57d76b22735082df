"""Measurements are not carried forward as if re-measured: a carried value is "last measured
on DATE" until a new one is entered, and trends use only real measurements (ADR 0542)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.draft_actions import do_start_follow_up_note
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.objective import validate_objective
from cleannote.apps.notes.progress_report import measures_since_last_report
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

FIRST_DAY = TODAY - dt.timedelta(days=6)
KNEE = {"joint": "knee", "motion": "flexion", "side": "right"}


def _actor(clinic) -> Actor:
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def _measured_then_carried_twice(clinic) -> Note:
    """Knee flexion measured once (114°), then two visits that carried it and signed without
    measuring; returns today's draft, started from the last of them."""
    actor = _actor(clinic)
    Note.objects.filter(pk=clinic.draft_note.pk).delete()
    Note.objects.filter(pk=clinic.signed_note.pk).update(date_of_service=FIRST_DAY)
    first = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=FIRST_DAY + dt.timedelta(days=1),
    )
    first.objective = {
        "rom": [{**KNEE, "degrees": 114}],
        "strength": [{"muscle_group": "quadriceps", "side": "right", "grade": "4/5"}],
        "outcome_measures": [],
    }
    first.save()
    do_add_treatment_block(actor, first, code="97110", minutes=15)
    do_sign_note(actor, first, clinic.therapist)
    for offset in (3, 5):
        carried = do_start_follow_up_note(
            actor,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=FIRST_DAY + dt.timedelta(days=offset),
        )
        do_sign_note(actor, carried, clinic.therapist)
    return do_start_follow_up_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
    )


def test_carried_rows_keep_the_day_they_were_measured(clinic) -> None:
    # given / when
    today = _measured_then_carried_twice(clinic)
    # then the value came along twice, still dated the day it was measured
    measured_on = (FIRST_DAY + dt.timedelta(days=1)).isoformat()
    assert today.objective["rom"] == [{**KNEE, "degrees": 114, "measured_on": measured_on}]
    assert today.objective["strength"][0]["measured_on"] == measured_on


def test_trend_shows_one_real_measurement_not_three(clinic) -> None:
    # given three signed visits, only the first of which measured knee flexion
    today = _measured_then_carried_twice(clinic)
    # when
    trend = measures_since_last_report(today)
    # then 114° appears once, on the day it was measured
    assert trend.dates == (FIRST_DAY + dt.timedelta(days=1),)
    assert [row.degrees for row in trend.rows] == [(114,)]


def test_editor_shows_last_measured_with_the_value_input_empty(clinic, login) -> None:
    today = _measured_then_carried_twice(clinic)
    html = login(clinic.therapist).get(f"/notes/{today.pk}/edit/").content.decode()
    day = FIRST_DAY + dt.timedelta(days=1)
    assert f"last measured 114° on {day.day} {day:%b %Y}" in html
    assert 'id="rom-0-degrees" value=""' in html
    assert 'aria-describedby="rom-0-carried"' in html
    assert f"last measured 4/5 on {day.day} {day:%b %Y}" in html


def test_autosave_keeps_a_carried_row_until_a_new_value_is_typed(clinic, login) -> None:
    # given today's carried draft
    today = _measured_then_carried_twice(clinic)
    client = login(clinic.therapist)
    form = {
        "objective": "1",
        "rom-0-joint": "knee",
        "rom-0-motion": "flexion",
        "rom-0-side": "right",
        "rom-0-degrees": "",
    }
    # when the page autosaves with the value left empty
    client.post(f"/notes/{today.pk}/live/", form)
    today.refresh_from_db()
    # then the row is still the carried one
    assert (
        today.objective["rom"][0]["measured_on"] == (FIRST_DAY + dt.timedelta(days=1)).isoformat()
    )
    # when the therapist measures again
    client.post(f"/notes/{today.pk}/live/", {**form, "rom-0-degrees": "118"})
    today.refresh_from_db()
    # then it is today's measurement, and the trend has two real points
    assert today.objective["rom"] == [{**KNEE, "degrees": 118}]
    trend = measures_since_last_report(today)
    assert [row.degrees for row in trend.rows] == [(114, 118)]
    assert trend.rows[0].change == 4


def test_a_renamed_carried_row_needs_its_value(clinic, login) -> None:
    today = _measured_then_carried_twice(clinic)
    response = login(clinic.therapist).post(
        f"/notes/{today.pk}/live/",
        {"objective": "1", "rom-0-joint": "hip", "rom-0-motion": "flexion", "rom-0-degrees": ""},
    )
    assert "degrees is needed" in response.content.decode()


def test_signed_note_page_marks_carried_values(clinic, login) -> None:
    today = _measured_then_carried_twice(clinic)
    carried = Note.objects.filter(case=clinic.case, status="signed").order_by("-date_of_service")[0]
    html = login(clinic.therapist).get(f"/notes/{carried.pk}/").content.decode()
    day = FIRST_DAY + dt.timedelta(days=1)
    assert f"not measured this visit; last measured on {day.day} {day:%b %Y}" in html
    assert today.pk


@pytest.mark.parametrize(
    ("_case", "measured_on", "ok"),
    [
        ("a date", "2026-11-03", True),
        ("not a date", "yesterday", False),
        ("a short date", "2026-1-3", False),
    ],
)
def test_measured_on_must_be_a_date(_case: str, measured_on: str, ok: bool) -> None:
    objective = {
        "rom": [{**KNEE, "degrees": 100, "measured_on": measured_on}],
        "strength": [],
        "outcome_measures": [],
    }
    if ok:
        validate_objective(objective)
    else:
        with pytest.raises(ValidationError, match="measured_on: not a date"):
            validate_objective(objective)
