"""The demo clinic shows a patient blocked by each of an uncertified plan, a used-up referral and
a retired diagnosis: today's draft cannot be signed, the finding links to the chart screen that
fixes it, and the chart shows the block (ADR 0521)."""

from __future__ import annotations

import pytest

from cleannote.apps.notes.live_scrub import blocks_sign_off, scrub_loaded_note
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.notes.visit_builder import load_note_for_visit
from cleannote.apps.organisations.models import Staff
from tests.e2e.conftest import DEMO_TODAY, Demo
from tests.personas import client_for

BLOCKED = [
    ("Quill", "poc.not-certified", "plan/", b"awaiting the physician"),
    ("Renner", "referral.visits-used", "referrals/", b"2 of 2 visits"),
    ("Marlow", "dx.retired", "diagnoses/", b"M54.5: retired"),
]


@pytest.mark.parametrize(("last_name", "rule", "screen", "on_chart"), BLOCKED)
def test_each_blocked_demo_chart_shows_its_block(demo: Demo, last_name, rule, screen, on_chart):
    # given the demo
    draft = Note.objects.get(
        patient__last_name=last_name, status=NoteStatus.DRAFT, date_of_service=DEMO_TODAY
    )
    # then today's draft is blocked by exactly the chart's problem
    result = scrub_loaded_note(load_note_for_visit(draft.pk, demo.organisation))
    assert {f.rule for f in result.findings if blocks_sign_off(f)} == {rule}
    # and the note page links it to the screen that fixes it, and the chart shows it
    therapist = Staff.objects.get(user__username="demo-pt")
    client = client_for(therapist)
    page = client.get(f"/notes/{draft.pk}/edit/").content
    assert f"/patients/{draft.patient_id}/cases/{draft.case_id}/{screen}".encode() in page
    assert on_chart in client.get(f"/patients/{draft.patient_id}/").content
