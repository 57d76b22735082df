"""The note page judges timely filing on the clinic's today, as the claim will (ADR 0390): a
visit past the payer's filing limit shows the error, which stops the claim and not the
therapist's signature; a visit inside the limit shows nothing. The draft is ten days old and
billed to the directory's Medicare record (tests/personas.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.draft_actions import check_sign_note
from cleannote.apps.notes.live_scrub import scrub_loaded_note
from cleannote.apps.notes.models import NoteStatus
from cleannote.apps.notes.visit_builder import load_note_for_visit
from cleannote.apps.payers.actions import do_update_payer
from tests.apps.notes.test_note_page import _certify, _draft
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

LATE, SOON = "payer.timely-filing", "payer.timely-filing-soon"
TEN_DAYS_AGO = TODAY - dt.timedelta(days=10)


def _limit(clinic, days: int | None) -> None:
    biller = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    do_update_payer(biller, clinic.case.coverage.payer_record, timely_filing_days=days)


def _rules(note) -> dict[str, str]:
    result = scrub_loaded_note(load_note_for_visit(note.pk))
    return {f.rule: f.severity.value for f in result.findings}


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        pytest.param(9, {LATE: "error"}, id="one-day-past-the-limit"),
        pytest.param(10, {SOON: "warning"}, id="the-last-day"),
        pytest.param(24, {SOON: "warning"}, id="14-days-left"),
        pytest.param(25, {}, id="near-miss-15-days-left"),
        pytest.param(None, {}, id="near-miss-medicare-default-year"),
    ],
)
def test_the_live_scrub_judges_filing_on_the_clinics_today(clinic, limit, expected) -> None:
    # given a ten-day-old draft and the payer record's limit
    _limit(clinic, limit)
    note = _draft(clinic, day=TEN_DAYS_AGO)
    # when the note page scrubs it
    rules = _rules(note)
    # then
    assert {r: s for r, s in rules.items() if r.startswith("payer.timely-filing")} == expected


def test_the_editor_shows_the_late_claim_and_still_lets_the_therapist_sign(clinic, login) -> None:
    # given a certified plan, a complete ten-day-old draft and a nine-day limit
    _certify(clinic)
    _limit(clinic, 9)
    note = _draft(clinic, day=TEN_DAYS_AGO)
    # when the therapist opens the editor
    page = login(clinic.therapist).get(f"/notes/{note.pk}/edit/").content.decode()
    # then the finding is on the page, said to stop the claim and not the signature
    assert LATE in page
    assert "1 day past this payer&#x27;s filing limit of 9 days" in page
    assert "stops the claim, not your signature" in page
    # (with the persona clinic's setup errors: its five-digit ZIP, the patient's address)
    assert re.search(r"Ready to sign; \d+ errors below stop the claim, not your signature\.", page)
    assert "no finding would deny the claim" not in page
    # and signing goes on: the note is the record whatever the payer does
    signed = check_sign_note(
        Actor(user=clinic.therapist.user, organisation=clinic.organisation),
        note,
        clinic.therapist,
    )
    assert signed.status == NoteStatus.SIGNED
