"""Supplies on the shelf: items, the stock ledger per location, and what a note dispensed.

Stock is never a number edited in place: every receipt, transfer, count and dispense is one
`StockMovement` row and the quantity on hand at a location is their sum. `StockBin` is the row
the actions lock for an item at a location, so two dispenses of the last box cannot both pass
the on-hand check (ADR 0820).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from cleannote.rules.supplies import DmeMode, SupplyKind


class ItemKind(models.TextChoices):
    SUPPLY = SupplyKind.SUPPLY.value, "Supply (used up)"
    DME = SupplyKind.DME.value, "Durable medical equipment"
    ORTHOTIC = SupplyKind.ORTHOTIC.value, "Brace or splint"


class PurchaseMode(models.TextChoices):
    NONE = "", "—"
    PURCHASE = DmeMode.PURCHASE.value, "Purchase (NU)"
    RENTAL = DmeMode.RENTAL.value, "Rental (RR)"


MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Item(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="inventory_items"
    )
    name = models.CharField(max_length=80)
    hcpcs = models.CharField("HCPCS code", max_length=5, blank=True)
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.SUPPLY)
    billable = models.BooleanField(default=False)
    purchase_mode = models.CharField(
        max_length=10, choices=PurchaseMode.choices, blank=True, default=""
    )
    cost = models.DecimalField(**MONEY)  # type: ignore[arg-type]
    charge = models.DecimalField(**MONEY, default=Decimal("0"))  # type: ignore[arg-type]
    reorder_level = models.PositiveIntegerField(default=0)
    reorder_quantity = models.PositiveIntegerField(default=0)
    supplier = models.CharField(max_length=80, blank=True)
    active = models.BooleanField(default=True)
    # Each unit carries a serial number, recorded on the rental when one is lent (ADR 0823).
    serialised = models.BooleanField("tracked by serial number", default=False)

    class Meta:
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(fields=("organisation", "name"), name="inventory_item_name"),
            models.CheckConstraint(
                condition=Q(billable=False) | ~Q(hcpcs=""), name="inventory_billable_has_hcpcs"
            ),
            models.CheckConstraint(
                condition=Q(purchase_mode="") | Q(kind=ItemKind.DME),
                name="inventory_purchase_mode_only_dme",
            ),
        )

    def __str__(self) -> str:
        return self.name


class StockBin(models.Model):
    """An item at a location: the row locked while its stock moves (no quantity here)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bins")
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="stock_bins"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("item", "location"), name="inventory_bin_once"),
        )


class Lot(models.Model):
    """A lot of an item as printed on the box: its number and the date it is good through."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(max_length=40)
    expires = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("expires", "id")
        constraints = (
            models.UniqueConstraint(fields=("item", "number"), name="inventory_lot_once"),
        )

    def __str__(self) -> str:
        return self.number


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Received from a supplier"
    TRANSFER_OUT = "transfer_out", "Sent to another location"
    TRANSFER_IN = "transfer_in", "Received from another location"
    COUNT = "count", "Count adjustment"
    DISPENSE = "dispense", "Dispensed to a patient"
    RETURN = "return", "Taken back off a note"
    RENT_OUT = "rent_out", "Lent to a patient (rental)"
    RENT_BACK = "rent_back", "Rental unit returned"


class StockMovement(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="stock_movements"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="stock_movements"
    )
    kind = models.CharField(max_length=15, choices=MovementKind.choices)
    quantity = models.IntegerField()  # signed: in > 0, out < 0
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    supplier = models.CharField(max_length=80, blank=True)
    reference = models.CharField(max_length=60, blank=True)  # packing slip, invoice
    reason = models.CharField(max_length=200, blank=True)
    other_location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    note = models.ForeignKey(
        "notes.Note", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )  # None: stock kept without a lot
    dispense = models.ForeignKey(
        "Dispense", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )  # a dispense's movements, one per lot it took from (ADR 0822)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=("item", "location"), name="inventory_move_bin"),)
        constraints = (
            models.CheckConstraint(condition=~Q(quantity=0), name="inventory_move_nonzero"),
            models.CheckConstraint(
                condition=~Q(kind__in=("receipt", "transfer_in", "return", "rent_back"))
                | Q(quantity__gt=0),
                name="inventory_move_in_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=("transfer_out", "dispense", "rent_out")) | Q(quantity__lt=0),
                name="inventory_move_out_negative",
            ),
        )

    @property
    def size(self) -> int:
        """How many moved, in or out."""
        return abs(self.quantity)


class Rental(models.Model):
    """A durable-equipment unit lent to a patient: out at a visit, billed month by month on the
    patient's visits with RR (and Medicare's month modifier), until it comes back (ADR 0823)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="rentals")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="+"
    )
    started = models.DateField()  # month 1 begins; month n begins n - 1 calendar months later
    serial_number = models.CharField(max_length=40, blank=True)  # the unit lent, when tracked
    returned = models.DateField(null=True, blank=True)
    back = models.OneToOneField(
        StockMovement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-started", "-id")
        indexes = (models.Index(fields=("organisation", "returned"), name="inventory_rental_out"),)


class Dispense(models.Model):
    """An item given to the patient at a visit, with what it bills or costs as it stood then."""

    note = models.ForeignKey("notes.Note", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="dispenses")
    movement = models.OneToOneField(
        StockMovement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # None: a later month of a rental, which moves no stock
    rental = models.ForeignKey(
        Rental, on_delete=models.PROTECT, null=True, blank=True, related_name="months"
    )
    rental_month = models.PositiveSmallIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    billable = models.BooleanField()
    hcpcs = models.CharField(max_length=5, blank=True)
    modifiers = models.JSONField(default=list, blank=True)
    charge = models.DecimalField(max_digits=10, decimal_places=2)  # the line: per item × quantity
    cost = models.DecimalField(max_digits=10, decimal_places=2)  # per item × quantity
    removed_by = models.ForeignKey(
        StockMovement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # the return movement when taken back off a draft note

    class Meta:
        ordering = ("id",)
        constraints = (
            models.CheckConstraint(condition=Q(quantity__gte=1), name="inventory_dispense_qty"),
        )
