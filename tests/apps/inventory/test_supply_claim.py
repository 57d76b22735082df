"""A claim built from a note that dispensed a bought TENS unit carries its E0730 line with NU at
the item's charge, and the 837P passes pyx12; Medicare's bundled electrodes stay off it
(ADR 0821)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.inventory.actions import do_dispense
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import write_837p
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)
from tests.apps.inventory.conftest import Shelf
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _note_with(billing: Billing, shelf: Shelf, estim: bool, *given: tuple[object, int]):  # noqa: F811
    clinic = billing.clinic
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    note = do_start_note(
        clinical, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    goal = clinic.plan.goals.get()
    do_add_treatment_block(
        clinical, note, code="97110", minutes=38, body_regions=["lumbar"], goals=[goal],
        justification="core strength for walking tolerance",
    )  # fmt: skip
    if estim:
        do_add_treatment_block(
            clinical, note, code="G0283", minutes=15, body_regions=["lumbar"], goals=[goal],
            justification="pain modulation before loading", parameters={
                "modality_parameters": "IFC 80-150 Hz, 15 min, to tolerance",
                "target_outcome": "pain under 4/10 for exercise",
            },
        )  # fmt: skip
    for item, quantity in given:
        do_dispense(clinical, note, item, quantity)  # type: ignore[arg-type]
    return do_sign_note(clinical, note, clinic.therapist)


def test_claim_carries_the_dme_line_with_nu_and_passes_pyx12(billing: Billing, shelf: Shelf):  # noqa: F811
    # given a signed Medicare visit that dispensed a bought TENS unit
    note = _note_with(billing, shelf, False, (shelf.tens, 1))
    # when the biller makes its claim
    claim = do_create_claim_from_note(billing.actor, note)
    # then the TENS line is on it with NU and the item's charge, the fee schedule's lines too
    lines = {line.code: line for line in claim.lines.all()}
    assert lines["E0730"].modifiers == ["NU"]
    assert lines["E0730"].units == 1
    assert lines["E0730"].charge == Decimal("95.00")
    assert lines["97110"].charge == Decimal("195.00")
    data = write_837p(
        [claim_to_send(claim)],
        submitter=Submitter("Riverside", "RIVERSIDE01", "Billing", "2175550100"),
        receiver=Receiver("Clearinghouse", "CLEARHOUSE"),
        control=ControlNumbers(7, 7, 1),
        created=dt.datetime(2026, 3, 2, 9, 30),
    )
    segments = data.decode("ascii").split("~")
    assert any(s.startswith("SV1*HC:E0730:NU*95*UN*1") for s in segments), segments
    assert pyx12_errors(data) == []
