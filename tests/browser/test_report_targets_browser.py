"""The report targets page and the compliance report's KX rows in a real browser (ADR 0802,
0803): the owner types a bad target and is told which, fixes it, saves, and the productivity
report compares with it; the compliance report lists the KX patient with a link to the plan.
Screenshots at 1024 and 390 px go to test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.models import Claim
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    for width in (1024, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_owner_sets_a_target_and_sees_kx_rows(browser_page, live_server, billing):  # noqa: F811
    claim = do_create_claim_from_note(billing.actor, billing.note)
    Claim.objects.filter(pk=claim.pk).update(total_charge=Decimal("3100.00"))
    riverside = billing.clinic
    page = browser_page
    sign_in(page, live_server.url, riverside.owner.user.username)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="The clinic's targets").click()
    expect(page.locator("h1")).to_have_text("Report targets")
    page.fill("#t-visits_per_day", "twelve")
    page.fill("#t-days_in_ar", "35")
    page.click("#save-targets")
    alert = page.locator("#target-problems")
    expect(alert).to_contain_text("Visits per day: enter a number")
    assert axe_violations(page, "report targets with an error") == []
    _shoot(page, "report-targets-error")
    alert.get_by_role("link").first.click()
    expect(page.locator("#t-visits_per_day")).to_be_focused()
    page.fill("#t-visits_per_day", "12")
    page.click("#save-targets")
    expect(page.locator("body")).to_contain_text("Saved the report targets")
    expect(page.locator("#t-days_in_ar")).to_have_value("35")
    _shoot(page, "report-targets")
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.locator("h1")).to_have_text("Settings")
    _shoot(page, "settings")
    page.get_by_role("link", name="Report targets").click()
    expect(page.locator("#t-visits_per_day")).to_have_value("12")
    page.goto(f"{live_server.url}/reports/productivity/")
    expect(page.locator(".target-row").first).to_contain_text("at least 12")
    page.goto(f"{live_server.url}/reports/compliance/")
    kx = page.locator("tr", has_text="KX threshold passed").last
    expect(kx).to_contain_text("is billed $3,100.00")
    assert axe_violations(page, "compliance report") == []
    _shoot(page, "report-compliance-kx")
    kx.get_by_role("link", name="Review the plan (KX)").click()
    page.wait_for_url(f"**/cases/{riverside.case.pk}/plan/**")
