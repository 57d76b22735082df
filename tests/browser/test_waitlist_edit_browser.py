"""Editing and removing a waitlist entry in a real browser (ADR 0615): the desk opens
"Edit or remove" from the waitlist, changes the times (typed the 12-hour way), sees them on
the list the clinic's way, then removes the entry with a reason. Screenshot to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.scheduling.models import WaitlistEntry, WaitlistStatus
from cleannote.apps.scheduling.waitlist_actions import do_add_waitlist_entry
from tests.apps.scheduling.series_fixtures import series_setup
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_then_remove_a_waitlist_entry(browser_page, live_server, clinic) -> None:  # noqa: F811
    page, base = browser_page, live_server.url
    setup = series_setup(clinic)
    entry = do_add_waitlist_entry(
        setup.actor,
        patient=clinic.patient,
        weekdays=[0],
        windows=[(dt.time(8), dt.time(12))],
    )
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/waitlist/")
    expect(page.locator("#waiting-entries")).to_contain_text("8:00 AM–12:00 PM")
    page.click(f"#edit-entry-{entry.pk}")
    expect(page.locator("h1")).to_have_text("Waitlist entry")
    page.fill("#id_windows", "1:00 PM-5:00 PM")
    page.check("#id_weekdays_3")
    assert axe_violations(page, "waitlist entry edit") == []
    page.screenshot(path=str(ARTIFACTS / "waitlist-edit.png"), full_page=True)
    page.click("#save-entry")
    expect(page.get_by_text("Waitlist entry saved.")).to_be_visible()
    expect(page.locator("#waiting-entries")).to_contain_text("1:00 PM–5:00 PM")
    expect(page.locator("#waiting-entries")).to_contain_text("Mon, Thu")

    page.click(f"#edit-entry-{entry.pk}")
    page.fill("#id_reason", "booked at another clinic")
    page.click("#remove-entry-button")
    expect(page.get_by_text("Removed from the waitlist.")).to_be_visible()
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistStatus.WITHDRAWN
    expect(page.get_by_text("No one is waiting.")).to_be_visible()
