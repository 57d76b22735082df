"""The visit format carries what the chart knows: diagnosis onset dates, the authorization's
window and per-group limits with what signed visits used, and the evidence behind the plan's
certification. Schema and reader agree, and `visit_to_dict` writes them back unchanged."""

from __future__ import annotations

import copy
import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cleannote.rules.visit import (
    Authorization,
    AuthorizedServices,
    Certification,
    CertificationKind,
    DiagnosisOnset,
)
from cleannote.rules.visit_format import VisitFormatError, parse_visit, visit_to_dict

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("cleannote.rules").joinpath("data/visit.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


def _with_chart_fields() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    data["diagnosis_onsets"] = [{"code": data["diagnoses"][0], "onset": "2026-01-05"}]
    data["authorization"] = {
        "number": "A-77",
        "start": "2026-01-10",
        "end": "2026-04-30",
        "services": [{"codes": ["97110", "97140"], "visits": 12, "units": 36, "visits_used": 3,
                      "units_used": 9}, {"visits": 20}],
    }  # fmt: skip
    data["plan_of_care"]["certification"] = {
        "kind": "signed_order",
        "order_signed_on": "2026-01-08",
        "sent_on": "2026-01-20",
    }
    return data


def test_chart_fields_are_read_and_written_back_unchanged(validator: Draft202012Validator) -> None:
    # given
    data = _with_chart_fields()
    # when
    visit = parse_visit(data)
    # then
    assert [e.message for e in validator.iter_errors(data)] == []
    assert visit.diagnosis_onsets == (DiagnosisOnset(data["diagnoses"][0], dt.date(2026, 1, 5)),)
    assert visit.authorization == Authorization(
        "A-77",
        dt.date(2026, 1, 10),
        dt.date(2026, 4, 30),
        (AuthorizedServices(("97110", "97140"), 12, 36, 3, 9), AuthorizedServices(visits=20)),
    )
    assert visit.plan_of_care is not None
    assert visit.plan_of_care.certification == Certification(
        CertificationKind.SIGNED_ORDER,
        order_signed_on=dt.date(2026, 1, 8),
        sent_on=dt.date(2026, 1, 20),
    )
    assert parse_visit(visit_to_dict(visit)) == visit


def test_a_visit_without_them_reads_as_before() -> None:
    visit = parse_visit(json.loads(EXAMPLE.read_text()))
    assert visit.diagnosis_onsets == ()
    assert visit.authorization is None
    assert visit.plan_of_care is not None
    assert visit.plan_of_care.certification is None


BAD = [
    ("onset-not-a-date", ("diagnosis_onsets", 0, "onset"), "01/05/2026", "diagnosis_onsets[0]"),
    ("unknown-certification", ("plan_of_care", "certification", "kind"), "verbal", "kind"),
    ("zero-visits", ("authorization", "services", 0, "visits"), 0, "visits"),
    ("negative-units-used", ("authorization", "services", 0, "units_used"), -1, "units_used"),
    ("unknown-field", ("authorization", "expires"), "2026-05-01", "authorization.expires"),
]


@pytest.mark.parametrize(("path", "value", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_chart_fields_are_refused_by_the_schema_and_the_reader(
    path: tuple[Any, ...], value: object, field: str, validator: Draft202012Validator
) -> None:
    # given
    data = copy.deepcopy(_with_chart_fields())
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    # then
    assert list(validator.iter_errors(data))
    with pytest.raises(VisitFormatError) as refused:
        parse_visit(data)
    assert field in str(refused.value)
