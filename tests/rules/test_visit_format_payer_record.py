"""The visit format carries the payer directory's record: its policy overrides and its timely
filing days. A claim's stored visit keeps them, so scrubbing it again (`cleannote scrub` on the
file) applies the same payer rules the app applied. The schema and the reader agree."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cleannote.rules.payer_overrides import OVERRIDE_FIELD_BY_NAME
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind, UnitMethod
from cleannote.rules.visit_format import VisitFormatError, parse_visit, visit_to_dict

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("cleannote.rules").joinpath("data/visit.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


def _commercial(**payer: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    data["payer"] = {"name": "Keystone Health", "payer_id": "KHP01", "kind": "commercial", **payer}
    return data


def test_overrides_and_filing_days_are_read_checked_and_written_back(validator) -> None:
    # given
    data = _commercial(
        timely_filing_days=90,
        policy_overrides={"unit_method": "per_code", "massage_barred_states": ["ny"]},
    )
    # when
    visit = parse_visit(data)
    # then: in the policy's own types, as the payer directory checks them
    assert visit.payer.timely_filing_days == 90
    assert visit.payer.policy_overrides == (
        ("massage_barred_states", frozenset({"NY"})),
        ("unit_method", UnitMethod.PER_CODE),
    )
    written = visit_to_dict(visit)
    assert written["payer"]["policy_overrides"] == {
        "massage_barred_states": ["NY"],
        "unit_method": "per_code",
    }
    assert parse_visit(written) == visit
    assert list(validator.iter_errors(written)) == []


def test_a_payer_without_a_record_writes_neither_field() -> None:
    visit = parse_visit(_commercial())
    assert "policy_overrides" not in visit_to_dict(visit)["payer"]
    assert "timely_filing_days" not in visit_to_dict(visit)["payer"]


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"pays_97011": True}, "payer.policy_overrides.pays_97011", "is not a payer setting"),
        ({"pays_97010": "yes"}, "payer.policy_overrides.pays_97010", "'yes' is not true or false"),
        (
            {"progress_report_interval_days": 1.5},
            "payer.policy_overrides.progress_report_interval_days",
            "1.5 is not a positive whole number",
        ),
        ("per_code", "payer.policy_overrides", "expected an object, got 'per_code'"),
    ],
)
def test_a_bad_override_is_refused_by_its_path(
    overrides: object, field: str, says: str, validator
) -> None:
    data = _commercial(policy_overrides=overrides)
    with pytest.raises(VisitFormatError) as refused:
        parse_visit(data)
    assert refused.value.field == field
    assert says in refused.value.problem
    assert list(validator.iter_errors(data)) != []  # the schema refuses it too


@pytest.mark.parametrize("days", [0, -5, "90", 1.5])
def test_filing_days_must_be_a_whole_number_of_at_least_one(days: object, validator) -> None:
    data = _commercial(timely_filing_days=days)
    with pytest.raises(VisitFormatError) as refused:
        parse_visit(data)
    assert refused.value.field == "payer.timely_filing_days"
    assert list(validator.iter_errors(data)) != []


def test_the_schema_lists_every_overridable_setting() -> None:
    text = resources.files("cleannote.rules").joinpath("data/visit.schema.json").read_text()
    payer = json.loads(text)["properties"]["payer"]["properties"]
    assert set(payer["policy_overrides"]["properties"]) == set(OVERRIDE_FIELD_BY_NAME)


def test_a_stored_visit_scrubs_with_its_payers_overrides() -> None:
    # given: the payer pays 97010 under its contract (the commercial default does not)
    data = _commercial(policy_overrides={"pays_97010": True})
    data["services"] = [*copy.deepcopy(data["services"]), {"code": "97010", "charge": "10.00"}]
    visit = parse_visit(data)
    without = parse_visit({**data, "payer": {k: v for k, v in data["payer"].items()
                                             if k != "policy_overrides"}})  # fmt: skip
    # when: scrubbed again from what a claim stores
    again = scrub(parse_visit(visit_to_dict(visit)))
    # then
    assert visit.payer.kind is PayerKind.COMMERCIAL
    assert "payer.97010-not-paid" in {f.rule for f in scrub(without).findings}
    assert "payer.97010-not-paid" not in {f.rule for f in again.findings}
    assert again == scrub(visit)
