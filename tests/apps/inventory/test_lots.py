"""Lots: receipts carry a lot and the date it is good through, stock is kept per lot, a
dispense takes the first to expire unless a lot is named, an expired lot is refused, and the
expiring list sits beside low stock (ADR 0822)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.inventory.actions import (
    do_dispense,
    do_receive_stock,
    do_record_count,
    do_take_back,
    do_transfer_stock,
)
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.selectors import expiring_lots, lot_stock, on_hand
from cleannote.apps.notes.actions import do_start_note
from tests.apps.inventory.conftest import Shelf, make_item
from tests.personas import TODAY, client_for

pytestmark = pytest.mark.django_db


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def gel(shelf: Shelf):
    """Electrode gel at the annex: lot G1 expired 2 days ago (2), G2 good for 10 days (3),
    G3 good for a year (5)."""
    item = make_item(shelf.desk, "Electrode gel 250 ml", cost=shelf.tape.cost)
    for number, days, count in (("G3", 365, 5), ("G1", -2, 2), ("G2", 10, 3)):
        do_receive_stock(
            shelf.desk, item, shelf.annex, count, lot_number=number, expires=_days(days)
        )
    return item


def _note(shelf: Shelf):
    clinic = shelf.clinic
    return do_start_note(
        shelf.therapist, case=clinic.case, therapist=clinic.therapist, location=shelf.annex,
        date_of_service=TODAY - dt.timedelta(days=1),
    )  # fmt: skip


def _by_lot(item, location) -> dict[str, int]:
    return {s.number: s.on_hand for s in lot_stock(item, location) if s.on_hand}


def test_dispense_takes_the_first_to_expire_and_spills_into_the_next(shelf: Shelf, gel):
    note = _note(shelf)
    # when 4 are dispensed without naming a lot
    given = do_dispense(shelf.therapist, note, gel, 4)
    # then the expired lot is passed over: 3 from G2 (good 10 days), 1 from G3
    assert _by_lot(gel, shelf.annex) == {"G1": 2, "G3": 4}
    assert sorted((m.lot.number, m.quantity) for m in given.movements.all()) == [
        ("G2", -3), ("G3", -1),
    ]  # fmt: skip
    assert given.quantity == 4
    # and taking it back returns each to its lot
    do_take_back(shelf.therapist, given)
    assert _by_lot(gel, shelf.annex) == {"G1": 2, "G2": 3, "G3": 5}


def test_a_named_lot_is_taken_and_an_expired_one_refused(shelf: Shelf, gel):
    note = _note(shelf)
    given = do_dispense(shelf.therapist, note, gel, 2, lot_number="G3")
    assert [m.lot.number for m in given.movements.all()] == ["G3"]
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(shelf.therapist, note, gel, 1, lot_number="G1")
    assert refused.value.field == "lot"
    assert "expired on" in refused.value.message
    assert "cannot be dispensed" in refused.value.message
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(shelf.therapist, note, gel, 1, lot_number="G9")
    assert refused.value.field == "lot"


def test_short_of_unexpired_stock_is_refused_and_says_what_expired(shelf: Shelf, gel):
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(shelf.therapist, _note(shelf), gel, 9)
    assert refused.value.field == "quantity"
    assert refused.value.message.startswith("Only 8 Electrode gel 250 ml on hand at Annex; 9")
    assert "2 more are in expired lots" in refused.value.message
    assert on_hand(gel, shelf.annex) == 10


def test_receipts_check_the_lot_and_its_date(shelf: Shelf, gel):
    with pytest.raises(InventoryRefused) as refused:
        do_receive_stock(shelf.desk, gel, shelf.annex, 1, expires=_days(40))
    assert refused.value.field == "lot"
    with pytest.raises(InventoryRefused) as refused:
        do_receive_stock(shelf.desk, gel, shelf.annex, 1, lot_number="G2", expires=_days(40))
    assert refused.value.field == "expires"
    # the same lot received again with its own date adds to it
    do_receive_stock(shelf.desk, gel, shelf.annex, 1, lot_number="G2", expires=_days(10))
    assert _by_lot(gel, shelf.annex)["G2"] == 4


def test_transfers_move_lots_and_counts_take_an_expired_lot_off(shelf: Shelf, gel):
    home = shelf.clinic.location
    do_transfer_stock(shelf.desk, gel, shelf.annex, home, 4)
    assert _by_lot(gel, home) == {"G2": 3, "G3": 1}
    with pytest.raises(InventoryRefused) as refused:
        do_transfer_stock(shelf.desk, gel, shelf.annex, home, 1, lot_number="G1")
    assert "cannot be sent" in refused.value.message
    do_record_count(shelf.desk, gel, shelf.annex, 0, reason="expired", lot_number="G1")
    assert _by_lot(gel, shelf.annex) == {"G3": 4}
    # and only G2, now at home, is left to expire within 30 days
    rows = expiring_lots(shelf.clinic.organisation, timezone.localdate())
    assert [(r.stock.number, r.location.pk) for r in rows] == [("G2", home.pk)]


def test_expiring_list_beside_low_stock(shelf: Shelf, gel):
    rows = expiring_lots(shelf.clinic.organisation, timezone.localdate())
    assert [(r.stock.number, r.location.name) for r in rows] == [("G1", "Annex"), ("G2", "Annex")]
    client = client_for(shelf.clinic.front_desk)
    page = client.get(reverse("inventory:low")).content.decode()
    assert 'id="expiring"' in page
    assert 'data-lot="G1"' in page
    assert 'data-lot="G2"' in page
    assert 'data-lot="G3"' not in page
    assert "Take off the shelf" in page
    assert "2 lots expiring" in client.get(reverse("inventory:items")).content.decode()
    detail = client.get(reverse("inventory:item", args=[gel.pk])).content.decode()
    assert 'id="lots"' in detail
    assert "expired" in detail


def test_the_note_panel_names_the_lot_and_refuses_an_expired_one(shelf: Shelf, gel):
    note = _note(shelf)
    client = client_for(shelf.clinic.therapist)
    url = reverse("inventory:note_supplies", args=[note.pk])
    refused = client.post(url, {"item": gel.pk, "quantity": "1", "lot": "G1"}, HTTP_HX_REQUEST="1")
    body = refused.content.decode()
    assert 'id="supply-lot-error"' in body
    assert "expired on" in body
    done = client.post(url, {"item": gel.pk, "quantity": "1", "lot": ""}, HTTP_HX_REQUEST="1")
    assert "lot G2" in done.content.decode()
