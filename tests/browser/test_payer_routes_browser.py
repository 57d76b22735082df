"""A biller routes Medicare to a direct MAC connection in a real browser (ADR 0707): the
routes screen, the select, the confirmation, and the batch list showing the clearinghouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.claims.batching import do_build_batches
from cleannote.apps.exchange.models import ClearinghouseProfile, PayerRoute
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.apps.claims.test_batches_by_payer import _ready
from tests.browser.conftest import axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_biller_routes_a_payer_and_its_batch_goes_through_that_clearinghouse(
    browser_page,
    live_server,
    billing,  # noqa: F811
):
    organisation = billing.clinic.organisation
    ClearinghouseProfile.objects.create(organisation=organisation, name="acme", is_default=True)
    ClearinghouseProfile.objects.create(
        organisation=organisation, name="mac-direct", sender_id="MACSUB01", receiver_id="MAC01"
    )
    page, base = browser_page, live_server.url
    sign_in(page, base, billing.clinic.biller.user.username)
    page.goto(f"{base}/exchange/routes/")
    assert axe_violations(page, "clearinghouse routes") == []
    payer = billing.clinic.patient.coverages.get().payer_record
    row = page.locator(f"#payer-{payer.pk}")
    expect(row).to_contain_text("default (acme)")
    row.get_by_label("Clearinghouse for Medicare").select_option(label="mac-direct")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        "Medicare now goes through the mac-direct clearinghouse."
    )
    expect(page.locator(f"#payer-{payer.pk}")).to_contain_text("mac-direct")
    assert PayerRoute.objects.get(payer=payer).profile.name == "mac-direct"
    do_build_batches(billing.actor, [_ready(billing, 4).pk])
    page.goto(f"{base}/claims/batches/")
    expect(page.locator("tbody")).to_contain_text("mac-direct (MACSUB01 → MAC01)")
    assert axe_violations(page, "batches") == []
