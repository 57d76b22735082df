"""Rentals: a rental item dispensed on a note lends one unit and bills month 1 there; each later
month is billed on a visit in that month with RR and, for a Medicare patient, KH / KI; a TENS
rental stops at Medicare's two-month trial; the unit comes back to the shelf (ADR 0823)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.inventory.actions import (
    do_bill_rental_month,
    do_dispense,
    do_receive_stock,
    do_return_rental,
    do_take_back,
)
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.models import Dispense, Item, MovementKind, Rental
from cleannote.apps.inventory.selectors import on_hand, rentals_out
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.patients.models import Coverage
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)
from tests.apps.inventory.conftest import Shelf, make_item
from tests.personas import TODAY, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tens(shelf: Shelf):
    item = make_item(
        shelf.desk, "TENS unit, 2 lead (rental)", kind="dme", hcpcs="E0720", billable=True,
        purchase_mode="rental", cost=Decimal("30.00"), charge=Decimal("60.00"), reorder_level=0,
    )  # fmt: skip
    do_receive_stock(shelf.desk, item, shelf.clinic.location, 2)
    return item


def _draft(shelf: Shelf, day: dt.date):
    clinic = shelf.clinic
    return do_start_note(
        shelf.therapist, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=day,
    )  # fmt: skip


def test_a_rental_lends_one_unit_and_bills_month_one_with_kh(shelf: Shelf, tens):
    note = _draft(shelf, TODAY - dt.timedelta(days=2))
    given = do_dispense(shelf.therapist, note, tens, 1)
    # then month 1 is a line of the visit: E0720-RR-KH at the monthly charge
    assert (given.hcpcs, given.modifiers, given.charge) == ("E0720", ["RR", "KH"], Decimal("60.00"))
    assert given.rental_month == 1
    # and one unit left the shelf, out to the patient
    assert on_hand(tens, shelf.clinic.location) == 1
    assert given.movement.kind == MovementKind.RENT_OUT
    out = rentals_out(shelf.clinic.organisation)
    assert [(r.item_id, r.patient_id, r.started, r.billed) for r in out] == [
        (tens.pk, shelf.clinic.patient.pk, note.date_of_service, 1)
    ]
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(shelf.therapist, note, tens, 2)
    assert refused.value.field == "quantity"


@pytest.mark.parametrize(
    ("serial", "field", "said"),
    [
        ("", "serial_number", "tracked by serial number"),
        ("TX4 20931", "serial_number", "as printed on the unit"),
        ("x" * 41, "serial_number", "at most 40 characters"),
    ],
)
def test_a_serialised_unit_is_lent_only_with_its_serial_number(
    shelf: Shelf, tens, serial: str, field: str, said: str
):
    Item.objects.filter(pk=tens.pk).update(serialised=True)
    tens.refresh_from_db()
    note = _draft(shelf, TODAY - dt.timedelta(days=2))
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(shelf.therapist, note, tens, 1, serial_number=serial)
    assert (refused.value.field, said in refused.value.message) == (field, True)
    assert not Rental.objects.exists()
    assert on_hand(tens, shelf.clinic.location) == 2  # nothing left the shelf


def test_the_serial_number_is_on_the_rental_and_its_page(shelf: Shelf, tens):
    Item.objects.filter(pk=tens.pk).update(serialised=True)
    tens.refresh_from_db()
    do_dispense(
        shelf.therapist, _draft(shelf, TODAY - dt.timedelta(days=2)), tens, 1,
        serial_number=" tx4-20931 ",
    )  # fmt: skip
    rental = Rental.objects.get()
    assert rental.serial_number == "TX4-20931"
    page = client_for(shelf.clinic.front_desk).get(reverse("inventory:rentals")).content.decode()
    assert "serial TX4-20931" in page
    # the same unit cannot go out twice while it is out
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(
            shelf.therapist, _draft(shelf, TODAY - dt.timedelta(days=1)), tens, 1,
            serial_number="TX4-20931",
        )  # fmt: skip
    assert "out on rental already" in refused.value.message
    # from the note's panel, the error is shown beside the serial number field
    client = client_for(shelf.clinic.therapist)
    note = _draft(shelf, TODAY)
    panel = client.post(
        reverse("inventory:note_supplies", args=[note.pk]),
        {"item": tens.pk, "quantity": 1, "serial_number": ""},
        HTTP_HX_REQUEST="1",
    ).content.decode()
    assert 'id="supply-serial-error"' in panel
    assert "tracked by serial number" in panel


def test_a_serial_number_belongs_to_a_rental_only(shelf: Shelf, tens):
    electrodes = make_item(shelf.desk, "Electrodes 2x2 in, pair")
    do_receive_stock(shelf.desk, electrodes, shelf.clinic.location, 5)
    note = _draft(shelf, TODAY - dt.timedelta(days=2))
    with pytest.raises(InventoryRefused) as refused:
        do_dispense(shelf.therapist, note, electrodes, 1, serial_number="A1")
    assert refused.value.field == "serial_number"
    with pytest.raises(InventoryRefused) as refused:
        make_item(shelf.desk, "Tape roll", serialised=True)
    assert refused.value.field == "serialised"
    # an item not tracked by serial number lends without one
    assert do_dispense(shelf.therapist, note, tens, 1).rental.serial_number == ""


def test_later_months_ki_then_medicare_trial_ends(shelf: Shelf, tens):
    first = _draft(shelf, TODAY - dt.timedelta(days=2))
    do_dispense(shelf.therapist, first, tens, 1)
    rental = Rental.objects.get()
    # month 2 begins a month after the unit went out: not on a visit before that
    with pytest.raises(InventoryRefused) as refused:
        do_bill_rental_month(shelf.therapist, _draft(shelf, TODAY - dt.timedelta(days=1)), rental)
    assert "Month 2 of the rental begins" in refused.value.message
    # given the unit went out 40 days ago
    Rental.objects.filter(pk=rental.pk).update(started=TODAY - dt.timedelta(days=40))
    second = _draft(shelf, TODAY)
    month2 = do_bill_rental_month(shelf.therapist, second, rental)
    assert (month2.modifiers, month2.rental_month, month2.movement) == (["RR", "KI"], 2, None)
    assert on_hand(tens, shelf.clinic.location) == 1  # a month bills; no stock moves
    with pytest.raises(InventoryRefused):
        do_bill_rental_month(shelf.therapist, second, rental)  # one month per visit
    # month 3 of a TENS: Medicare's trial is two months at most
    Rental.objects.filter(pk=rental.pk).update(started=TODAY - dt.timedelta(days=70))
    third = _draft(shelf, TODAY - dt.timedelta(days=1))
    with pytest.raises(InventoryRefused) as refused:
        do_bill_rental_month(shelf.therapist, third, rental)
    assert refused.value.field == "rental"
    assert "2 months at most" in refused.value.message
    # month 1 cannot be taken back while month 2 is billed; month 2 can
    with pytest.raises(InventoryRefused):
        do_take_back(shelf.therapist, Dispense.objects.get(rental_month=1))
    assert do_take_back(shelf.therapist, month2) is None
    assert not Dispense.objects.filter(pk=month2.pk).exists()


def test_another_payer_gets_rr_alone(shelf: Shelf, tens):
    Coverage.objects.filter(patient=shelf.clinic.patient).update(kind="commercial")
    given = do_dispense(shelf.therapist, _draft(shelf, TODAY - dt.timedelta(days=2)), tens, 1)
    assert given.modifiers == ["RR"]


def test_the_return_puts_the_unit_back_and_ends_billing(shelf: Shelf, tens):
    note = _draft(shelf, TODAY - dt.timedelta(days=2))
    do_dispense(shelf.therapist, note, tens, 1)
    rental = Rental.objects.get()
    client = client_for(shelf.clinic.front_desk)
    page = client.get(reverse("inventory:rentals")).content.decode()
    assert f'data-rental="{rental.pk}"' in page
    assert "TENS unit, 2 lead (rental)" in page
    with pytest.raises(InventoryRefused) as refused:
        do_return_rental(shelf.desk, rental, TODAY - dt.timedelta(days=5))
    assert refused.value.field == "returned"
    done = client.post(
        reverse("inventory:return_rental", args=[rental.pk]), {"returned": TODAY.isoformat()}
    )
    assert done.status_code == 302
    assert on_hand(tens, shelf.clinic.location) == 2
    assert rentals_out(shelf.clinic.organisation) == []
    with pytest.raises(InventoryRefused) as refused:
        do_bill_rental_month(shelf.therapist, _draft(shelf, TODAY), rental)
    assert "came back" in refused.value.message


def test_the_note_panel_offers_the_months_due(shelf: Shelf, tens):
    do_dispense(shelf.therapist, _draft(shelf, TODAY - dt.timedelta(days=2)), tens, 1)
    rental = Rental.objects.get()
    Rental.objects.filter(pk=rental.pk).update(started=TODAY - dt.timedelta(days=40))
    note = _draft(shelf, TODAY)
    client = client_for(shelf.clinic.therapist)
    panel = client.get(reverse("inventory:note_supplies", args=[note.pk])).content.decode()
    assert f'id="bill-rental-{rental.pk}"' in panel
    assert "Bill month 2 on this visit" in panel
    billed = client.post(
        reverse("inventory:bill_rental", args=[note.pk, rental.pk]), HTTP_HX_REQUEST="1"
    ).content.decode()
    assert "E0720-RR-KI" in billed
    assert "rental month 2" in billed


def test_the_claim_carries_the_rental_line(billing: Billing, shelf: Shelf, tens):  # noqa: F811
    # given a Medicare visit that lent the patient a TENS, signed
    clinic = billing.clinic
    draft = _draft(shelf, TODAY - dt.timedelta(days=1))
    do_add_treatment_block(
        shelf.therapist, draft, code="97110", minutes=38, body_regions=["lumbar"],
        goals=[clinic.plan.goals.get()], justification="core strength for walking tolerance",
    )  # fmt: skip
    do_dispense(shelf.therapist, draft, tens, 1)
    signed = do_sign_note(shelf.therapist, draft, clinic.therapist)
    # when the biller makes its claim, through the scrubber
    claim = do_create_claim_from_note(billing.actor, signed)
    # then month 1 is its line: E0720-RR-KH at the monthly charge
    lines = {line.code: line for line in claim.lines.all()}
    assert lines["E0720"].modifiers == ["RR", "KH"]
    assert lines["E0720"].charge == Decimal("60.00")
    assert lines["E0720"].units == 1
