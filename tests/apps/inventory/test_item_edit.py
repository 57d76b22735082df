"""Editing an item: the owner and front desk change its figures through `do_update_item`, the
change is audited with the fields it touched, errors sit at their field, and a new charge never
rewrites a line already dispensed (ADR 0821)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.inventory.actions import (
    ItemInput,
    do_dispense,
    do_receive_stock,
    do_update_item,
)
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.models import Dispense, Item
from cleannote.apps.notes.actions import do_start_note
from tests.apps.inventory.conftest import Shelf
from tests.personas import TODAY, client_for

pytestmark = pytest.mark.django_db


def _input(item: Item, **changes: object) -> ItemInput:
    values: dict[str, object] = {
        "name": item.name, "kind": item.kind, "hcpcs": item.hcpcs, "billable": item.billable,
        "purchase_mode": item.purchase_mode, "cost": item.cost, "charge": item.charge,
        "reorder_level": item.reorder_level, "reorder_quantity": item.reorder_quantity,
        "supplier": item.supplier,
    }  # fmt: skip
    values.update(changes)
    return ItemInput(**values)  # type: ignore[arg-type]


def test_a_new_charge_bills_from_now_on_and_is_audited(shelf: Shelf):
    clinic = shelf.clinic
    note = do_start_note(
        shelf.therapist, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    before = do_dispense(shelf.therapist, note, shelf.electrodes, 2)
    # when the front desk raises the charge and the reorder level
    item = do_update_item(
        shelf.desk, shelf.electrodes, _input(shelf.electrodes, charge=Decimal("14.50"),
                                             reorder_level=8),
    )  # fmt: skip
    # then the item has the new figures, the line already dispensed keeps 2 × 12.00
    assert (item.charge, item.reorder_level) == (Decimal("14.50"), 8)
    assert Dispense.objects.get(pk=before.pk).charge == Decimal("24.00")
    after = do_dispense(shelf.therapist, note, shelf.electrodes, 1)
    assert after.charge == Decimal("14.50")
    # and one audit row names the fields changed, none of their values
    event = AuditEvent.objects.filter(object_type="inventory_item", action=AuditAction.UPDATE).get()
    assert event.object_id == str(item.pk)
    assert event.reason == "changed charge, reorder level"
    # an edit that changes nothing writes nothing
    do_update_item(shelf.desk, item, _input(item))
    assert (
        AuditEvent.objects.filter(object_type="inventory_item", action=AuditAction.UPDATE).count()
        == 1
    )


@pytest.mark.parametrize(
    ("_case", "changes", "field"),
    [
        ("bad HCPCS", {"hcpcs": "12AB"}, "hcpcs"),
        ("billable code outside the table", {"hcpcs": "A4660"}, "hcpcs"),
        ("empty name", {"name": "  "}, "name"),
        ("name of another item", {"name": "Kinesiology tape roll"}, "name"),
        ("rental of a supply", {"purchase_mode": "rental"}, "purchase_mode"),
        ("billable without charge", {"charge": Decimal("0")}, "charge"),
        ("part cents", {"cost": Decimal("3.105")}, "cost"),
    ],
)
def test_edits_are_refused_at_their_field(shelf: Shelf, _case: str, changes: dict, field: str):
    with pytest.raises(InventoryRefused) as refused:
        do_update_item(shelf.desk, shelf.electrodes, _input(shelf.electrodes, **changes))
    assert refused.value.field == field


def test_a_therapist_may_not_edit_items(shelf: Shelf):
    with pytest.raises(InventoryRefused) as refused:
        do_update_item(shelf.therapist, shelf.tens, _input(shelf.tens, charge=Decimal("1.00")))
    assert refused.value.field == "actor"
    client = client_for(shelf.clinic.therapist)
    assert client.get(reverse("inventory:edit_item", args=[shelf.tens.pk])).status_code == 403


def test_edit_page_saves_and_shows_errors_at_the_field(shelf: Shelf):
    client = client_for(shelf.clinic.owner)
    url = reverse("inventory:edit_item", args=[shelf.tens.pk])
    page = client.get(url).content.decode()
    assert 'value="E0730"' in page
    assert 'value="95.00"' in page
    form = {
        "name": "TENS unit, 4 lead", "kind": "dme", "hcpcs": "E073", "billable": "on",
        "purchase_mode": "rental", "cost": "38.00", "charge": "60.00", "reorder_level": "1",
        "reorder_quantity": "2", "supplier": "",
    }  # fmt: skip
    bad = client.post(url, form)
    assert bad.status_code == 400
    assert 'id="id_hcpcs_error"' in bad.content.decode()
    done = client.post(url, {**form, "hcpcs": "e0730"})
    assert done.status_code == 302
    tens = Item.objects.get(pk=shelf.tens.pk)
    assert (tens.hcpcs, tens.purchase_mode, tens.charge) == ("E0730", "rental", Decimal("60.00"))
    detail = client.get(reverse("inventory:item", args=[tens.pk])).content.decode()
    assert reverse("inventory:edit_item", args=[tens.pk]) in detail


def test_movement_times_read_in_the_clinics_zone(shelf: Shelf, settings):
    # given a receipt at 03:30 UTC, the evening before in New York
    settings.TIME_ZONE = "America/New_York"
    do_receive_stock(
        shelf.desk, shelf.tape, shelf.annex, 4, at=dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)
    )
    page = client_for(shelf.clinic.owner).get(reverse("inventory:item", args=[shelf.tape.pk]))
    body = page.content.decode()
    # then the movement table shows the clinic's day and time, not the server's
    assert "2026-03-01 10:30" in body
    assert "2026-03-02 03:30" not in body
