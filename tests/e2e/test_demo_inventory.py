"""The demo's supplies: stock on both locations' shelves from receipts, a transfer and a count,
tape dispensed on a draft note (costed to the visit), and exactly two low-stock items
(ADRs 0820, 0821)."""

from __future__ import annotations

from decimal import Decimal

from cleannote.apps.inventory.models import Dispense, MovementKind, StockMovement
from cleannote.apps.inventory.selectors import low_stock, on_hand
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
    given = list(Dispense.objects.filter(note__patient__organisation=demo.organisation))
    # the small demo gives tape only (not billed, $4.25 to the visit); no claim changes
    assert [(d.hcpcs, d.billable, d.cost) for d in given] == [("A4450", False, Decimal("4.25"))]
    assert not given[0].note.is_signed
    places = Location.objects.filter(organisation=demo.organisation)
    assert all(on_hand(given[0].item, place) > 0 for place in places)
