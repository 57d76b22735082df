"""The statement cycle and dunning steps page in a real browser (ADR 0763): the biller opens it
from the statements page, types a step day that comes before the one above it and sees where
and what, fixes it and saves. axe-clean; screenshots at 1280 and 390 px to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.ledger.models import DunningStep
from cleannote.apps.ledger.statement_models import StatementSettings
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_biller_sets_the_cycle_and_the_steps(browser_page, live_server, billing):  # noqa: F811
    page, base = browser_page, live_server.url
    sign_in(page, base, billing.clinic.biller.user.username)
    page.goto(f"{base}/ledger/statements/")
    page.click("#statement-settings-link")
    expect(page.locator("h1")).to_have_text("Statement cycle and dunning steps")
    assert axe_violations(page, "statement settings") == []
    page.fill("#cycle_day", "5")
    page.fill("#minimum_balance", "10.00")
    page.uncheck("#age-1")  # wait until a balance is 31 days old
    page.fill("#step-3-day", "20")  # before step 2's day (30)
    page.click("#save-settings")
    problems = page.locator("#settings-problems")
    expect(problems).to_contain_text("Step 3, days after the first statement")
    expect(problems).to_contain_text("must be after step 2's day (30)")
    expect(page.locator("#step-row-3 .errorlist")).to_contain_text("after step 2's day")
    assert axe_violations(page, "statement settings with errors") == []
    _shoot(page, "statement-settings-errors")
    problems.get_by_role("link").first.click()
    expect(page.locator("#step-3-day")).to_be_focused()
    page.fill("#step-3-day", "45")
    page.fill("#step-5-day", "120")
    page.fill("#step-5-title", "Last letter")
    page.fill("#step-5-message", "Please call us this week.")
    page.select_option("#step-4-action", "statement")
    page.fill("#step-4-title", "Second reminder")
    page.click("#save-settings")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Saved the statement")
    settings = StatementSettings.objects.get(organisation=billing.clinic.organisation)
    assert (settings.cycle_day, str(settings.minimum_balance)) == (5, "10.00")
    assert settings.ages_included == ["31-60", "61-90", "over 90"]
    assert list(DunningStep.objects.values_list("day", "title")) == [
        (0, "Statement"), (30, "Reminder"), (45, "Final notice"), (90, "Second reminder"),
        (120, "Last letter"),
    ]  # fmt: skip
    page.goto(f"{base}/ledger/statements/settings/")
    _shoot(page, "statement-settings")
