"""A biller bills a day's notes in a real browser (ADRs 0710, 0711): the charge queue, several
notes ticked, "Create claims" (one refused, listed with its finding and fix link), the new
claims on the worklist, marked ready, ticked, and built into one batch per payer."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.claims.models import Batch, Claim, ClaimStatus
from tests.apps.claims.conftest import billing, signed_note  # noqa: F401  (the fixture)
from tests.browser.conftest import axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unbilled_notes_to_claims_to_a_batch(browser_page, live_server, billing):  # noqa: F811
    # given two notes that scrub clean and the persona's note the scrubber refuses (doc.no-goal)
    persona = billing.clinic
    second = signed_note(persona, TODAY - dt.timedelta(days=10))
    passing, refused = [billing.note.pk, second.pk], persona.signed_note.pk
    page, base = browser_page, live_server.url
    sign_in(page, base, persona.biller.user.username)

    # when the biller ticks the three in the queue and presses "Create claims"
    page.goto(f"{base}/claims/unbilled/")
    assert axe_violations(page, "charge queue") == []
    for note_id in [*passing, refused]:
        page.check(f"#note-{note_id}")
    page.get_by_role("button", name="Create claims").click()

    # then the refused note is on the refused list with its finding and the link that fixes it
    page.wait_for_url(f"{base}/claims/refused/")
    block = page.locator(f"#note-{refused}-refusal")
    expect(block).to_contain_text("doc.no-goal")
    expect(block.locator(f'a.fix-link[href="/notes/{refused}/"]')).to_be_visible()
    assert axe_violations(page, "refused list") == []
    claims = list(Claim.objects.filter(note_id__in=passing).order_by("pk"))
    assert [c.note_id for c in claims] == sorted(passing)
    assert not Claim.objects.filter(note_id=refused).exists()

    # and the worklist shows the two new drafts
    page.goto(f"{base}/claims/?status=draft")
    for claim in claims:
        expect(page.get_by_role("link", name=claim.patient_control_number)).to_be_visible()

    # when each is marked ready, then ticked on the worklist and batched
    for claim in claims:
        page.goto(f"{base}/claims/{claim.pk}/")
        page.get_by_role("button", name="Mark ready").click()
        page.wait_for_load_state()
    page.goto(f"{base}/claims/?status=ready")
    for claim in claims:
        page.get_by_label(f"Claim {claim.patient_control_number}").check()
    page.get_by_role("button", name="Build batches of the ticked ready claims").click()

    # then one batch exists for the one payer, holding both claims, which are now in it
    page.wait_for_url(f"{base}/claims/batches/")
    batch = Batch.objects.get()
    assert sorted(batch.entries.values_list("claim_id", flat=True)) == [c.pk for c in claims]
    assert set(batch.entries.values_list("claim__payer_id", flat=True)) == {"MCR"}
    assert {c.status for c in Claim.objects.filter(note_id__in=passing)} == {ClaimStatus.IN_BATCH}
