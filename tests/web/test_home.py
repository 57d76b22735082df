"""The therapist home's four work lists."""

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes import selectors, views
from cleannote.apps.notes.actions import do_sign_note, do_start_note
from cleannote.apps.notes.views import HOME_ROWS
from cleannote.apps.patients.models import Case
from cleannote.rules.note_types import NoteType
from tests.apps.notes.reports import fill_report
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _visits(clinic, days, *, progress_on=()):
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for day in days:
        note = do_start_note(
            actor,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=day,
            note_type=NoteType.PROGRESS_REPORT if day in progress_on else NoteType.DAILY,
        )
        if day in progress_on:
            note = fill_report(actor, note)
        do_sign_note(actor, note, clinic.therapist)


def test_draft_from_today_is_in_progress_and_yesterdays_awaits_signature(clinic):
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    today_note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
    )
    assert list(selectors.notes_in_progress(clinic.therapist, TODAY)) == [today_note]
    assert list(selectors.notes_awaiting_signature(clinic.therapist, TODAY)) == [clinic.draft_note]
    assert list(selectors.notes_awaiting_signature(clinic.assistant, TODAY)) == []


@pytest.mark.parametrize(
    ("treatment_days", "due"),
    [
        pytest.param(8, False, id="8-days-not-yet"),
        pytest.param(9, True, id="9-days-next-visit-is-the-10th"),
        pytest.param(12, True, id="12-days-overdue"),
    ],
)
def test_progress_report_due_by_treatment_days(clinic, treatment_days, due):
    # given the fixture's two notes plus more visits, so `treatment_days` distinct days in all
    days = [TODAY - dt.timedelta(days=30 + n) for n in range(treatment_days - 2)]
    _visits(clinic, days)
    # then the case is listed once 9 treatment days have gone by without a report
    listed = list(selectors.progress_reports_due(clinic.therapist))
    assert (clinic.case in listed) is due
    if due:
        assert listed[0].days_since_report == treatment_days


def test_progress_report_resets_the_count(clinic):
    days = [TODAY - dt.timedelta(days=30 + n) for n in range(10)]
    _visits(clinic, days, progress_on={days[0]})
    # the report was on the latest of those days; only the fixture's 2 notes come after it
    assert list(selectors.progress_reports_due(clinic.therapist)) == []


def test_recertification_due_within_fourteen_days(clinic):
    # the fixture's plan is certified through today + 7
    assert list(selectors.recertifications_due(clinic.therapist, TODAY)) == [clinic.plan]
    assert (
        list(selectors.recertifications_due(clinic.therapist, TODAY - dt.timedelta(days=8))) == []
    )


def test_home_page_shows_the_lists(clinic, login):
    page = login(clinic.therapist).get("/").content.decode()
    assert "Notes in progress" in page
    assert "Awaiting your signature" in page
    assert f"/notes/{clinic.draft_note.pk}/" in page
    assert "Recertifications due" in page


def test_front_desk_home_has_no_clinical_lists(clinic, login):
    page = login(clinic.front_desk).get("/").content.decode()
    assert "Awaiting your signature" not in page
    assert "register a new patient" in page


def _drafts(clinic, count):
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    return [
        do_start_note(
            actor,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=TODAY - dt.timedelta(days=40 + n),
        )
        for n in range(count)
    ]


def test_home_list_shows_its_first_rows_and_links_to_the_whole_list(clinic, login):
    # given 12 more past drafts: 13 await the signature with the fixture's draft
    _drafts(clinic, 12)
    page = login(clinic.therapist).get("/").content.decode()
    # then the home shows the oldest 10, the whole count and a link to the paged list
    assert page.count("/notes/") - page.count("/notes/worklist/") >= HOME_ROWS
    assert '<span class="count">13</span>' in page
    assert 'href="/notes/worklist/awaiting-signature/">See all 13</a>' in page


def test_worklist_pages_the_whole_list(clinic, login, monkeypatch):
    monkeypatch.setattr(views, "WORKLIST_PAGE", 5)
    drafts = _drafts(clinic, 12)
    client = login(clinic.therapist)
    first = client.get("/notes/worklist/awaiting-signature/").content.decode()
    last = client.get("/notes/worklist/awaiting-signature/?page=3").content.decode()
    # 13 drafts, oldest first: the last page holds the 3 newest, the fixture's draft among them
    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in last
    assert f"/notes/{drafts[-1].pk}/" in first
    assert f"/notes/{clinic.draft_note.pk}/" in last
    assert f"/notes/{drafts[-1].pk}/" not in last


def test_worklist_of_progress_reports_due_pages_the_grouped_query(clinic, login):
    days = [TODAY - dt.timedelta(days=30 + n) for n in range(10)]
    _visits(clinic, days)
    page = login(clinic.therapist).get("/notes/worklist/progress-due/").content.decode()
    assert '<span class="badge badge-bad">overdue: 12</span>' in page
    assert f"/notes/start/{clinic.case.pk}/" in page


def test_progress_reports_due_counts_beyond_its_page(clinic):
    _visits(clinic, [TODAY - dt.timedelta(days=30 + n) for n in range(10)])
    due = selectors.progress_reports_due(clinic.therapist, limit=1)
    assert ([c.pk for c in due.cases], due.total) == ([clinic.case.pk], 1)
    assert due.cases[0].last_report_on is None


def test_unknown_worklist_is_not_found(clinic, login):
    assert login(clinic.therapist).get("/notes/worklist/nothing/").status_code == 404


def test_progress_reports_due_of_no_cases_is_empty(clinic):
    _visits(clinic, [TODAY - dt.timedelta(days=30 + n) for n in range(10)])
    none = Case.objects.filter(pk__in=[])
    assert selectors.progress_reports_due(clinic.therapist, cases=none).total == 0
