"""The demo's supplies: stock on both locations' shelves from receipts, a transfer and a count,
tape dispensed on a draft note (costed to the visit), and exactly two low-stock items
(ADRs 0820, 0821)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from cleannote.apps.inventory.models import Dispense, MovementKind, StockMovement
from cleannote.apps.inventory.selectors import expiring_lots, low_stock, on_hand, rentals_out
from cleannote.apps.organisations.models import Location
from tests.e2e.conftest import Demo


def test_demo_stock_and_two_low_items(demo: Demo):
    low = {(row.item.name, row.location.name) for row in low_stock(demo.organisation)}
    assert low == {
        ("Knee brace, hinged", "Riverbend Main"),
        ("Cold pack, reusable", "Eastside"),
    }, low
    kinds = set(
        StockMovement.objects.filter(organisation=demo.organisation).values_list("kind", flat=True)
    )
    assert {MovementKind.RECEIPT, MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN,
            MovementKind.COUNT, MovementKind.DISPENSE} <= kinds  # fmt: skip
    given = list(
        Dispense.objects.filter(note__patient__organisation=demo.organisation).order_by("id")
    )
    # the small demo gives tape (not billed, $4.25 to the visit) and lends a heat pad (month 1
    # of a rental, RR) on a draft note; no claim changes
    assert [(d.hcpcs, d.billable, d.cost) for d in given] == [
        ("A4450", False, Decimal("4.25")),
        ("E0210", True, Decimal("0.00")),
    ]
    assert given[1].modifiers[0] == "RR"
    assert given[1].rental_month == 1
    assert not given[0].note.is_signed
    assert [r.item.hcpcs for r in rentals_out(demo.organisation)] == ["E0210"]
    # the main clinic's electrodes: a lot good for 18 more days, on the expiring list
    soon = expiring_lots(demo.organisation, timezone.localdate())
    assert {(r.stock.number, r.item.hcpcs) for r in soon} == {("EL-2411", "A4556")}
    places = Location.objects.filter(organisation=demo.organisation)
    assert all(on_hand(given[0].item, place) > 0 for place in places)
