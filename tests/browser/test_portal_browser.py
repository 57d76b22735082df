"""The patient portal in a real browser (ADRs 0950, 0951): the desk sends a sign-in link from
the chart by text; a staff login does not open the portal; the patient opens the link read from
the text outbox the test's sender writes, at 390 px, sees the statement with what insurance
paid and what they owe, records a payment reference and gets the receipt; and the portal
session opens no staff page. Each portal page passes axe-core and does not scroll sideways at
390 px; screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.ledger.statement_actions import do_create_statement
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import posted  # noqa: F401
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, name: str) -> None:
    """axe-core, then a screenshot at 390 px, where nothing may scroll sideways."""
    assert axe_violations(page, name) == []
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways at 390 px"


def test_a_patient_signs_in_by_link_sees_a_statement_and_records_a_payment(
    browser_page,
    live_server,
    billing,  # noqa: F811
    posted,  # noqa: F811
    settings,
    tmp_path,
):
    cache.clear()
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path
    patient = billing.clinic.patient
    patient.phone, patient.sms_consent, patient.sms_consent_on = (
        "217-555-0134",
        True,
        timezone.localdate(),
    )
    patient.save()
    statement = do_create_statement(billing.actor, patient, day=timezone.localdate())

    # the desk invites from the chart; their staff session does not open the portal
    sign_in(page, base, billing.clinic.front_desk.user.username)
    page.goto(f"{base}/patients/{patient.pk}/")
    page.click("#portal-access")
    page.click("#send-invite")
    expect(page.locator("#invite-sent")).to_contain_text("text message")
    assert axe_violations(page, "chart portal access page") == []
    page.goto(f"{base}/portal/")
    expect(page.locator("#send-link")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Hello")

    # the patient, on a phone
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/portal/")
    _check(page, "portal-sign-in")
    (text,) = tmp_path.glob("*.txt")
    link = re.search(r"https?://\S+/portal/link/\S+/", text.read_text()).group(0)
    page.goto(link)
    _check(page, "portal-link")
    page.click("#use-link")
    expect(page.locator("h1")).to_have_text("Hello, Pat")
    _check(page, "portal-home")
    page.get_by_role("link", name="Bills and payments").first.click()
    expect(page.locator("#balance")).to_contain_text("$24.00")
    _check(page, "portal-bills")
    page.get_by_role("link", name=re.compile(f"Statement {statement.number}")).click()
    expect(page.locator("#amount-due")).to_have_text("$24.00")
    expect(page.locator("main")).to_contain_text("insurance paid $96.00")
    _check(page, "portal-statement")
    page.goto(f"{base}/portal/bills/")
    page.fill("#pay-amount", "24.00")
    page.fill("#pay-reference", "CONF-7781")
    page.click("#record-payment")
    expect(page.locator("#receipt-facts")).to_contain_text("CONF-7781")
    expect(page.locator("#receipt-facts")).to_contain_text("online, in the patient portal")
    _check(page, "portal-receipt")
    page.goto(f"{base}/portal/bills/")
    expect(page.locator("#balance")).to_contain_text("$0.00")

    # the portal session opens no staff page
    page.goto(f"{base}/patients/{patient.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
