"""The inventory forms: an item, a receipt, a transfer, a count, and a dispense from a note."""

from __future__ import annotations

from typing import Any

from django import forms

from cleannote.apps.inventory.models import Item, ItemKind, PurchaseMode
from cleannote.apps.organisations.models import Location, Organisation


def _money(label: str, example: str, help_text: str = "", required: bool = True) -> Any:
    return forms.DecimalField(
        label=label, help_text=help_text, max_digits=10, decimal_places=2, min_value=0,
        required=required, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                         "placeholder": f"e.g. {example}"}),
    )  # fmt: skip


def _count(label: str, example: str, minimum: int = 1, help_text: str = "") -> Any:
    return forms.IntegerField(
        label=label, min_value=minimum, max_value=10_000, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": f"e.g. {example}"}),
    )  # fmt: skip


def _text(label: str, example: str, max_length: int, required: bool = False, **kw: Any) -> Any:
    return forms.CharField(
        label=label, max_length=max_length, required=required,
        widget=forms.TextInput(attrs={"placeholder": f"e.g. {example}"}), **kw,
    )  # fmt: skip


class _OrganisationForm(forms.Form):
    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = Location.objects.filter(organisation=organisation).order_by("name", "id")
        stocked = Item.objects.filter(organisation=organisation, active=True).order_by("name")
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = stocked if name == "item" else places


class ItemForm(forms.Form):
    name = _text("Name", "Electrodes 2x2 in, pair", 80, required=True)
    kind = forms.ChoiceField(label="Kind", choices=ItemKind.choices, initial=ItemKind.SUPPLY)
    hcpcs = _text("HCPCS code", "A4556", 5, help_text="Needed when the item is billed.")
    billable = forms.BooleanField(
        label="Billed to the payer", required=False,
        help_text="Unticked: the item's cost is charged to the visit, not billed.",
    )  # fmt: skip
    purchase_mode = forms.ChoiceField(
        label="Purchase or rental", choices=PurchaseMode.choices, required=False,
        help_text="Durable medical equipment only: NU when bought, RR when rented.",
    )  # fmt: skip
    cost = _money("Cost to the clinic ($)", "3.10")
    charge = _money("Charge to the payer ($)", "12.00", "Per item, when billed.", required=False)
    reorder_level = _count("Reorder at", "5", 0, "Listed as low stock at or below this.")
    reorder_quantity = _count("Usual order", "20", 0)
    supplier = _text("Supplier", "Medline", 80)
    serialised = forms.BooleanField(
        label="Tracked by serial number", required=False,
        help_text="Durable equipment only: a unit lent on rental records its serial number.",
    )  # fmt: skip


def _lot(help_text: str) -> Any:
    return _text("Lot", "L24117", 40, help_text=help_text)


class ReceiveForm(_OrganisationForm):
    item = forms.ModelChoiceField(label="Item", queryset=Item.objects.none())
    location = forms.ModelChoiceField(label="Received at", queryset=Location.objects.none())
    quantity = _count("Quantity", "20")
    supplier = _text("Supplier", "Medline", 80)
    reference = _text("Packing slip or invoice", "INV-20931", 60)
    unit_cost = _money("Cost each ($)", "3.10", "Leave empty for the item's cost.", False)
    lot = _lot("As printed on the box; leave empty for an item kept without lots.")
    expires = forms.DateField(
        label="Good through", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The expiry date printed beside the lot number.",
    )  # fmt: skip


class TransferForm(_OrganisationForm):
    item = forms.ModelChoiceField(label="Item", queryset=Item.objects.none())
    source = forms.ModelChoiceField(label="From", queryset=Location.objects.none())
    destination = forms.ModelChoiceField(label="To", queryset=Location.objects.none())
    quantity = _count("Quantity", "5")
    reason = _text("Why", "the annex ran short", 200)
    lot = _lot("Leave empty to send the first to expire.")


class CountForm(_OrganisationForm):
    item = forms.ModelChoiceField(label="Item", queryset=Item.objects.none())
    location = forms.ModelChoiceField(label="Counted at", queryset=Location.objects.none())
    counted = _count("Counted on the shelf", "12", 0)
    reason = _text("Why it differs", "two pairs found torn", 200, required=True)
    lot = _lot("The lot counted; leave empty for stock kept without a lot.")


class DispenseForm(_OrganisationForm):
    item = forms.ModelChoiceField(label="Item", queryset=Item.objects.none())
    quantity = _count("Quantity", "1")
    lot = _lot("Leave empty to take the first to expire.")
    serial_number = _text(
        "Serial number", "TX4-20931", 40,
        help_text="A rented unit of an item tracked by serial number: as printed on its label.",
    )  # fmt: skip

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(organisation, *args, **kwargs)
        self.fields["quantity"].initial = 1
