"""What the claim must carry beyond the services: Medicare's initial treatment date on spinal
manipulation, a street address for the billing provider, and a street address with ZIP+4 for a
service location that is not the billing address."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.addresses import is_po_box, same_place
from cleannote.rules.findings import Severity
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Address, Credential, PayerKind, ServiceFacility
from tests.rules.scrub.factories import (
    ADDRESS,
    findings_of,
    payer,
    rendering,
    replace,
    rules_of,
    service,
    visit,
)

CHIRO = rendering(Credential.DC, taxonomy="111N00000X")
STARTED = dt.date(2026, 2, 20)


# --- medicare.initial-treatment-date ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "initial", "flagged"),
    [
        pytest.param("98940", PayerKind.MEDICARE, None, True, id="98940-medicare-missing"),
        pytest.param("98941", PayerKind.MEDICARE, None, True, id="98941-medicare-missing"),
        pytest.param("98942", PayerKind.MEDICARE, None, True, id="98942-medicare-missing"),
        pytest.param("98941", PayerKind.MEDICARE, STARTED, False, id="medicare-with-date"),
        pytest.param("98943", PayerKind.MEDICARE, None, False, id="extraspinal"),
        pytest.param("98941", PayerKind.COMMERCIAL, None, False, id="commercial"),
        pytest.param("98941", PayerKind.MEDICARE_ADVANTAGE, None, False, id="medicare-advantage"),
        pytest.param("98941", PayerKind.AUTO_PIP, None, False, id="auto"),
    ],
)
def test_medicare_spinal_manipulation_needs_the_initial_treatment_date(
    code: str, kind: PayerKind, initial: dt.date | None, flagged: bool
) -> None:
    # given a chiropractor's manipulation
    v = visit(
        service(code, None, None, modifiers=("AT",)),
        rendering_provider=CHIRO,
        payer=payer(kind),
        initial_treatment=initial,
    )
    # when
    found = findings_of(scrub(v), "medicare.initial-treatment-date")
    # then
    assert bool(found) is flagged
    if flagged:
        [finding] = found
        assert (finding.line, finding.severity) == (0, Severity.ERROR)
        assert code in finding.message


def test_one_finding_however_many_manipulations() -> None:
    v = visit(
        service("98940", None, None, modifiers=("AT",)),
        service("98941", None, None, modifiers=("AT",), encounter=2),
        rendering_provider=CHIRO,
    )
    assert len(findings_of(scrub(v), "medicare.initial-treatment-date")) == 1


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line1", "line2", "po_box"),
    [
        ("PO Box 12", None, True),
        ("P.O. Box 4410", None, True),
        ("p o box 9", None, True),
        ("POB 77", None, True),
        ("Post Office Box 3", None, True),
        ("Lockbox 9", None, True),
        ("Lock Box 2", None, True),
        ("Drawer 5", None, True),
        ("100 River St", "PO Box 7", True),
        ("100 River St", None, False),
        ("100 River St", "Suite 2", False),
        ("1 Boxwood Ave", None, False),
        ("200 Pobst Rd", None, False),
        ("12 Post Rd", None, False),
        ("9 Poe Street", None, False),
    ],
)
def test_po_box_recognised_in_either_street_line(
    line1: str, line2: str | None, po_box: bool
) -> None:
    assert is_po_box(Address(line1, "Portland", "OR", "97201", line2)) is po_box


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (Address("100 Main St.", "Portland", "or", "97201-1234"), True),
        (Address("100  MAIN  ST", "PORTLAND", "OR", "972011234"), True),
        (Address("100 Main St", "Portland", "OR", "97201", "Suite 2"), False),
        (Address("102 Main St", "Portland", "OR", "97201"), False),
        (Address("100 Main St", "Portland", "OR", "97202"), False),
    ],
)
def test_same_place_ignores_case_punctuation_and_zip4(other: Address, same: bool) -> None:
    assert same_place(ADDRESS, other) is same


def test_po_box_billing_address_is_an_error_and_a_street_address_passes() -> None:
    boxed = visit()
    boxed = replace(
        boxed,
        billing_provider=replace(
            boxed.billing_provider, address=Address("PO Box 4410", "Portland", "OR", "97208")
        ),
    )
    [finding] = findings_of(scrub(boxed), "address.billing-po-box")
    assert finding.severity is Severity.ERROR
    assert "address.billing-po-box" not in rules_of(scrub(visit()))


@pytest.mark.parametrize(
    ("address", "flagged"),
    [
        pytest.param(ADDRESS, False, id="at-the-billing-address"),
        pytest.param(
            Address("4410 SE Division St", "Portland", "OR", "97206-1502"), False, id="zip4"
        ),
        pytest.param(Address("4410 SE Division St", "Portland", "OR", "97206"), True, id="zip5"),
        pytest.param(Address("PO Box 9", "Portland", "OR", "972061502"), True, id="po-box"),
    ],
)
def test_a_service_location_elsewhere_needs_a_street_address_and_zip4(
    address: Address, flagged: bool
) -> None:
    v = visit(service_facility=ServiceFacility("Eastside", address))
    assert ("address.service-facility" in rules_of(scrub(v))) is flagged


def test_every_new_rule_names_its_source() -> None:
    for rule_id in (
        "medicare.initial-treatment-date",
        "address.billing-po-box",
        "address.service-facility",
    ):
        assert RULES[rule_id].source
