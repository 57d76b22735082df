"""The published JSON Schema and the reader agree: both accept the examples, both refuse the same
malformed visits, and the benchmark generator's output is valid and reproducible."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from benchmarks.visit_generator import generate_visits, write_jsonl
from jsonschema import Draft202012Validator

from cleannote.rules.npi import is_valid_npi
from cleannote.rules.visit_format import VisitFormatError, parse_visit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("cleannote.rules").joinpath("data/visit.schema.json").read_text()
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _npis(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("npi", "rendering_npi"):
                yield value
            else:
                yield from _npis(value)
    elif isinstance(node, list):
        for item in node:
            yield from _npis(item)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_is_valid_for_the_schema_and_the_reader(
    path: Path, validator: Draft202012Validator
) -> None:
    data = json.loads(path.read_text())
    assert [e.message for e in validator.iter_errors(data)] == []
    parse_visit(data, source=str(path))
    assert all(is_valid_npi(npi) for npi in _npis(data))


def test_the_batch_example_is_valid_line_by_line(validator: Draft202012Validator) -> None:
    lines = (EXAMPLES / "batch.jsonl").read_text().splitlines()
    assert len(lines) == 20
    for number, line in enumerate(lines, 1):
        data = json.loads(line)
        assert [e.message for e in validator.iter_errors(data)] == [], number
        parse_visit(data, source="batch.jsonl", line=number)


def test_the_batch_example_is_what_the_generator_writes(tmp_path: Path) -> None:
    # when
    write_jsonl(tmp_path / "batch.jsonl", 20, seed=2026)
    # then
    assert (tmp_path / "batch.jsonl").read_text() == (EXAMPLES / "batch.jsonl").read_text()


def test_the_generator_is_reproducible_varied_and_valid(validator: Draft202012Validator) -> None:
    # when
    first = list(generate_visits(300, seed=7))
    again = list(generate_visits(300, seed=7))
    other = list(generate_visits(300, seed=8))
    # then
    assert first == again
    assert first != other
    assert {v["payer"]["kind"] for v in first} >= {"medicare", "commercial", "auto_pip"}
    assert {len(v["services"]) for v in first} == {3, 4, 5}
    for visit in first:
        assert not list(validator.iter_errors(visit))
        assert len(parse_visit(visit).history) == 2
        assert all(is_valid_npi(npi) for npi in _npis(visit))


def _malformed(change: str) -> dict[str, object]:
    data: dict[str, Any] = json.loads((EXAMPLES / "medicare-pt-follow-up.json").read_text())
    service = data["services"][0]
    match change:
        case "unknown-top":
            data["note"] = "x"
        case "unknown-nested":
            data["patient"]["middle_name"] = "Q"
        case "missing-id":
            del data["id"]
        case "missing-services":
            del data["services"]
        case "empty-diagnoses":
            data["diagnoses"] = []
        case "impossible-date":
            data["date_of_service"] = "2026-02-30"
        case "us-date":
            data["patient"]["birth_date"] = "06/14/1951"
        case "hour-25":
            service["start"] = "25:00"
        case "float-charge":
            service["charge"] = 48.5
        case "negative-charge":
            service["charge"] = "-48.00"
        case "nine-digit-npi":
            data["rendering_provider"]["npi"] = "172946013"
        case "bad-credential":
            data["rendering_provider"]["credential"] = "ATC"
        case "bad-kind":
            data["payer"]["kind"] = "hmo"
        case "pointer-13":
            service["diagnosis_pointers"] = [13]
        case "minutes-as-text":
            service["minutes"] = "16"
        case "null-optional":
            service["laterality"] = None
        case "wrong-schema":
            data["schema"] = "cleannote.visit/2"
        case "long-id":
            data["id"] = "v" * 21
        case "lowercase-state":
            data["billing_provider"]["address"]["state"] = "or"
        case "certified-as-text":
            data["plan_of_care"]["certified"] = "yes"
        case "goal-without-text":
            del data["plan_of_care"]["goals"][0]["text"]
        case "history-unknown":
            data["history"][0]["services"][0]["units"] = 2
        case "units-zero":
            service["units"] = 0
        case _:
            raise AssertionError(change)
    return data


MALFORMED = [
    "unknown-top",
    "unknown-nested",
    "missing-id",
    "missing-services",
    "empty-diagnoses",
    "impossible-date",
    "us-date",
    "hour-25",
    "float-charge",
    "negative-charge",
    "nine-digit-npi",
    "bad-credential",
    "bad-kind",
    "pointer-13",
    "minutes-as-text",
    "null-optional",
    "wrong-schema",
    "long-id",
    "lowercase-state",
    "certified-as-text",
    "goal-without-text",
    "history-unknown",
    "units-zero",
]


@pytest.mark.parametrize("change", MALFORMED)
def test_schema_and_reader_both_refuse(change: str, validator: Draft202012Validator) -> None:
    # given
    data = _malformed(change)
    # then
    assert list(validator.iter_errors(data)), "the schema accepted it"
    with pytest.raises(VisitFormatError):
        parse_visit(data)
