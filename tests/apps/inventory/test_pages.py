"""The inventory pages: who sees them, the forms' errors per field, the low-stock list's way
forward, and the note's supplies panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cleannote.apps.inventory.actions import do_receive_stock
from cleannote.apps.inventory.models import StockMovement
from cleannote.apps.inventory.selectors import on_hand
from cleannote.apps.organisations.actions import do_create_location, do_create_staff
from cleannote.apps.organisations.models import Role
from tests.apps.inventory.conftest import Shelf, make_item
from tests.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("front_desk", 200), ("therapist", 403), ("biller", 403)]
)
def test_who_sees_the_inventory(shelf: Shelf, who: str, status: int):
    client = client_for(getattr(shelf.clinic, who))
    for name in ("items", "low", "receive", "transfer", "count", "new_item"):
        assert client.get(reverse(f"inventory:{name}")).status_code == status, name
    home = client.get(reverse("home")).content.decode()
    assert (reverse("inventory:items") in home) is (status == 200)


def test_pages_show_stock_and_the_low_list_prefills_the_receipt(shelf: Shelf):
    client = client_for(shelf.clinic.front_desk)
    items = client.get(reverse("inventory:items")).content.decode()
    assert "Electrodes 2x2 (pair)" in items
    assert "Annex" in items
    low = client.get(reverse("inventory:low")).content.decode()
    link = (
        f"{reverse('inventory:receive')}?item={shelf.electrodes.pk}&amp;"
        f"location={shelf.annex.pk}&amp;quantity=10&amp;supplier="
    )
    assert link in low
    form = client.get(
        f"{reverse('inventory:receive')}?item={shelf.electrodes.pk}&location={shelf.annex.pk}"
        "&quantity=10&supplier=Medline"
    ).content.decode()
    assert f'<option value="{shelf.electrodes.pk}" selected>' in form
    assert 'value="10"' in form
    assert 'value="Medline"' in form
    detail = client.get(reverse("inventory:item", args=[shelf.electrodes.pk])).content.decode()
    assert "Received from a supplier" in detail
    assert "PS-1" in detail


def test_forms_put_each_error_at_its_field(shelf: Shelf):
    client = client_for(shelf.clinic.front_desk)
    # a transfer of more than the shelf holds: the refusal is at the quantity
    page = client.post(
        reverse("inventory:transfer"),
        {"item": shelf.tens.pk, "source": shelf.clinic.location.pk,
         "destination": shelf.annex.pk, "quantity": "9", "reason": ""},
    )  # fmt: skip
    assert page.status_code == 400
    assert 'id="id_quantity_error"' in page.content.decode()
    assert "Only 3 TENS unit, 4 lead on hand" in page.content.decode()
    # a count without a reason, and a hostile quantity, are refused at their fields
    page = client.post(
        reverse("inventory:count"),
        {"item": shelf.tens.pk, "location": shelf.annex.pk, "counted": "1e9", "reason": ""},
    )
    body = page.content.decode()
    assert page.status_code == 400
    assert 'id="id_counted_error"' in body
    assert 'id="id_reason_error"' in body
    # a good receipt lands on the item page
    done = client.post(
        reverse("inventory:receive"),
        {"item": shelf.tens.pk, "location": shelf.annex.pk, "quantity": "2",
         "supplier": "", "reference": "INV-7", "unit_cost": ""},
    )  # fmt: skip
    assert done.status_code == 302
    assert on_hand(shelf.tens, shelf.annex) == 2


def test_a_new_billable_item_needs_a_known_code(shelf: Shelf):
    client = client_for(shelf.clinic.owner)
    page = client.post(
        reverse("inventory:new_item"),
        {"name": "Mystery gadget", "kind": "supply", "hcpcs": "A9999", "billable": "on",
         "purchase_mode": "", "cost": "1.00", "charge": "2.00", "reorder_level": "1",
         "reorder_quantity": "5", "supplier": ""},
    )  # fmt: skip
    assert page.status_code == 400
    assert 'id="id_hcpcs_error"' in page.content.decode()


def test_the_note_panel_dispenses_and_takes_back(shelf: Shelf):
    note = shelf.clinic.draft_note
    client = client_for(shelf.clinic.therapist)
    url = reverse("inventory:note_supplies", args=[note.pk])
    # the panel answers htmx with itself, the dispensed line and the visit's cost
    page = client.post(url, {"item": shelf.tens.pk, "quantity": "1"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert page.status_code == 200
    assert "E0730-NU × 1" in body
    page = client.post(url, {"item": shelf.tape.pk, "quantity": "2"}, HTTP_HX_REQUEST="true")
    assert 'id="visit-cost">$8.50' in page.content.decode()
    # too many: the error is at the quantity and nothing moves
    before = StockMovement.objects.count()
    page = client.post(url, {"item": shelf.tens.pk, "quantity": "5"}, HTTP_HX_REQUEST="true")
    assert "supply-quantity-error" in page.content.decode()
    assert StockMovement.objects.count() == before
    # the front desk cannot dispense; another clinician cannot either
    assert client_for(shelf.clinic.front_desk).post(url, {"item": shelf.tape.pk}).status_code == 403
    # the editor carries the panel
    editor = client.get(reverse("notes:edit", args=[note.pk])).content.decode()
    assert 'id="dispense-form"' in editor
    assert url in editor


def test_a_location_manager_opens_the_supplies_of_their_locations(shelf: Shelf):
    # given Mia, who manages the annex and a north site, and a hot pack low at the main one
    organisation = shelf.clinic.organisation
    north = do_create_location(
        organisation, name="North", address_line1="1 North St", city="Springfield",
        state="IL", zip="62702",
    )  # fmt: skip
    mia = do_create_staff(
        organisation, username="mia", password=None, first_name="Mia", last_name="Demo",
        role=Role.MANAGER, managed_locations=[shelf.annex, north],
    )  # fmt: skip
    packs = make_item(shelf.desk, "Hot pack", reorder_level=2)
    do_receive_stock(shelf.desk, packs, shelf.clinic.location, 1, supplier="Medline")
    main = shelf.clinic.location.name
    manager = client_for(mia)
    # when she opens the items, then the columns are her locations'
    items = manager.get(reverse("inventory:items")).content.decode()
    assert '<th scope="col">Annex</th>' in items
    assert '<th scope="col">North</th>' in items
    assert f'<th scope="col">{main}</th>' not in items
    assert "All of mine" in items
    # and the low list is theirs: the annex's empty shelves, not the main site's hot pack
    low = manager.get(reverse("inventory:low")).content.decode()
    assert f"location={shelf.annex.pk}&amp;" in low
    at_main = f"location={shelf.clinic.location.pk}&amp;"
    assert at_main not in low
    assert (
        at_main
        in client_for(shelf.clinic.front_desk).get(reverse("inventory:low")).content.decode()
    )
    # she switches to the other of hers (remembered), and one she does not manage is refused
    north_only = manager.get(reverse("inventory:low"), {"location": north.pk}).content.decode()
    assert f"location={shelf.annex.pk}&amp;" not in north_only
    items = manager.get(reverse("inventory:items")).content.decode()
    assert '<th scope="col">Annex</th>' not in items
    refused = manager.get(reverse("inventory:items"), {"location": shelf.clinic.location.pk})
    assert refused.status_code == 400
