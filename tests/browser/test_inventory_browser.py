"""Supplies in a real browser (issue 14, ADRs 0820, 0821): the therapist dispenses a bought TENS
unit and tape from the note editor's supplies panel by keyboard, and is told at the quantity
when the shelf is short; the front desk works the low-stock list into a prefilled receipt.
Screenshots at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.inventory.actions import do_dispense, do_receive_stock
from cleannote.apps.inventory.selectors import on_hand
from tests.apps.inventory.conftest import Shelf, make_item, shelf  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS
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


def test_the_therapist_dispenses_from_the_note(browser_page, live_server, shelf: Shelf):  # noqa: F811
    page, base = browser_page, live_server.url
    note = shelf.clinic.draft_note
    sign_in(page, base, "theo")
    page.goto(f"{base}/notes/{note.pk}/edit/")
    panel = page.locator("#supplies-panel")
    expect(panel.locator("#supply-item")).to_be_visible()
    # by keyboard: Alt+U is the item list's access key; choose, type the quantity, Enter
    page.locator("#supply-item").select_option(label="TENS unit, 4 lead · E0730")
    page.locator("#supply-quantity").fill("1")
    page.locator("#supply-quantity").press("Enter")
    expect(panel.locator("#dispensed")).to_contain_text("E0730-NU × 1")
    # more tape than the shelf holds: the refusal sits at the quantity, nothing moves
    page.locator("#supply-item").select_option(label="Kinesiology tape roll · A4450 · not billed")
    page.locator("#supply-quantity").fill("9")
    page.locator("#dispense").click()
    expect(panel.locator("#supply-quantity-error")).to_contain_text("Only 6")
    page.locator("#supply-quantity").fill("2")
    page.locator("#supply-quantity").press("Enter")
    expect(panel.locator("#visit-cost")).to_have_text("$8.50")
    page.wait_for_load_state("networkidle")
    panel.scroll_into_view_if_needed()
    _shoot(page, "inventory-note-supplies")
    assert on_hand(shelf.tens, shelf.clinic.location) == 2
    assert on_hand(shelf.tape, shelf.clinic.location) == 4


def test_the_front_desk_works_the_low_stock_list(browser_page, live_server, shelf: Shelf):  # noqa: F811
    page, base = browser_page, live_server.url
    sign_in(page, base, "fran")
    page.click("nav >> text=Supplies")
    expect(page.locator("#items")).to_contain_text("Electrodes 2x2 (pair)")
    _shoot(page, "inventory-items")
    page.click("#low-link")
    rows = page.locator("#low-stock tbody tr")
    expect(rows).to_have_count(3)  # nothing yet at the annex
    _shoot(page, "inventory-low-stock")
    rows.filter(has_text="TENS unit").get_by_role("link", name="Receive").click()
    expect(page.locator("#id_quantity")).to_have_value("10")
    page.fill("#id_reference", "INV-4410")
    page.click("#inventory-form button[type=submit]")
    expect(page.locator("#movements")).to_contain_text("INV-4410")
    _shoot(page, "inventory-item")
    assert on_hand(shelf.tens, shelf.annex) == 10
    page.goto(f"{base}/inventory/low/")
    expect(page.locator("#low-stock tbody tr")).to_have_count(2)


def _shoot_narrow(page, name: str) -> None:
    """Screenshots at 1024 and 390 px; nothing scrolls sideways at 390."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1024, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_lots_rentals_and_an_item_edit(browser_page, live_server, shelf: Shelf):  # noqa: F811
    # given gel in two lots at the main clinic, one expiring in 12 days, and a heat pad rental
    home = shelf.clinic.location
    gel = make_item(shelf.desk, "Electrode gel 250 ml", cost=shelf.tape.cost)
    for number, days, count in (("G-0412", 12, 3), ("G-0788", 300, 6)):
        do_receive_stock(
            shelf.desk, gel, home, count, lot_number=number,
            expires=timezone.localdate() + dt.timedelta(days=days),
        )  # fmt: skip
    pad = make_item(
        shelf.desk, "Electric heat pad", kind="dme", hcpcs="E0210", billable=True,
        purchase_mode="rental", cost=Decimal("21.00"), charge=Decimal("35.00"), reorder_level=0,
    )  # fmt: skip
    do_receive_stock(shelf.desk, pad, home, 2)
    do_dispense(shelf.therapist, shelf.clinic.draft_note, pad, 1)
    page, base = browser_page, live_server.url
    # the therapist dispenses gel: the first lot to expire is taken and named on the note
    sign_in(page, base, "theo")
    page.goto(f"{base}/notes/{shelf.clinic.draft_note.pk}/edit/")
    panel = page.locator("#supplies-panel")
    page.locator("#supply-item").select_option(label="Electrode gel 250 ml · not billed")
    page.locator("#supply-quantity").fill("1")
    page.locator("#supply-quantity").press("Enter")
    expect(panel.locator("#dispensed")).to_contain_text("lot G-0412")
    expect(panel.locator("#patient-rentals")).to_contain_text("Electric heat pad")
    page.wait_for_load_state("networkidle")
    panel.scroll_into_view_if_needed()
    _shoot_narrow(page, "inventory-note-lots-rental")
    panel.screenshot(path=str(ARTIFACTS / "inventory-note-lots-rental-panel.png"))
    page.context.clear_cookies()
    # the front desk sees the expiring lot, the unit out on rental, and edits an item
    sign_in(page, base, "fran")
    page.goto(f"{base}/inventory/low/")
    expect(page.locator("#expiring")).to_contain_text("G-0412")
    _shoot_narrow(page, "inventory-low-and-expiring")
    page.click("#rentals-link")
    expect(page.locator("#rentals")).to_contain_text("Electric heat pad")
    _shoot_narrow(page, "inventory-rentals")
    page.goto(f"{base}/inventory/items/{gel.pk}/")
    expect(page.locator("#lots")).to_contain_text("G-0788")
    _shoot_narrow(page, "inventory-item-lots")
    page.click("#edit-item")
    page.fill("#id_reorder_level", "4")
    page.fill("#id_hcpcs", "A45")
    page.click("#inventory-form button[type=submit]")
    expect(page.locator("#id_hcpcs_error")).to_be_visible()
    _shoot_narrow(page, "inventory-item-edit")
    page.fill("#id_hcpcs", "")
    page.click("#inventory-form button[type=submit]")
    expect(page.locator("dl.facts")).to_contain_text("at 4")
