"""The visit format carries what the 837P needs beyond the note: initial treatment date, the
service facility, a pay-to address, a billing provider who is a person, and the Medicare
secondary payer type. The schema and the reader agree on them, and a claim's stored snapshot
(written by `visit_to_dict`) reads back unchanged."""

from __future__ import annotations

import copy
import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cleannote.rules.visit import Address, MedicareSecondaryType, ServiceFacility
from cleannote.rules.visit_format import VisitFormatError, parse_visit, visit_to_dict

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chiropractic-visit.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("cleannote.rules").joinpath("data/visit.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


def _with_claim_fields() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    data["initial_treatment"] = "2026-01-12"
    data["service_facility"] = {
        "name": "Eastside",
        "address": {"line1": "4410 SE Division St", "city": "Portland", "state": "OR",
                    "zip": "972061502"},
        "npi": "1306849450",
    }  # fmt: skip
    billing = data["billing_provider"]
    billing["pay_to_address"] = {"line1": "PO Box 4410", "city": "Portland", "state": "OR",
                                 "zip": "97208"}  # fmt: skip
    billing["last_name"] = "Tran"
    billing["first_name"] = "Lee"
    data["payer"]["medicare_secondary_type"] = "12"
    return data


def test_claim_fields_are_read_and_written_back_unchanged(validator: Draft202012Validator) -> None:
    # given
    data = _with_claim_fields()
    # when
    visit = parse_visit(data)
    # then
    assert [e.message for e in validator.iter_errors(data)] == []
    assert visit.initial_treatment == dt.date(2026, 1, 12)
    assert visit.service_facility == ServiceFacility(
        "Eastside", Address("4410 SE Division St", "Portland", "OR", "972061502"), "1306849450"
    )
    assert visit.billing_provider.pay_to_address == Address(
        "PO Box 4410", "Portland", "OR", "97208"
    )
    assert (visit.billing_provider.last_name, visit.billing_provider.first_name) == ("Tran", "Lee")
    assert visit.billing_provider.is_individual
    assert visit.payer.medicare_secondary_type is MedicareSecondaryType.WORKING_AGED
    assert parse_visit(visit_to_dict(visit)) == visit


def test_a_visit_without_them_reads_as_before() -> None:
    visit = parse_visit(json.loads(EXAMPLE.read_text()))
    assert visit.initial_treatment is None
    assert visit.service_facility is None
    assert visit.billing_provider.pay_to_address is None
    assert not visit.billing_provider.is_individual
    assert visit.payer.medicare_secondary_type is None


BAD = [
    ("initial-treatment-not-a-date", ("initial_treatment",), "12/01/2026", "initial_treatment"),
    ("unknown-msp-type", ("payer", "medicare_secondary_type"), "99", "medicare_secondary_type"),
    ("facility-without-address", ("service_facility", "address"), None, "service_facility"),
    ("facility-bad-npi", ("service_facility", "npi"), "12345", "service_facility.npi"),
    ("first-name-without-last", ("billing_provider", "last_name"), None, "last_name"),
]


@pytest.mark.parametrize(("path", "value", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_claim_fields_are_refused_by_the_schema_and_the_reader(
    path: tuple[str, ...], value: object, field: str, validator: Draft202012Validator
) -> None:
    # given
    data = copy.deepcopy(_with_claim_fields())
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    # then
    assert list(validator.iter_errors(data))
    with pytest.raises(VisitFormatError) as refused:
        parse_visit(data)
    assert field in str(refused.value)
