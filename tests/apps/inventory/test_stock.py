"""The stock ledger: receipts, transfers, counts and dispenses are rows, on hand is their sum,
and nothing takes a shelf below zero (ADR 0820)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.inventory.actions import (
    ItemInput,
    do_create_item,
    do_dispense,
    do_receive_stock,
    do_record_count,
    do_take_back,
    do_transfer_stock,
)
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.models import MovementKind, StockMovement
from cleannote.apps.inventory.selectors import low_stock, note_dispenses, on_hand, visit_cost
from cleannote.apps.notes.visit_builder import build_visit, load_note_for_visit
from tests.apps.inventory.conftest import Shelf, make_item

pytestmark = pytest.mark.django_db


def test_on_hand_is_the_sum_of_the_movements(shelf: Shelf):
    home, annex = shelf.clinic.location, shelf.annex
    # when 20 electrodes are received, 6 sent to the annex, and the home shelf counted at 13
    do_transfer_stock(shelf.desk, shelf.electrodes, home, annex, 6, reason="annex opening")
    count = do_record_count(shelf.desk, shelf.electrodes, home, 13, reason="one pair torn")
    # then each is a row and on hand is their sum
    assert on_hand(shelf.electrodes, home) == 13
    assert on_hand(shelf.electrodes, annex) == 6
    assert count is not None
    assert count.quantity == -1
    assert count.reason == "one pair torn"
    kinds = list(
        StockMovement.objects.filter(item=shelf.electrodes)
        .order_by("id")
        .values_list("kind", "quantity")
    )
    assert kinds == [
        (MovementKind.RECEIPT, 20),
        (MovementKind.TRANSFER_OUT, -6),
        (MovementKind.TRANSFER_IN, 6),
        (MovementKind.COUNT, -1),
    ]
    # and a count that agrees with the ledger writes nothing
    assert do_record_count(shelf.desk, shelf.electrodes, annex, 6, reason="monthly count") is None


@pytest.mark.parametrize(
    ("_case", "call", "field"),
    [
        ("transfer more than on hand", lambda s: do_transfer_stock(
            s.desk, s.tens, s.clinic.location, s.annex, 4), "quantity"),
        ("transfer to itself", lambda s: do_transfer_stock(
            s.desk, s.tens, s.clinic.location, s.clinic.location, 1), "destination"),
        ("receive zero", lambda s: do_receive_stock(s.desk, s.tens, s.annex, 0), "quantity"),
        ("count below zero", lambda s: do_record_count(
            s.desk, s.tens, s.annex, -1, reason="x"), "counted"),
        ("count without a reason", lambda s: do_record_count(
            s.desk, s.tens, s.annex, 2, reason="  "), "reason"),
        ("therapist receiving", lambda s: do_receive_stock(
            s.therapist, s.tens, s.annex, 1), "actor"),
        ("dispense past the shelf", lambda s: do_dispense(
            s.therapist, s.clinic.draft_note, s.tens, 4), "quantity"),
        ("front desk dispensing", lambda s: do_dispense(
            s.desk, s.clinic.draft_note, s.tape, 1), "actor"),
        ("dispense on a signed note", lambda s: do_dispense(
            s.therapist, s.clinic.signed_note, s.tape, 1), "note"),
    ],
)  # fmt: skip
def test_refusals_name_the_field(shelf: Shelf, _case, call, field):
    before = StockMovement.objects.count()
    with pytest.raises(InventoryRefused) as refused:
        call(shelf)
    assert refused.value.field == field
    assert StockMovement.objects.count() == before


@pytest.mark.parametrize(
    ("_case", "changes", "field"),
    [
        ("billable without a code", {"billable": True, "charge": Decimal("5.00")}, "hcpcs"),
        ("not a HCPCS code", {"hcpcs": "97110X"}, "hcpcs"),
        ("billable code not a supply", {"hcpcs": "A4216", "billable": True,
                                        "charge": Decimal("5.00")}, "hcpcs"),
        ("DME bought or rented unsaid", {"kind": "dme", "hcpcs": "E0730", "billable": True,
                                         "charge": Decimal("95.00")}, "purchase_mode"),
        ("rental of a supply", {"purchase_mode": "rental"}, "purchase_mode"),
        ("code of another kind", {"hcpcs": "L1832", "billable": True,
                                  "charge": Decimal("80.00")}, "kind"),
        ("billable at no charge", {"hcpcs": "A4556", "billable": True}, "charge"),
        ("fractions of a cent", {"cost": Decimal("1.005")}, "cost"),
    ],
)  # fmt: skip
def test_item_refusals(shelf: Shelf, _case, changes, field):
    with pytest.raises(InventoryRefused) as refused:
        make_item(shelf.desk, "New item", **changes)
    assert refused.value.field == field


def test_dispensing_a_billable_dme_item_puts_a_nu_line_on_the_visit(shelf: Shelf):
    note = shelf.clinic.draft_note
    # when the therapist dispenses a bought TENS unit and two rolls of tape
    tens = do_dispense(shelf.therapist, note, shelf.tens, 1)
    tape = do_dispense(shelf.therapist, note, shelf.tape, 2)
    # then stock falls at the note's location, and the visit carries the TENS line only
    assert on_hand(shelf.tens, shelf.clinic.location) == 2
    assert (tens.hcpcs, tens.modifiers, tens.charge, tens.cost) == (
        "E0730", ["NU"], Decimal("95.00"), Decimal("38.00"),
    )  # fmt: skip
    assert (tape.billable, tape.charge, tape.cost) == (False, Decimal("0.00"), Decimal("8.50"))
    assert visit_cost(note_dispenses(note.pk)) == Decimal("8.50")
    visit = build_visit(load_note_for_visit(note.pk))  # type: ignore[arg-type]
    supply = [s for s in visit.services if s.code == "E0730"]
    assert len(supply) == 1
    assert supply[0].modifiers == ("NU",)
    assert supply[0].units == 1
    assert supply[0].charge == Decimal("95.00")
    assert "A4450" not in {s.code for s in visit.services}
    assert AuditEvent.objects.filter(object_type="dispense", object_id=str(tens.pk)).exists()


def test_taking_a_dispense_back_returns_the_stock(shelf: Shelf):
    note = shelf.clinic.draft_note
    given = do_dispense(shelf.therapist, note, shelf.electrodes, 3)
    assert on_hand(shelf.electrodes, shelf.clinic.location) == 17
    do_take_back(shelf.therapist, given)
    assert on_hand(shelf.electrodes, shelf.clinic.location) == 20
    assert note_dispenses(note.pk) == []
    with pytest.raises(InventoryRefused):
        do_take_back(shelf.therapist, given)


def test_low_stock_lists_each_location_at_or_below_its_level(shelf: Shelf):
    # given: electrodes 20 (level 5), TENS 3 (level 1), tape 6 (level 2) at home; none at annex
    do_dispense(shelf.therapist, shelf.clinic.draft_note, shelf.tens, 2)
    rows = {(r.item.name, r.location.name): (r.on_hand, r.to_order) for r in low_stock(
        shelf.clinic.organisation)}  # fmt: skip
    home = shelf.clinic.location.name
    assert rows[("TENS unit, 4 lead", home)] == (1, 10)
    assert ("Electrodes 2x2 (pair)", home) not in rows
    assert rows[("Electrodes 2x2 (pair)", "Annex")] == (0, 10)


def test_an_item_name_is_once_per_clinic(shelf: Shelf):
    with pytest.raises(InventoryRefused) as refused:
        do_create_item(
            shelf.desk,
            ItemInput("Electrodes 2x2 (pair)", "supply", "", False, "", Decimal("1"),
                      Decimal("0"), 1),
        )  # fmt: skip
    assert refused.value.field == "name"
