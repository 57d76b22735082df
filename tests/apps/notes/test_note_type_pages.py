"""Note types on the pages (ADR 0580): the chart starts a note of the chosen type, the editor
shows the type's sections, goals and what still stops the signature, the note page and the PDF
a referrer reads name each goal by its text with its status, and a signed discharge summary
offers the chart's discharge, filled in."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.models import Case
from cleannote.rules.note_types import NoteType
from tests.apps.notes.reports import fill_report
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _actor(clinic) -> Actor:
    return Actor(user=clinic.therapist.user, organisation=clinic.organisation)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _pdf_text(client, note_id: int) -> str:
    response = client.get(f"/notes/{note_id}/pdf/?for=referrer")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())


def _signed(clinic, note_type: NoteType, **fields) -> Note:
    actor = _actor(clinic)
    Note.objects.filter(pk=clinic.draft_note.pk).delete()
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY - dt.timedelta(days=1),
        note_type=note_type,
    )
    if note_type is NoteType.EVALUATION:
        do_add_treatment_block(actor, note, code="97162")
    note = fill_report(actor, note, **fields)
    return do_sign_note(actor, note, clinic.therapist)


def test_the_chart_starts_a_note_of_the_chosen_type(clinic, login):
    client = login(clinic.therapist)
    chart = client.get(f"/patients/{clinic.patient.pk}/").content.decode()
    # the chart offers every type the therapist writes, the suggestion selected
    assert f'id="note-type-{clinic.case.pk}"' in chart
    assert '<option value="discharge_summary">Discharge summary</option>' in chart
    assert '<option value="daily" selected>Daily note</option>' in chart
    response = client.post(
        f"/notes/start/{clinic.case.pk}/", {"note_type": NoteType.PROGRESS_REPORT.value}
    )
    note = Note.objects.get(case=clinic.case, date_of_service=TODAY)
    assert response.url == f"/notes/{note.pk}/edit/"
    assert note.note_type == NoteType.PROGRESS_REPORT


def test_the_chart_suggests_the_evaluation_for_a_case_s_first_visit(clinic, login):
    case = Case.objects.create(
        patient=clinic.patient, discipline="PT", title="Right ankle sprain", opened_on=TODAY
    )
    chart = login(clinic.therapist).get(f"/patients/{clinic.patient.pk}/").content.decode()
    form = chart[chart.index(f'id="note-type-{case.pk}"') :]
    assert '<option value="evaluation" selected>Evaluation (suggested)</option>' in form


def test_the_assistant_is_offered_only_the_daily_note(clinic, login):
    chart = login(clinic.assistant).get(f"/patients/{clinic.patient.pk}/").content.decode()
    form = chart[chart.index(f'id="note-type-{clinic.case.pk}"') :]
    form = form[: form.index("</select>")]
    assert re.findall(r'value="(\w+)"', form) == ["daily"]


def test_an_unknown_type_is_refused_with_a_message(clinic, login):
    response = login(clinic.therapist).post(
        f"/notes/start/{clinic.case.pk}/", {"note_type": "opinion"}, follow=True
    )
    assert "is not a note type" in response.content.decode()
    assert not Note.objects.filter(case=clinic.case, date_of_service=TODAY).exists()


def test_the_editor_shows_the_type_s_sections_and_what_stops_the_signature(clinic, login):
    # given the draft made an evaluation on its page
    client = login(clinic.therapist)
    note = clinic.draft_note
    response = client.post(f"/notes/{note.pk}/type/", {"note_type": "evaluation"})
    assert response.status_code == 302
    html = client.get(f"/notes/{note.pk}/edit/").content.decode()
    # then its sections, the complexity and the list of what it still needs are on the page
    for name in ("section-history", "section-systems_review", "section-tests_and_measures"):
        assert f'name="{name}"' in html
    assert 'name="complexity"' in html
    assert "This evaluation still needs 4 things before it is signed." in html
    assert "note-type.evaluation-code" in html
    # when the sections are typed (autosave) the list shrinks to the missing code
    live = client.post(
        f"/notes/{note.pk}/live/",
        {
            "section-history": "Fell on ice.",
            "section-systems_review": "Intact.",
            "section-tests_and_measures": "SLR negative.",
        },
    ).content.decode()
    assert "still needs 1 thing" in live
    assert Note.objects.get(pk=note.pk).sections["history"] == "Fell on ice."


def test_the_editor_refuses_to_sign_a_progress_report_without_goal_statuses(clinic, login):
    client = login(clinic.therapist)
    note = clinic.draft_note
    client.post(f"/notes/{note.pk}/type/", {"note_type": "progress_report"})
    goal = clinic.plan.goals.get()
    html = client.get(f"/notes/{note.pk}/edit/").content.decode()
    assert f'name="goal-{goal.pk}-status"' in html
    assert "Walk 30 minutes" in html
    response = client.post(f"/notes/{note.pk}/sign/", {"section-narrative": "Better."})
    assert response.status_code == 409
    assert "has no status on this progress report" in response.content.decode()
    assert not Note.objects.get(pk=note.pk).is_signed


def test_the_assistant_cannot_make_a_note_a_report(clinic, login):
    actor = Actor(user=clinic.assistant.user, organisation=clinic.organisation)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.assistant,
        location=clinic.location,
        date_of_service=TODAY,
    )
    client = login(clinic.assistant)
    response = client.post(f"/notes/{note.pk}/type/", {"note_type": "progress_report"}, follow=True)
    assert "scope.act" in response.content.decode()
    assert Note.objects.get(pk=note.pk).note_type == NoteType.DAILY


def test_a_progress_report_s_page_and_pdf_name_each_goal_by_its_text_with_status(clinic, login):
    note = _signed(clinic, NoteType.PROGRESS_REPORT, status="partially_met")
    client = login(clinic.therapist)
    page = _text(client.get(f"/notes/{note.pk}/").content.decode())
    pdf = _pdf_text(client, note.pk)
    for text in (page, pdf):
        assert "Progress report" in text
        assert "Walk 30 minutes" in text
        assert "Partially met" in text
        assert "Progress this period as written by the therapist." in text
    assert "Goals: status this period" in pdf
    assert "Goal 1" not in pdf


def test_an_evaluation_pdf_has_its_sections_complexity_and_the_plan_s_goals(clinic, login):
    note = _signed(clinic, NoteType.EVALUATION, complexity="moderate")
    pdf = _pdf_text(login(clinic.therapist), note.pk)
    for expected in (
        "Evaluation ·",
        "History as written by the therapist.",
        "Systems review",
        "Tests and measures",
        "Complexity: moderate.",
        "Walk 30 minutes",
        "97162",
    ):
        assert expected in pdf


def test_a_signed_discharge_summary_offers_the_discharge_filled_in(clinic, login):
    note = _signed(clinic, NoteType.DISCHARGE_SUMMARY, status="met")
    client = login(clinic.therapist)
    page = client.get(f"/notes/{note.pk}/").content.decode()
    pdf = _pdf_text(client, note.pk)
    assert "Goals at discharge" in pdf
    assert "Met" in pdf
    assert "Recommendations and home program" in pdf
    link = re.search(r'id="discharge-case" href="([^"]+)"', page)
    assert link is not None
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert f'value="{note.date_of_service:%Y-%m-%d}"' in form
    assert 'value="Reason for discharge as written by the therapist."' in form
    # a biller, who does not edit the chart, is not offered it
    assert (
        'id="discharge-case"' not in login(clinic.biller).get(f"/notes/{note.pk}/").content.decode()
    )
