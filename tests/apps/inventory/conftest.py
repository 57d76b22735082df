"""Stock on the Riverside clinic (tests/personas.py): a second location, the owner and the
front desk moving stock, the therapist dispensing from the draft note."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.inventory.actions import ItemInput, do_create_item, do_receive_stock
from cleannote.apps.inventory.models import Item
from cleannote.apps.organisations.actions import do_create_location
from cleannote.apps.organisations.models import Location
from tests.personas import Clinic


@dataclass
class Shelf:
    clinic: Clinic
    desk: Actor
    therapist: Actor
    annex: Location
    electrodes: Item  # billable supply A4556, $12 a pair, cost $3.10
    tens: Item  # billable DME E0730, bought (NU), $95, cost $38
    tape: Item  # not billable, cost $4.25 a roll


def make_item(actor: Actor, name: str, **changes: object) -> Item:
    values: dict[str, object] = {
        "name": name, "kind": "supply", "hcpcs": "", "billable": False, "purchase_mode": "",
        "cost": Decimal("1.00"), "charge": Decimal("0"), "reorder_level": 2,
        "reorder_quantity": 10,
    }  # fmt: skip
    values.update(changes)
    return do_create_item(actor, ItemInput(**values))  # type: ignore[arg-type]


@pytest.fixture
def shelf(clinic: Clinic) -> Shelf:
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    annex = do_create_location(
        clinic.organisation, name="Annex", address_line1="9 Oak St", city="Springfield",
        state="IL", zip="62702",
    )  # fmt: skip
    electrodes = make_item(
        desk, "Electrodes 2x2 (pair)", hcpcs="A4556", billable=True,
        cost=Decimal("3.10"), charge=Decimal("12.00"), reorder_level=5,
    )  # fmt: skip
    tens = make_item(
        desk, "TENS unit, 4 lead", kind="dme", hcpcs="E0730", billable=True,
        purchase_mode="purchase", cost=Decimal("38.00"), charge=Decimal("95.00"),
        reorder_level=1,
    )  # fmt: skip
    tape = make_item(desk, "Kinesiology tape roll", hcpcs="A4450", cost=Decimal("4.25"))
    for item, count in ((electrodes, 20), (tens, 3), (tape, 6)):
        do_receive_stock(desk, item, clinic.location, count, supplier="Medline", reference="PS-1")
    return Shelf(clinic, desk, therapist, annex, electrodes, tens, tape)
