"""Reads of the stock ledger: on hand per item and location (a sum of movements), the low-stock
worklist, an item's movements, and what each note dispensed (ADR 0820)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from cleannote.apps.inventory.models import Dispense, Item, Lot, Rental, StockMovement
from cleannote.apps.notes.supply_lines import DispensedSupply
from cleannote.apps.organisations.models import Location, Organisation
from cleannote.rules.stock_lots import LotStock, expiring


def on_hand(item: Item, location: Location) -> int:
    total = StockMovement.objects.filter(item=item, location=location).aggregate(
        total=Sum("quantity")
    )["total"]
    return int(total or 0)


def lot_stock(item: Item, location: Location) -> list[LotStock]:
    """The item's stock at a location per lot (None: received without a lot): one query."""
    rows = (
        StockMovement.objects.filter(item=item, location=location)
        .values_list("lot_id", "lot__number", "lot__expires")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return [
        LotStock(lot, number or "", expires, int(total)) for lot, number, expires, total in rows
    ]


@dataclass(frozen=True, slots=True)
class LotRow:
    item: Item
    location: Location
    stock: LotStock


def lot_rows(organisation: Organisation, item: Item | None = None) -> list[LotRow]:
    """Every lot with stock, per item and location, the first to expire first: one query."""
    found = StockMovement.objects.filter(organisation=organisation, lot__isnull=False)
    if item is not None:
        found = found.filter(item=item)
    rows = (
        found.values_list("item_id", "location_id", "lot_id", "lot__number", "lot__expires")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    stock = [(i, loc, LotStock(lot, number, expires, int(total)))
             for i, loc, lot, number, expires, total in rows if total > 0]  # fmt: skip
    by_item = {i.pk: i for i in Item.objects.filter(pk__in={r[0] for r in stock})}
    by_place = {p.pk: p for p in locations(organisation)}
    shown = [LotRow(by_item[i], by_place[loc], s) for i, loc, s in stock]
    return sorted(
        shown, key=lambda r: (r.stock.expires or dt.date.max, r.item.name, r.location.name)
    )


def expiring_lots(organisation: Organisation, today: dt.date) -> list[LotRow]:
    """Lots on a shelf that expire within 30 days, or have expired: take them off or use them."""
    rows = lot_rows(organisation)
    soon = {id(s) for s in expiring([r.stock for r in rows], today)}
    return [r for r in rows if id(r.stock) in soon and r.item.active]


def lot_of(item: Item, number: str) -> Lot | None:
    return Lot.objects.filter(item=item, number=number.strip()).first()


def rentals_out(organisation: Organisation, patient_id: int | None = None) -> list[Rental]:
    """Units out on rental (not returned), oldest first, each with `billed` (months billed so
    far) annotated: one query."""
    found = Rental.objects.filter(organisation=organisation, returned__isnull=True)
    if patient_id is not None:
        found = found.filter(patient_id=patient_id)
    return list(
        found.select_related("item", "patient", "location")
        .annotate(billed=Count("months"))
        .order_by("started", "id")
    )


def rental_of(organisation: Organisation, rental_id: int) -> Rental | None:
    return (
        Rental.objects.select_related("item", "patient", "location")
        .filter(organisation=organisation, pk=rental_id)
        .first()
    )


def stock_by_location(organisation: Organisation) -> dict[tuple[int, int], int]:
    """(item id, location id) → on hand, for every pair with any movement: one query."""
    rows = (
        StockMovement.objects.filter(organisation=organisation)
        .values_list("item_id", "location_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return {(item_id, location_id): int(total) for item_id, location_id, total in rows}


@dataclass(frozen=True, slots=True)
class StockRow:
    item: Item
    location: Location
    on_hand: int

    @property
    def low(self) -> bool:
        return self.item.active and self.on_hand <= self.item.reorder_level

    @property
    def to_order(self) -> int:
        """Enough to come back above the reorder level: the item's usual order, at least."""
        short = self.item.reorder_level - self.on_hand + 1
        return max(self.item.reorder_quantity, short, 1)


def items(organisation: Organisation) -> list[Item]:
    return list(Item.objects.filter(organisation=organisation).order_by("-active", "name"))


def locations(organisation: Organisation) -> list[Location]:
    return list(Location.objects.filter(organisation=organisation).order_by("name", "id"))


def stock_rows(organisation: Organisation, item: Item | None = None) -> list[StockRow]:
    """Every active item at every location of the organisation (or one item's), in three
    queries: items, locations, and the summed ledger."""
    stock = stock_by_location(organisation)
    places = locations(organisation)
    chosen = [item] if item is not None else [i for i in items(organisation) if i.active]
    return [StockRow(i, loc, stock.get((i.pk, loc.pk), 0)) for i in chosen for loc in places]


def low_stock(organisation: Organisation) -> list[StockRow]:
    """The worklist: each active item at each location at or below its reorder level."""
    return [row for row in stock_rows(organisation) if row.low]


def item_of(organisation: Organisation, item_id: int) -> Item | None:
    return Item.objects.filter(organisation=organisation, pk=item_id).first()


def movements(item: Item, limit: int = 200) -> list[StockMovement]:
    return list(
        StockMovement.objects.filter(item=item)
        .select_related("location", "other_location", "by", "lot")
        .order_by("-at", "-id")[:limit]
    )


def note_dispenses(note_id: int) -> list[Dispense]:
    """What a note dispensed and still holds (taken-back rows left out), oldest first."""
    return list(
        Dispense.objects.filter(note_id=note_id, removed_by__isnull=True)
        .select_related("item", "rental")
        .prefetch_related("movements__lot")
        .order_by("id")
    )


def dispensed_for_notes(note_ids: Iterable[int]) -> dict[int, list[DispensedSupply]]:
    """The notes hook's answer (`notes.supply_lines.DISPENSED_SUPPLIES`): one query."""
    found: dict[int, list[DispensedSupply]] = {}
    rows = (
        Dispense.objects.filter(note_id__in=list(note_ids), removed_by__isnull=True)
        .select_related("item")
        .order_by("note_id", "id")
    )
    for d in rows:
        found.setdefault(d.note_id, []).append(
            DispensedSupply(
                name=d.item.name,
                quantity=d.quantity,
                billable=d.billable,
                hcpcs=d.hcpcs,
                modifiers=tuple(d.modifiers),
                charge=d.charge,
                cost=d.cost,
            )
        )
    return found


def visit_cost(dispenses: Iterable[Dispense]) -> Decimal:
    """What the non-billable supplies of a visit cost the clinic."""
    return sum((d.cost for d in dispenses if not d.billable), Decimal("0.00"))
