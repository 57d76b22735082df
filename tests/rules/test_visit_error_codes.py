"""Every refusal of the visit reader carries a `VisitErrorCode`, so the shell and an API map it
without reading the message (issue 10). The messages keep their wording; both ways in
(`parse_visit` on data, `parse_visit_json` on text) give the same code."""

from __future__ import annotations

import copy
import io
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cleannote.rules.visit_format import (
    VisitErrorCode,
    VisitFormatError,
    parse_visit,
    parse_visit_json,
    read_visits,
)

C = VisitErrorCode
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json"
Change = Callable[[dict[str, Any]], object]


def _set(path: str, value: object) -> Change:
    """A change that sets `path` (dots, and [n] for an array element) to `value`."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.replace("[", ".").replace("]", "").split(".")
        node: Any = data
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        node[int(last) if last.isdigit() else last] = value

    return change


CASES: list[tuple[str, Change, str, VisitErrorCode, str]] = [
    # (case, change, field, code, the message's words)
    ("unknown", _set("nickname", "x"), "nickname", C.UNKNOWN_FIELD, "unknown field"),
    ("unknown-nested", _set("payer.plan", "x"), "payer.plan", C.UNKNOWN_FIELD, "unknown field"),
    ("missing", lambda d: d.pop("payer"), "payer", C.MISSING_FIELD, "required field is missing"),
    ("missing-schema", lambda d: d.pop("schema"), "schema", C.MISSING_FIELD, "required field"),
    ("person-without-last-name", _set("billing_provider.first_name", "Ann"),
     "billing_provider.last_name", C.MISSING_FIELD, "required when first_name is given"),
    ("text-for-number", _set("services[0].minutes", "ten"), "services[0].minutes",
     C.WRONG_TYPE, "expected an integer of at least 0, got 'ten'"),
    ("number-for-text", _set("rendering_provider.npi", 1234567893), "rendering_provider.npi",
     C.WRONG_TYPE, "expected an NPI of 10 digits"),
    ("text-for-flag", _set("plan_of_care.certified", "yes"), "plan_of_care.certified",
     C.WRONG_TYPE, "expected true or false"),
    ("text-for-array", _set("services[0].modifiers", "GP"), "services[0].modifiers",
     C.WRONG_TYPE, "expected an array"),
    ("scalar-for-object", _set("payer", "Medicare"), "payer", C.WRONG_TYPE,
     "expected an object"),
    ("null", _set("place_of_service", None), "place_of_service", C.WRONG_TYPE, "got null"),
    ("fraction-for-amount", _set("services[0].charge", 1.5), "services[0].charge",
     C.WRONG_TYPE, "got a number with a fraction"),
    ("below-minimum", _set("services[0].minutes", -1), "services[0].minutes",
     C.OUT_OF_RANGE, "at least 0"),
    ("pointer-past-12", _set("services[0].diagnosis_pointers", [13]),
     "services[0].diagnosis_pointers[0]", C.OUT_OF_RANGE, "from 1 to 12"),
    ("empty-array", _set("diagnoses", []), "diagnoses", C.OUT_OF_RANGE, "a non-empty array"),
    ("empty-text", _set("rendering_provider.first_name", ""), "rendering_provider.first_name",
     C.OUT_OF_RANGE, "got an empty string"),
    ("negative-amount", _set("services[0].charge", -1), "services[0].charge",
     C.OUT_OF_RANGE, "got an integer -1"),
    ("id-too-long", _set("id", "v" * 21), "id", C.OUT_OF_RANGE, "longer than 20 characters"),
    ("npi-shape", _set("rendering_provider.npi", "123"), "rendering_provider.npi",
     C.BAD_FORMAT, "expected an NPI of 10 digits, got '123'"),
    ("state-shape", _set("billing_provider.address.state", "Or"),
     "billing_provider.address.state", C.BAD_FORMAT, "a two-letter state code"),
    ("amount-shape", _set("services[0].charge", "12.345"), "services[0].charge",
     C.BAD_FORMAT, 'decimal string like "120.00"'),
    ("payer-kind", _set("payer.kind", "medicaree"), "payer.kind", C.BAD_CODE,
     "expected one of medicare|"),
    ("credential", _set("rendering_provider.credential", "DPT"),
     "rendering_provider.credential", C.BAD_CODE, "expected one of"),
    ("schema-version", _set("schema", "cleannote.visit/2"), "schema", C.BAD_CODE,
     'expected "cleannote.visit/1"'),
    ("month-13", _set("date_of_service", "2026-13-01"), "date_of_service", C.BAD_DATE,
     "expected a date YYYY-MM-DD"),
    ("birth-before-1900", _set("patient.birth_date", "1899-12-31"), "patient.birth_date",
     C.BAD_DATE, "before 1900-01-01"),
    ("birth-after-service", _set("subscriber.birth_date", "2026-03-11"),
     "subscriber.birth_date", C.BAD_DATE, "after the date of service"),
    ("clock", _set("services[0].start", "9:00"), "services[0].start", C.BAD_TIME,
     "expected HH:MM"),
    ("override-unknown", _set("payer.policy_overrides", {"pays_97011": True}),
     "payer.policy_overrides.pays_97011", C.UNKNOWN_FIELD, "is not a payer setting"),
    ("override-flag", _set("payer.policy_overrides", {"pays_97010": "yes"}),
     "payer.policy_overrides.pays_97010", C.WRONG_TYPE, "is not true or false"),
    ("override-choice", _set("payer.policy_overrides", {"unit_method": "minutes"}),
     "payer.policy_overrides.unit_method", C.BAD_CODE, "is not one of"),
    ("override-days", _set("payer.policy_overrides", {"progress_report_interval_days": 0}),
     "payer.policy_overrides.progress_report_interval_days", C.OUT_OF_RANGE,
     "is not a positive whole number"),
    ("override-states", _set("payer.policy_overrides", {"massage_barred_states": ["Oregon"]}),
     "payer.policy_overrides.massage_barred_states", C.BAD_FORMAT, "is not a 2-letter state"),
]  # fmt: skip


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return data


@pytest.mark.parametrize(
    ("change", "field", "code", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_refusal_carries_its_code(
    change: Change, field: str, code: VisitErrorCode, says: str
) -> None:
    # given
    data = _example()
    change(data)
    # when
    with pytest.raises(VisitFormatError) as from_data:
        parse_visit(copy.deepcopy(data))
    with pytest.raises(VisitFormatError) as from_text:
        parse_visit_json(json.dumps(data))
    # then
    error = from_data.value
    assert (error.field, error.code) == (field, code)
    assert says in error.problem
    assert (from_text.value.code, str(from_text.value)) == (code, str(error))


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ('{"schema": ', C.NOT_JSON, "not valid JSON"),
        (b'{"id": "\xff"}', C.NOT_UTF8, "not UTF-8 text"),
        ("[1, 2]", C.NOT_AN_OBJECT, "expected a JSON object (one visit), got an array"),
    ],
    ids=["not-json", "not-utf8", "not-an-object"],
)
def test_text_that_is_no_visit_carries_its_code(
    text: str | bytes, code: VisitErrorCode, says: str
) -> None:
    with pytest.raises(VisitFormatError) as refused:
        parse_visit_json(text)
    assert refused.value.code is code
    assert says in refused.value.problem


def test_files_and_streams_carry_theirs(tmp_path: Path) -> None:
    # given
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"id": "caf\xe9"}\n')
    (tmp_path / "scalar.json").write_text("42")
    # when
    codes = {
        Path(item.source).name: item.error.code
        for item in read_visits([tmp_path, tmp_path / "missing.json"])
        if item.error is not None
    }
    no_stdin = next(iter(read_visits(["-"], stdin=None)))
    # then
    assert codes == {
        "broken.json": C.NOT_JSON,
        "latin1.jsonl": C.NOT_UTF8,
        "scalar.json": C.NOT_AN_OBJECT,
        "missing.json": C.CANNOT_READ,
    }
    assert no_stdin.error is not None
    assert no_stdin.error.code is C.NO_INPUT


def test_the_code_survives_a_trip_between_processes() -> None:
    [item] = read_visits(["-"], stdin=io.StringIO('{"schema": "cleannote.visit/1"}\n'))
    assert item.error is not None
    copied = pickle.loads(pickle.dumps(item.error))
    assert (copied.code, str(copied)) == (C.MISSING_FIELD, str(item.error))


def test_the_codes_are_the_documented_values() -> None:
    assert {c.value for c in VisitErrorCode} == {
        "not-json", "not-utf8", "cannot-read", "no-input", "not-an-object", "unknown-field",
        "missing-field", "wrong-type", "out-of-range", "bad-format", "bad-code", "bad-date",
        "bad-time",
    }  # fmt: skip
