"""Schedule settings' inline edits through htmx in a real browser (ADR 0616): a room's Save
answers its row only (the page is not reloaded: a marker set on the window survives), a refusal
shows in the row with what was typed, and taking it out of booking swaps the row too.
Screenshot to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.actions import do_create_room
from cleannote.apps.organisations.models import Room
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_room_is_saved_in_its_row_without_reloading(browser_page, live_server, clinic) -> None:  # noqa: F811
    page, base = browser_page, live_server.url
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    pool = do_create_room(actor, location=clinic.location, name="Pool", equipment="")
    do_create_room(actor, location=clinic.location, name="Gym", equipment="")
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/settings/")
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"#room-{pool.pk}")
    row.get_by_label("Equipment in room Pool").fill("lift, hoist")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#room-{pool.pk}-said")).to_contain_text("Room Pool saved.")
    assert page.evaluate("window.notReloaded") is True
    assert Room.objects.get(pk=pool.pk).equipment == "lift, hoist"

    # a clash is refused in the row, with what was typed kept
    row = page.locator(f"#room-{pool.pk}")
    row.get_by_label("Name of room Pool").fill("gym")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#room-{pool.pk}-error")).to_contain_text("already has a room called")
    expect(page.locator(f"#room-{pool.pk}").get_by_label("Name of room Pool")).to_have_value("gym")
    assert page.evaluate("window.notReloaded") is True
    assert Room.objects.get(pk=pool.pk).name == "Pool"
    assert axe_violations(page, "settings with a row refusal") == []
    page.screenshot(path=str(ARTIFACTS / "settings-row-refusal.png"), full_page=True)

    page.locator(f"#room-{pool.pk}").get_by_role("button", name="Take out of booking").click()
    expect(page.locator(f"#room-{pool.pk}")).to_contain_text("Bring back")
    assert page.evaluate("window.notReloaded") is True
    assert Room.objects.get(pk=pool.pk).active is False
