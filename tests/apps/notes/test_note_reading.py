"""A note's page shows everything its PDF shows (per-code details, goals by text, carried
values, a progress report's measures), and both give times in the clinic's time zone."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.measure_actions import do_record_outcome_measure
from cleannote.rules.note_types import NoteType
from tests.apps.notes.reports import fill_report
from tests.apps.notes.test_note_page import COMPLETE_97110
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _actor(clinic) -> Actor:
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def _pdf_text(client, note_id: int) -> str:
    response = client.get(f"/notes/{note_id}/pdf/")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())


def _page_text(client, note_id: int) -> str:
    html = client.get(f"/notes/{note_id}/").content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _signed_note_with_details(clinic, *, day: dt.date, at: dt.datetime, progress: bool = False):
    actor = _actor(clinic)
    Note.objects.filter(pk=clinic.draft_note.pk).delete()
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=day,
        carry_forward=False,
        note_type=NoteType.PROGRESS_REPORT if progress else NoteType.DAILY,
    )
    do_add_treatment_block(
        actor,
        note,
        goals=[clinic.plan.goals.get()],
        code="97110",
        minutes=23,
        parameters=COMPLETE_97110,
        justification="cued knee alignment",
    )
    if progress:
        note = fill_report(actor, note)
    return do_sign_note(actor, note, clinic.therapist, at=at)


def test_the_page_shows_each_block_s_details_and_goal_text_as_the_pdf_does(clinic, login):
    # given a signed note whose 97110 block has its parameters
    at = dt.datetime(2026, 12, 4, 3, 25, tzinfo=dt.UTC)
    note = _signed_note_with_details(clinic, day=TODAY - dt.timedelta(days=1), at=at)
    client = login(clinic.therapist)
    # when
    page, pdf = _page_text(client, note.pk), _pdf_text(client, note.pk)
    # then both show every detail and the goal's text, not its number
    for shown in (
        "Exercise: sit-to-stand",
        "Sets: 3",
        "Reps: 10",
        "Resistance / load: none",
        "Target outcome: quad strength",
        "Measure now: 5x STS 18 s",
        "Walk 30 minutes",
    ):
        assert shown in page, shown
        assert shown in pdf, shown
    assert "#1" not in pdf


def test_signature_time_is_the_clinic_s_on_the_page_and_in_the_pdf(clinic, login, settings):
    # given a note signed at 03:25 UTC, which is 22:25 the day before in New York
    settings.TIME_ZONE = "America/New_York"
    at = dt.datetime(2026, 12, 4, 3, 25, tzinfo=dt.UTC)
    note = _signed_note_with_details(clinic, day=TODAY - dt.timedelta(days=1), at=at)
    client = login(clinic.therapist)
    # when
    page, pdf = _page_text(client, note.pk), _pdf_text(client, note.pk)
    # then both say it the same way, in the clinic's zone and its (default 12-hour) cycle
    assert "3 Dec 2026 10:25 PM EST" in page
    assert "3 Dec 2026 10:25 PM EST" in pdf
    assert "3:25" not in pdf
    assert "UTC" not in pdf


def test_a_progress_report_shows_the_case_s_measures_on_the_page_and_in_the_pdf(clinic, login):
    # given three real LEFS measurements, and a fourth after the report
    actor = _actor(clinic)
    for days_ago, total in ((19, "30"), (10, "38"), (2, "44"), (0, "60")):
        do_record_outcome_measure(
            actor,
            case=clinic.case,
            recorded_by=clinic.therapist,
            instrument_code="LEFS",
            measured_on=TODAY - dt.timedelta(days=days_ago),
            today=TODAY,
            total=total,
        )
    at = dt.datetime.now(dt.UTC)
    note = _signed_note_with_details(clinic, day=TODAY - dt.timedelta(days=1), at=at, progress=True)
    client = login(clinic.therapist)
    # when
    html = client.get(f"/notes/{note.pk}/").content.decode()
    pdf = _pdf_text(client, note.pk)
    # then the three measurements up to the report, their change and the chart
    assert "better by 14 points: meets the MCID of 9" in html
    assert html.count("<circle") == 3
    assert "60/80" not in html
    assert "better by 14 points: meets the MCID of 9" in pdf
    assert "30/80" in pdf
    assert "44/80" in pdf
    assert "60/80" not in pdf


def test_a_progress_report_without_measures_links_to_the_chart(clinic, login):
    note = _signed_note_with_details(
        clinic, day=TODAY - dt.timedelta(days=1), at=dt.datetime.now(dt.UTC), progress=True
    )
    html = login(clinic.therapist).get(f"/notes/{note.pk}/").content.decode()
    assert "No outcome measure recorded in this case up to this visit" in html
    record = f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/measures/new/"
    assert f'href="{record}" id="record-progress-measure"' in html


def test_the_progress_report_editor_shows_the_measures_too(clinic, login):
    # given a LEFS measurement and today's draft progress report
    do_record_outcome_measure(
        _actor(clinic),
        case=clinic.case,
        recorded_by=clinic.therapist,
        instrument_code="LEFS",
        measured_on=TODAY - dt.timedelta(days=3),
        today=TODAY,
        total="40",
    )
    Note.objects.filter(pk=clinic.draft_note.pk).delete()
    note = do_start_note(
        _actor(clinic),
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
        note_type=NoteType.PROGRESS_REPORT,
    )
    # when
    html = login(clinic.therapist).get(f"/notes/{note.pk}/edit/").content.decode()
    # then
    assert "40/80 on" in html
    assert html.count("<circle") == 1
