"""Statements in a real browser (ADR 0760): the biller makes a patient's statement from the
ledger page, reads it, and sees it on the statements page; axe-clean. Screenshots to
test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import posted  # noqa: F401
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_biller_makes_a_statement_from_the_ledger_page(
    browser_page,
    live_server,
    billing,  # noqa: F811
    posted,  # noqa: F811
):
    page, base = browser_page, live_server.url
    patient = billing.clinic.patient
    sign_in(page, base, billing.clinic.biller.user.username)
    page.goto(f"{base}/ledger/patients/{patient.pk}/")
    expect(page.locator("#dunning-state")).to_contain_text("not started")
    page.get_by_role("button", name="Make a statement").click()
    expect(page.locator("#statement-facts")).to_contain_text("$24.00")
    expect(page.locator("#statement-visits")).to_contain_text("coinsurance $14.40")
    assert axe_violations(page, "statement page") == []
    page.screenshot(path=str(ARTIFACTS / "statement-page.png"), full_page=True)
    page.goto(f"{base}/ledger/patients/{patient.pk}/")
    expect(page.locator("#dunning-state")).to_contain_text("step 1 (Statement)")
    page.screenshot(path=str(ARTIFACTS / "statement-ledger-panel.png"), full_page=True)
    page.goto(f"{base}/ledger/statements/")
    expect(page.locator(".statements")).to_contain_text(patient.last_name)
    assert axe_violations(page, "statements page") == []
    page.screenshot(path=str(ARTIFACTS / "statements-list.png"), full_page=True)
