"""The demo's supplies: items on the shelves of both locations, receipts from the supplier, a
transfer and a count, a dispense on a draft note, and two items low (ADRs 0820, 0821).

Everything goes through the actions the front desk and the therapist use. The front desk adds
the items and receives stock; a therapist gives a patient kinesiology tape (not billed: costed
to the visit) on a draft note. In demos of `demo_money.MIN_PATIENTS` or more the same note also
dispenses a bought TENS unit (E0730-NU); it stays a draft, so the claims the small demos pin in
tests/e2e/test_month.py are the same either way. The same draft lends the patient a heat pad
(a unit out on rental, month 1 on the note; ADR 0823), and the main clinic's electrodes came in
two lots, one good for 18 more days (the expiring list; ADR 0822).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.inventory.actions import (
    ItemInput,
    do_create_item,
    do_dispense,
    do_receive_stock,
    do_record_count,
    do_transfer_stock,
)
from cleannote.apps.inventory.models import Dispense
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Location
from cleannote.web.demo_money import MIN_PATIENTS

SUPPLIER = "Medline (demo)"
# name, kind, HCPCS, billable, purchase mode, cost, charge, reorder at, usual order,
# received at the main clinic, at Eastside
_ITEMS = (
    ("Electrodes 2x2 in (pair)", "supply", "A4556", True, "", "3.10", "12.00", 10, 40, 60, 30),
    ("TENS unit, 4 lead", "dme", "E0730", True, "purchase", "38.00", "95.00", 1, 4, 4, 2),
    ("Knee brace, hinged", "orthotic", "L1832", True, "", "62.00", "185.00", 2, 4, 2, 3),
    ("Kinesiology tape roll", "supply", "A4450", False, "", "4.25", "0", 6, 24, 24, 12),
    ("Cold pack, reusable", "supply", "A9273", False, "", "2.80", "0", 5, 20, 20, 8),
    ("Electric heat pad", "dme", "E0210", True, "rental", "21.00", "35.00", 1, 2, 3, 2),
)


# HCPCS code → (lot, good for days from today, quantity) received at the main clinic; the
# quantities add up to the item's row above.
_LOTS = {"A4556": (("EL-2411", 18, 20), ("EL-2506", 200, 40))}


def load_demo_inventory(
    front_desk: Actor, locations: tuple[Location, Location], patients: int
) -> list[Dispense]:
    """Stock both locations; returns the dispenses made on a demo note."""
    main, eastside = locations
    items = {}
    for name, kind, code, billable, mode, cost, charge, level, usual, at_main, at_east in _ITEMS:
        item = do_create_item(
            front_desk,
            ItemInput(
                name=name, kind=kind, hcpcs=code, billable=billable, purchase_mode=mode,
                cost=Decimal(cost), charge=Decimal(charge), reorder_level=level,
                reorder_quantity=usual, supplier=SUPPLIER,
            ),
        )  # fmt: skip
        items[code] = item
        if code in _LOTS:  # the main clinic's electrodes come in two lots, one expiring soon
            for number, days, count in _LOTS[code]:
                do_receive_stock(
                    front_desk, item, main, count, reference="INV-D1001", lot_number=number,
                    expires=timezone.localdate() + dt.timedelta(days=days),
                )  # fmt: skip
        else:
            do_receive_stock(front_desk, item, main, at_main, reference="INV-D1001")
        do_receive_stock(front_desk, item, eastside, at_east, reference="INV-D1002")
    # Eastside ran short of electrodes: ten pairs sent over from the main clinic.
    do_transfer_stock(front_desk, items["A4556"], main, eastside, 10, reason="Eastside ran short")
    # The monthly count at Eastside: four cold packs had split. With the knee braces at the main
    # clinic (2, reorder at 2) they are the two low items.
    do_record_count(front_desk, items["A9273"], eastside, 4, reason="four packs split in storage")
    note = (
        Note.objects.filter(
            status=NoteStatus.DRAFT, location=main, patient__organisation=front_desk.organisation
        )
        .select_related("therapist__user")
        .order_by("date_of_service", "id")
        .first()
    )
    if note is None:
        return []
    therapist = Actor(user=note.therapist.user, organisation=front_desk.organisation)
    given = [do_dispense(therapist, note, items["A4450"], 1)]
    # A heat pad lent to the patient: a unit out on rental, month 1 billed (RR) on the draft.
    given.append(do_dispense(therapist, note, items["E0210"], 1))
    if patients >= MIN_PATIENTS:
        given.append(do_dispense(therapist, note, items["E0730"], 1))
    return given
