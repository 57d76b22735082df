"""The only writers of the stock ledger; each action one transaction with its audit row.

Every change of stock is a `StockMovement` row, never an edit of a quantity, and the on-hand
figure is their sum. An action that takes stock out locks the item's `StockBin` at that location
first (PostgreSQL `SELECT ... FOR UPDATE`), reads the sum, and refuses what would take it below
zero, so two people dispensing the last box at once cannot both succeed: the second waits for
the first to commit and then sees what is left (ADR 0820).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.models import (
    Dispense,
    Item,
    ItemKind,
    Lot,
    MovementKind,
    PurchaseMode,
    Rental,
    StockBin,
    StockMovement,
)
from cleannote.apps.inventory.selectors import lot_of, lot_stock
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.coverage_order import in_cob_order
from cleannote.apps.patients.models import Coverage
from cleannote.platform.clock import format_date
from cleannote.rules.dme_rentals import RentalMonth, rental_month
from cleannote.rules.ncci import looks_like_hcpcs
from cleannote.rules.stock_lots import allocate, is_expired
from cleannote.rules.supplies import DmeMode, SupplyKind, dme_modifier, find_supply
from cleannote.rules.visit import PayerKind

if TYPE_CHECKING:
    import datetime as dt

CENT = Decimal("0.01")
MAX_QUANTITY = 10_000


def _person(actor: Actor, capability: Capability) -> User:
    staff = (
        Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
        if actor.user is not None
        else None
    )
    if staff is None or actor.user is None:
        raise InventoryRefused("actor", "a staff member of this organisation moves stock")
    if not has_capability(staff.role, capability):
        raise InventoryRefused("actor", f"the {staff.get_role_display().lower()} role may not")
    return actor.user


def _quantity(value: int, field: str = "quantity") -> int:
    if not isinstance(value, int) or value < 1:
        raise InventoryRefused(field, "Give a whole number of 1 or more.")
    if value > MAX_QUANTITY:
        raise InventoryRefused(field, f"Give at most {MAX_QUANTITY:,} at a time.")
    return value


def _location(actor: Actor, location: Location, field: str = "location") -> Location:
    if location.organisation_id != actor.organisation.pk:
        raise InventoryRefused(field, "Choose one of this clinic's locations.")
    return location


def _item(actor: Actor, item: Item) -> Item:
    """The item as it stands now (an edit may have changed its charge since it was read)."""
    found = Item.objects.filter(pk=item.pk, organisation=actor.organisation).first()
    if found is None:
        raise InventoryRefused("item", "Choose one of this clinic's items.")
    if not found.active:
        raise InventoryRefused("item", f"{found.name} is no longer stocked.")
    return found


def _locked_bins(item: Item, *places: Location) -> None:
    """Lock the item's bin at each location, in id order (two transfers cannot deadlock)."""
    for place in sorted(places, key=lambda p: p.pk):
        try:
            with transaction.atomic():  # a savepoint: another request may create it first
                StockBin.objects.get_or_create(item=item, location=place)
        except IntegrityError:
            pass
        StockBin.objects.select_for_update().get(item=item, location=place)


def _move(
    actor: Actor, user: User, item: Item, location: Location, kind: MovementKind, quantity: int,
    at: dt.datetime | None = None, **fields: object,
) -> StockMovement:  # fmt: skip
    movement = StockMovement.objects.create(
        organisation=actor.organisation,
        item=item,
        location=location,
        kind=kind,
        quantity=quantity,
        by=user,
        at=at or timezone.now(),
        **fields,
    )
    return movement


_SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{0,39}")


def _serial_number(item: Item, value: str) -> str:
    """The serial number of the unit lent: required for an item tracked by serial number, as
    printed on the unit (letters, digits, '-', '.', '/'; at most 40), and not a unit already
    out on rental."""
    number = (value or "").strip().upper()
    if not number:
        if item.serialised:
            raise InventoryRefused(
                "serial_number",
                f"{item.name} is tracked by serial number: give the lent unit's serial number, "
                "as printed on its label.",
            )
        return ""
    if not _SERIAL.fullmatch(number):
        raise InventoryRefused(
            "serial_number",
            "Give the serial number as printed on the unit: letters and digits, with '-', '.' "
            "or '/', at most 40 characters (e.g. TX4-20931).",
        )
    if Rental.objects.filter(item=item, serial_number=number, returned__isnull=True).exists():
        raise InventoryRefused(
            "serial_number",
            f"Unit {number} of {item.name} is out on rental already: record its return first, "
            "or check the number.",
        )
    return number


def _lot_number(value: str) -> str:
    number = " ".join((value or "").split())
    if len(number) > 40:
        raise InventoryRefused("lot", "Give the lot number as printed, at most 40 characters.")
    return number


def _take(
    actor: Actor, user: User, item: Item, location: Location, quantity: int,
    kind: MovementKind, lot_number: str, verb: str, **fields: Any,
) -> list[StockMovement]:  # fmt: skip
    """The movements that take `quantity` out at a location (its bin locked): from the lot
    chosen, else first expiring first (FEFO), one movement per lot; never from an expired lot,
    never below zero (ADR 0822)."""
    today = timezone.localdate()
    stock = lot_stock(item, location)
    number = _lot_number(lot_number)
    takes: list[tuple[int | None, int]]
    if number:
        lot = lot_of(item, number)
        if lot is None:
            raise InventoryRefused("lot", f"No lot {number} of {item.name} has been received.")
        if lot.expires is not None and is_expired(lot.expires, today):
            raise InventoryRefused(
                "lot", f"Lot {lot.number} expired on {format_date(lot.expires)} and cannot be "
                f"{verb}: take it off the shelf with a count.",
            )  # fmt: skip
        have = next((s.on_hand for s in stock if s.lot == lot.pk), 0)
        if quantity > have:
            raise InventoryRefused(
                "quantity", f"Only {have} of lot {lot.number} on hand at {location.name}; "
                f"{quantity} asked.",
            )  # fmt: skip
        takes = [(lot.pk, quantity)]
    else:
        plan = allocate(stock, quantity, today)
        if plan.short:
            expired = (
                f" {plan.expired} more are in expired lots, which cannot be {verb}: take them "
                "off the shelf with a count."
                if plan.expired
                else ""
            )
            raise InventoryRefused(
                "quantity", f"Only {plan.usable} {item.name} on hand at {location.name}; "
                f"{quantity} asked.{expired}",
            )  # fmt: skip
        takes = [(s.lot, n) for s, n in plan.takes]
    return [_move(actor, user, item, location, kind, -n, lot_id=lot, **fields) for lot, n in takes]


def _receipt_lot(item: Item, lot_number: str, expires: dt.date | None) -> Lot | None:
    """The lot a receipt goes into: found by its number, or recorded with its expiry."""
    number = _lot_number(lot_number)
    if not number:
        if expires is not None:
            raise InventoryRefused("lot", "Give the lot number printed beside the expiry date.")
        return None
    lot = Lot.objects.filter(item=item, number=number).first()
    if lot is None:
        try:
            with transaction.atomic():
                return Lot.objects.create(item=item, number=number, expires=expires)
        except IntegrityError:  # received at another location at the same moment
            lot = Lot.objects.get(item=item, number=number)
    if expires is not None and lot.expires != expires:
        recorded = format_date(lot.expires) if lot.expires else "no expiry date"
        raise InventoryRefused(
            "expires", f"Lot {number} was received before with {recorded}; check the box."
        )
    return lot


# --- items -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemInput:
    name: str
    kind: str
    hcpcs: str
    billable: bool
    purchase_mode: str
    cost: Decimal
    charge: Decimal
    reorder_level: int
    reorder_quantity: int = 0
    supplier: str = ""
    serialised: bool = False


def _checked_item(data: ItemInput) -> dict[str, object]:
    name = " ".join(data.name.split())
    if not name:
        raise InventoryRefused("name", "Name the item as it reads on the shelf.")
    code = data.hcpcs.strip().upper()
    kind = ItemKind(data.kind)
    if code and not looks_like_hcpcs(code):
        raise InventoryRefused("hcpcs", f"{code!r} is not a HCPCS code (a letter and 4 digits).")
    if data.billable:
        if not code:
            raise InventoryRefused("hcpcs", "A billable item needs its HCPCS code.")
        known = find_supply(code)
        if known is None:
            raise InventoryRefused(
                "hcpcs", f"Cleannote does not bill {code} as a supply; bill a code of its table "
                "or keep the item not billable (costed to the visit).",
            )  # fmt: skip
        if known.kind.value != kind.value:
            raise InventoryRefused("kind", f"{code} is {known.kind.value.upper()}, not {kind}.")
    mode = data.purchase_mode or ""
    if kind is ItemKind.DME and data.billable and not mode:
        raise InventoryRefused("purchase_mode", "Say whether the patient buys (NU) or rents (RR).")
    if mode and kind is not ItemKind.DME:
        raise InventoryRefused(
            "purchase_mode", "Only durable medical equipment is rented or bought."
        )
    for field, amount in (("cost", data.cost), ("charge", data.charge)):
        if amount < 0 or amount != amount.quantize(CENT):
            raise InventoryRefused(field, "Give an amount in dollars and cents, e.g. 12.50.")
    if data.billable and data.charge <= 0:
        raise InventoryRefused("charge", "A billable item needs its charge, e.g. 25.00.")
    if data.serialised and kind is not ItemKind.DME:
        raise InventoryRefused(
            "serialised", "Only durable medical equipment is tracked by serial number."
        )
    return {
        "name": name,
        "kind": kind,
        "hcpcs": code,
        "billable": data.billable,
        "purchase_mode": mode,
        "cost": data.cost,
        "charge": data.charge,
        "reorder_level": data.reorder_level,
        "reorder_quantity": data.reorder_quantity,
        "supplier": data.supplier.strip(),
        "serialised": data.serialised,
    }


@transaction.atomic
def do_create_item(actor: Actor, data: ItemInput) -> Item:
    _person(actor, Capability.MANAGE_INVENTORY)
    values = _checked_item(data)
    if Item.objects.filter(organisation=actor.organisation, name=values["name"]).exists():
        raise InventoryRefused("name", "An item of this name is already on the list.")
    item = Item.objects.create(organisation=actor.organisation, **values)
    do_record_audit_event(actor, AuditAction.CREATE, "inventory_item", item.pk)
    return item


ITEM_FIELDS = (
    "name", "kind", "hcpcs", "billable", "purchase_mode", "cost", "charge", "reorder_level",
    "reorder_quantity", "supplier", "serialised",
)  # fmt: skip


@transaction.atomic
def do_update_item(actor: Actor, item: Item, data: ItemInput) -> Item:
    """Change an item's name, code, kind, billing, cost, charge or reorder figures. Lines
    already dispensed keep the figures copied onto their `Dispense` row, so a new charge bills
    only what is dispensed from now on (ADR 0821). The audit row names the fields changed."""
    _person(actor, Capability.MANAGE_INVENTORY)
    locked = (
        Item.objects.select_for_update().filter(pk=item.pk, organisation=actor.organisation).first()
    )
    if locked is None:
        raise InventoryRefused("item", "Choose one of this clinic's items.")
    values = _checked_item(data)
    taken = (
        Item.objects.filter(organisation=actor.organisation, name=values["name"])
        .exclude(pk=locked.pk)
        .exists()
    )
    if taken:
        raise InventoryRefused("name", "An item of this name is already on the list.")
    changed = [name for name in ITEM_FIELDS if getattr(locked, name) != values[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    locked.save(update_fields=changed)
    do_record_audit_event(
        actor, AuditAction.UPDATE, "inventory_item", locked.pk,
        reason="changed " + ", ".join(name.replace("_", " ") for name in changed),
    )  # fmt: skip
    return locked


# --- movements -------------------------------------------------------------------------------


@transaction.atomic
def do_receive_stock(
    actor: Actor, item: Item, location: Location, quantity: int, *, supplier: str = "",
    reference: str = "", unit_cost: Decimal | None = None, at: dt.datetime | None = None,
    lot_number: str = "", expires: dt.date | None = None,
) -> StockMovement:  # fmt: skip
    """Stock received from a supplier at a location (a packing slip or invoice as reference),
    in a lot when the box carries one (its number and the date it is good through)."""
    user = _person(actor, Capability.MANAGE_INVENTORY)
    item = _item(actor, item)
    _location(actor, location)
    _quantity(quantity)
    if unit_cost is not None and (unit_cost < 0 or unit_cost != unit_cost.quantize(CENT)):
        raise InventoryRefused("unit_cost", "Give an amount in dollars and cents, e.g. 12.50.")
    _locked_bins(item, location)
    lot = _receipt_lot(item, lot_number, expires)
    movement = _move(
        actor, user, item, location, MovementKind.RECEIPT, quantity, at,
        supplier=supplier.strip() or item.supplier, reference=reference.strip(),
        unit_cost=item.cost if unit_cost is None else unit_cost, lot=lot,
    )  # fmt: skip
    do_record_audit_event(actor, AuditAction.CREATE, "stock_movement", movement.pk)
    return movement


@transaction.atomic
def do_transfer_stock(
    actor: Actor, item: Item, source: Location, destination: Location, quantity: int,
    *, reason: str = "", lot_number: str = "",
) -> tuple[StockMovement, StockMovement]:  # fmt: skip
    """Stock sent from one location to another: out of one, into the other, the same moment,
    lot by lot (the lot chosen, else first expiring first). Returns the first pair."""
    user = _person(actor, Capability.MANAGE_INVENTORY)
    item = _item(actor, item)
    _location(actor, source, "source")
    _location(actor, destination, "destination")
    if source.pk == destination.pk:
        raise InventoryRefused("destination", "Choose a location other than the one it leaves.")
    _quantity(quantity)
    _locked_bins(item, source, destination)
    now = timezone.now()
    pairs: list[tuple[StockMovement, StockMovement]] = []
    outs = _take(
        actor, user, item, source, quantity, MovementKind.TRANSFER_OUT, lot_number, "sent",
        at=now, other_location=destination, reason=reason.strip(),
    )  # fmt: skip
    for out in outs:
        into = _move(
            actor, user, item, destination, MovementKind.TRANSFER_IN, -out.quantity, now,
            other_location=source, reason=reason.strip(), lot_id=out.lot_id,
        )  # fmt: skip
        do_record_audit_event(actor, AuditAction.CREATE, "stock_movement", out.pk)
        do_record_audit_event(actor, AuditAction.CREATE, "stock_movement", into.pk)
        pairs.append((out, into))
    return pairs[0]


@transaction.atomic
def do_record_count(
    actor: Actor, item: Item, location: Location, counted: int, *, reason: str,
    lot_number: str = "",
) -> StockMovement | None:  # fmt: skip
    """A physical count of one lot (or of the stock kept without a lot): the difference from
    the ledger is one adjustment row with the reason the person gave (None when the shelf
    agrees with the ledger). An expired lot leaves the shelf by a count of 0."""
    user = _person(actor, Capability.MANAGE_INVENTORY)
    item = _item(actor, item)
    _location(actor, location)
    if not isinstance(counted, int) or counted < 0:
        raise InventoryRefused("counted", "Give the number on the shelf: 0 or more.")
    why = " ".join((reason or "").split())
    if not why:
        raise InventoryRefused("reason", "Say why the count differs, e.g. damaged in storage.")
    number = _lot_number(lot_number)
    lot = lot_of(item, number) if number else None
    if number and lot is None:
        raise InventoryRefused(
            "lot", f"No lot {number} of {item.name} has been received; receive it first."
        )
    _locked_bins(item, location)
    lot_id = lot.pk if lot is not None else None
    shelf = next((s.on_hand for s in lot_stock(item, location) if s.lot == lot_id), 0)
    difference = counted - shelf
    if difference == 0:
        return None
    movement = _move(
        actor, user, item, location, MovementKind.COUNT, difference, reason=why[:200], lot=lot
    )
    do_record_audit_event(actor, AuditAction.UPDATE, "stock_movement", movement.pk, reason=why)
    return movement


# --- dispensing from a note ------------------------------------------------------------------


def _draft_note(actor: Actor, note: Note) -> Note:
    locked = (
        Note.objects.select_for_update()
        .select_related("location")
        .filter(pk=note.pk, patient__organisation=actor.organisation)
        .first()
    )
    if locked is None:
        raise InventoryRefused("note", "No such note in this clinic.")
    if locked.is_signed:
        raise InventoryRefused("note", "The note is signed; supplies are dispensed on a draft.")
    return locked


def line_modifiers(item: Item) -> list[str]:
    """NU or RR for a billable durable-equipment item, by its purchase mode; else none."""
    mode = DmeMode(item.purchase_mode) if item.purchase_mode else None
    found = dme_modifier(SupplyKind(item.kind), mode) if item.billable else None
    return [found] if found else []


@transaction.atomic
def do_dispense(
    actor: Actor,
    note: Note,
    item: Item,
    quantity: int,
    *,
    lot_number: str = "",
    serial_number: str = "",
) -> Dispense:
    """Give the patient `quantity` of an item at the visit: out of stock at the note's location,
    and onto the visit: a billable item as a line (its HCPCS code, NU/RR, the item's charge per
    unit), a non-billable one as a cost of the visit. Taken from the lot chosen, else the first
    to expire; refused beyond what is on hand there and from an expired lot (ADR 0822)."""
    user = _person(actor, Capability.WRITE_NOTES)
    locked = _draft_note(actor, note)
    item = _item(actor, item)
    _quantity(quantity)
    location = locked.location
    _locked_bins(item, location)
    if is_rental(item):
        return _lend(actor, user, locked, item, quantity, lot_number, serial_number)
    if serial_number.strip():
        raise InventoryRefused(
            "serial_number", "A serial number is recorded only when a unit is lent on rental."
        )
    moved = _take(
        actor, user, item, location, quantity, MovementKind.DISPENSE, lot_number, "dispensed",
        note=locked, unit_cost=item.cost,
    )  # fmt: skip
    dispense = Dispense.objects.create(
        note=locked,
        item=item,
        movement=moved[0],
        quantity=quantity,
        billable=item.billable,
        hcpcs=item.hcpcs,
        modifiers=line_modifiers(item),
        charge=(item.charge * quantity) if item.billable else Decimal("0.00"),
        cost=item.cost * quantity,
    )
    StockMovement.objects.filter(pk__in=[m.pk for m in moved]).update(dispense=dispense)
    do_record_audit_event(
        actor, AuditAction.CREATE, "dispense", dispense.pk, patient_id=locked.patient_id
    )
    return dispense


def is_rental(item: Item) -> bool:
    """A billable durable-equipment item the clinic rents out: dispensing it lends a unit."""
    return item.kind == ItemKind.DME and item.purchase_mode == PurchaseMode.RENTAL and item.billable


def _medicare_primary(patient_id: int, day: dt.date) -> bool:
    """Whether the patient's first payer on `day` is Medicare (Part B, billed to a DME MAC;
    a Medicare Advantage plan sets its own rules and gets RR alone)."""
    first = in_cob_order(Coverage.objects.filter(patient_id=patient_id), day)
    return bool(first) and first[0].kind == PayerKind.MEDICARE.value


def _month_line(item: Item, note: Note, month: int) -> RentalMonth:
    line = rental_month(
        item.hcpcs, month, medicare=_medicare_primary(note.patient_id, note.date_of_service)
    )
    if line.refused:
        raise InventoryRefused("rental", line.refused)
    return line


def _lend(
    actor: Actor, user: User, note: Note, item: Item, quantity: int, lot_number: str,
    serial_number: str,
) -> Dispense:  # fmt: skip
    """Dispensing a rental item lends one unit: out of stock, a `Rental` from the visit's day
    (with the unit's serial number, required for an item tracked by one), and month 1 billed on
    this visit (RR, and KH for Medicare)."""
    if quantity != 1:
        raise InventoryRefused("quantity", "Lend one unit at a time; dispense again for another.")
    serial = _serial_number(item, serial_number)
    line = _month_line(item, note, 1)
    moved = _take(
        actor, user, item, note.location, 1, MovementKind.RENT_OUT, lot_number, "lent",
        note=note, unit_cost=item.cost,
    )  # fmt: skip
    rental = Rental.objects.create(
        organisation=actor.organisation, item=item, patient_id=note.patient_id,
        location=note.location, started=note.date_of_service, serial_number=serial,
    )  # fmt: skip
    dispense = Dispense.objects.create(
        note=note, item=item, movement=moved[0], quantity=1, billable=True, hcpcs=item.hcpcs,
        modifiers=list(line.modifiers), charge=item.charge, cost=Decimal("0.00"), rental=rental,
        rental_month=1,
    )  # fmt: skip
    StockMovement.objects.filter(pk=moved[0].pk).update(dispense=dispense)
    do_record_audit_event(
        actor, AuditAction.CREATE, "rental", rental.pk, patient_id=note.patient_id
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "dispense", dispense.pk, patient_id=note.patient_id
    )
    return dispense


def month_starts(rental: Rental, month: int) -> dt.date:
    """The day month `month` of a rental begins (month 1 on the day it went out)."""
    starts: dt.date = rental.started + relativedelta(months=month - 1)
    return starts


def _rental_of(actor: Actor, rental: Rental) -> Rental:
    locked = (
        Rental.objects.select_for_update(of=("self",))
        .select_related("item", "location")
        .filter(pk=rental.pk, organisation=actor.organisation)
        .first()
    )
    if locked is None:
        raise InventoryRefused("rental", "No such rental in this clinic.")
    return locked


@transaction.atomic
def do_bill_rental_month(actor: Actor, note: Note, rental: Rental) -> Dispense:
    """Bill the next month of a unit out on rental on one of the patient's visits in or after
    that month: a line of the visit like a dispensed supply (ADR 0821), with RR and, for a
    Medicare patient, the month's modifier; no stock moves."""
    _person(actor, Capability.WRITE_NOTES)
    locked = _draft_note(actor, note)
    row = _rental_of(actor, rental)
    if row.patient_id != locked.patient_id:
        raise InventoryRefused("rental", "The unit is out to another patient.")
    if row.returned is not None:
        raise InventoryRefused(
            "rental", f"The unit came back on {format_date(row.returned)}; nothing more to bill."
        )
    billed = list(row.months.order_by("rental_month"))
    if any(d.note_id == locked.pk for d in billed):
        raise InventoryRefused("rental", "This visit already bills a month of this rental.")
    month = len(billed) + 1
    starts = month_starts(row, month)
    if locked.date_of_service < starts:
        raise InventoryRefused(
            "rental", f"Month {month} of the rental begins {format_date(starts)}; bill it on "
            "a visit from that day.",
        )  # fmt: skip
    line = _month_line(row.item, locked, month)
    dispense = Dispense.objects.create(
        note=locked, item=row.item, movement=None, quantity=1, billable=True,
        hcpcs=row.item.hcpcs, modifiers=list(line.modifiers), charge=row.item.charge,
        cost=Decimal("0.00"), rental=row, rental_month=month,
    )  # fmt: skip
    do_record_audit_event(
        actor, AuditAction.CREATE, "dispense", dispense.pk, patient_id=locked.patient_id
    )
    return dispense


@transaction.atomic
def do_return_rental(actor: Actor, rental: Rental, returned: dt.date) -> StockMovement:
    """The unit is back on the shelf it left; no month after this is billed."""
    user = _person(actor, Capability.MANAGE_INVENTORY)
    row = _rental_of(actor, rental)
    if row.returned is not None:
        raise InventoryRefused("rental", "Already returned.")
    if returned < row.started:
        raise InventoryRefused(
            "returned", f"The unit went out on {format_date(row.started)}; give a later day."
        )
    if returned > timezone.localdate():
        raise InventoryRefused("returned", "Give today or a day before.")
    _locked_bins(row.item, row.location)
    out = StockMovement.objects.filter(dispense__rental=row, kind=MovementKind.RENT_OUT).first()
    back = _move(
        actor, user, row.item, row.location, MovementKind.RENT_BACK, 1,
        lot_id=out.lot_id if out is not None else None, unit_cost=row.item.cost,
    )  # fmt: skip
    row.returned, row.back = returned, back
    row.save(update_fields=["returned", "back"])
    do_record_audit_event(actor, AuditAction.UPDATE, "rental", row.pk, patient_id=row.patient_id)
    return back


@transaction.atomic
def do_take_back(actor: Actor, dispense: Dispense) -> StockMovement | None:
    """Take a dispense back off a draft note: the items return to the shelf they left (None
    for a later month of a rental, which moved no stock: its line goes)."""
    user = _person(actor, Capability.WRITE_NOTES)
    locked = _draft_note(actor, dispense.note)
    row = (
        Dispense.objects.select_for_update(of=("self",))
        .select_related("item", "movement")
        .get(pk=dispense.pk)
    )
    if row.removed_by_id is not None:
        raise InventoryRefused("dispense", "Already taken back off the note.")
    if row.rental_id is not None and (row.rental_month or 1) > 1:
        _unbill_month(actor, locked, row)
        return None
    if row.rental is not None and row.rental.months.filter(rental_month__gt=1).exists():
        raise InventoryRefused(
            "dispense", "Later months of this rental are billed; take those back first."
        )
    assert row.movement is not None  # only a rental's later months move no stock
    location = row.movement.location
    _locked_bins(row.item, location)
    taken = list(row.movements.filter(kind=MovementKind.DISPENSE).order_by("id")) or [row.movement]
    returns = [
        _move(actor, user, row.item, location, MovementKind.RETURN, -m.quantity, note=locked,
              unit_cost=m.unit_cost, lot_id=m.lot_id)
        for m in taken
    ]  # fmt: skip
    back = returns[0]
    row.removed_by = back
    row.save(update_fields=["removed_by"])
    if row.rental_id is not None:  # the unit never left: the rental ends the day it began
        Rental.objects.filter(pk=row.rental_id).update(returned=F("started"), back=back)
    do_record_audit_event(
        actor, AuditAction.DELETE, "dispense", row.pk, patient_id=locked.patient_id
    )
    return back


def _unbill_month(actor: Actor, note: Note, row: Dispense) -> None:
    """A later month of a rental taken off a draft note: the line goes; no stock moved. Only
    the last month billed, so the months stay 1, 2, 3 with no gap."""
    assert row.rental is not None
    if row.rental.months.filter(rental_month__gt=row.rental_month).exists():
        raise InventoryRefused(
            "dispense", "A later month of this rental is billed; take that back first."
        )
    do_record_audit_event(actor, AuditAction.DELETE, "dispense", row.pk, patient_id=note.patient_id)
    row.delete()
