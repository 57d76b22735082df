"""A payment plan in a real browser (ADR 0764): the biller starts three monthly payments of
$8.00 for the $24.00 owed on the patient's ledger page and sees the schedule; after the first
installment's grace days the nightly check lists it, and the worklist leads back to the plan.
axe-clean; screenshots at 1280 and 390 px to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.ledger.statement_actions import do_check_payment_plans
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import posted  # noqa: F401
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.browser.test_statement_settings_browser import _shoot
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_biller_starts_a_plan_and_works_a_missed_installment(
    browser_page,
    live_server,
    billing,  # noqa: F811
    posted,  # noqa: F811
):
    page, base = browser_page, live_server.url
    patient = billing.clinic.patient
    sign_in(page, base, billing.clinic.biller.user.username)
    page.goto(f"{base}/ledger/patients/{patient.pk}/")
    form = page.locator("#plan-form")
    form.locator("#plan-amount").fill("8.00")
    form.locator("#plan-payments").fill("2")
    page.click("#plan-save")
    expect(page.locator(".messages, [role=alert]").first).to_contain_text(
        "2 payments of $8.00 make $16.00, less than the balance of $24.00"
    )
    page.locator("#plan-amount").fill("8.00")
    page.locator("#plan-payments").fill("3")
    page.click("#plan-save")
    schedule = page.locator("#plan-schedule tbody tr")
    expect(schedule).to_have_count(3)
    expect(page.locator("#plan-terms")).to_contain_text("3 payments of $8.00 every month")
    assert axe_violations(page, "ledger page with a payment plan") == []
    _shoot(page, "payment-plan-schedule")
    do_check_payment_plans(billing.actor, today=TODAY + dt.timedelta(days=11))
    page.goto(f"{base}/ledger/statements/")
    page.click("#missed-installments-link")
    row = page.locator("#missed-installments tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1 of 3")
    assert axe_violations(page, "missed installments") == []
    _shoot(page, "payment-plan-missed")
    row.get_by_role("link", name="Adjust or end the plan").click()
    expect(page.locator("#plan-missed")).to_contain_text("1 missed installment")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
