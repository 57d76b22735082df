"""The examples under examples/ scrub exactly as examples/README.md says.

The expected table below is the README's, written out as data: each visit's claim lines (code,
units, modifiers in order) and the rule ids of its findings, with a count when a rule fires
more than once. When a rule change moves one of these outcomes, the README changes with it.
"""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from contextlib import redirect_stdout
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cleannote.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# The day the README's outcomes are stated for (`--as-of`): after every example's date of
# service, before any reaches its payer's timely filing limit (ADR 0370).
EXAMPLES_DAY = "2026-10-01"

# (file, visit id, "clean" or "NOT CLEAN", "code xUNITS MODS; ...", "rule rule*COUNT ...")
EXPECTED = [
    ("auto-pip-massage.json", "v-2026-0212-03", "clean", "97124 x3 -", ""),
    (
        "chiropractic-visit.json",
        "v-2026-0218-22",
        "clean",
        "98941 x1 -; 97140 x1 59",
        "payer.bypass-added",
    ),
    (
        "medicare-pt-follow-up.json",
        "v-2026-0310-07",
        "clean",
        "97110 x1 GP; 97140 x1 GP; 97112 x1 GP",
        "",
    ),
    (
        "ot-visit-by-cota.json",
        "v-2026-0402-11",
        "clean",
        "97530 x2 GO,CO; 97535 x1 GO,CO",
        "payer.assistant-modifier*2 poc.progress-report-soon",
    ),
    ("rtm-month.json", "v-2026-0331-01", "clean", "98977 x1 GP; 98980 x1 GP; 98981 x1 GP", ""),
    ("slp-visit.json", "v-2026-0305-14", "clean", "92507 x1 GN; 92526 x1 GN", ""),
    (
        "batch.jsonl",
        "v0000001",
        "clean",
        "97530 x2 GP,CQ,XU; 97140 x1 GP,CQ; 97112 x1 GP,CQ; 97110 x1 GP,CQ",
        "payer.assistant-modifier*4 payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000002",
        "clean",
        "97112 x2 GP,CQ; 97530 x2 GP,CQ; 97116 x2 GP,CQ,XU; G0283 x1 GP,CQ; 97110 x1 GP,CQ",
        "payer.assistant-modifier*5 payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000003",
        "NOT CLEAN",
        "G0283 x1 GP; 97530 x2 GP; 97116 x1 GP,XU; 97112 x1 GP; 97110 x2 GP",
        "payer.bypass-added poc.progress-report-due",
    ),
    (
        "batch.jsonl",
        "v0000004",
        "clean",
        "97129 x1 GN; 92507 x1 GN; 97130 x2 GN; 92526 x1 GN",
        "poc.progress-report-soon",
    ),
    (
        "batch.jsonl",
        "v0000005",
        "NOT CLEAN",
        "97140 x2 GP,CQ; 97530 x2 GP,CQ,XU; 97112 x1 GP,CQ",
        "doc.no-goal payer.assistant-modifier*3 payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000006",
        "clean",
        "97140 x1 GP; 97110 x2 GP; 97530 x2 GP,59; 97116 x2 GP,59; 97112 x1 GP",
        "payer.bypass-added*2",
    ),
    (
        "batch.jsonl",
        "v0000007",
        "clean",
        "97010 x1 -; 97140 x2 -; 97124 x2 59",
        "payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000008",
        "NOT CLEAN",
        "97140 x2 -; 97530 x2 59; G0283 x1 -",
        "payer.bypass-added referral.visits-used",
    ),
    (
        "batch.jsonl",
        "v0000009",
        "clean",
        "97112 x2 GO,CO; 97535 x2 GO,CO; 97140 x1 GO,CO; 97110 x1 GO,CO; 97530 x2 GO,CO,XU",
        "payer.assistant-modifier*5 payer.bypass-added",
    ),
    ("batch.jsonl", "v0000010", "clean", "92526 x1 GN; 97129 x1 GN; 97130 x1 GN", ""),
    (
        "batch.jsonl",
        "v0000011",
        "clean",
        "G0283 x1 GP; 97112 x2 GP; 97116 x2 GP",
        "",
    ),
    (
        "batch.jsonl",
        "v0000012",
        "clean",
        "97116 x2 59; 97112 x2 -; 97530 x2 59; 97110 x1 -; 97140 x2 -",
        "payer.bypass-added*2",
    ),
    (
        "batch.jsonl",
        "v0000013",
        "clean",
        "97140 x2 GO; 97530 x1 GO,XU; 97110 x2 GO; 97535 x1 GO",
        "payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000014",
        "clean",
        "97530 x2 GP,CQ; G0283 x1 GP,CQ; 97110 x2 GP,CQ",
        "payer.assistant-modifier*3",
    ),
    (
        "batch.jsonl",
        "v0000015",
        "clean",
        "G0283 x1 GP; 97110 x1 GP; 97116 x1 GP,59; 97530 x2 GP",
        "payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000016",
        "clean",
        "97140 x1 GO; 97530 x2 GO,XU,KX; 97535 x1 GO,KX",
        "payer.bypass-added payer.kx*2",
    ),
    (
        "batch.jsonl",
        "v0000017",
        "clean",
        "97124 x2 59; 97010 x1 -; 97140 x2 -",
        "payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000018",
        "clean",
        "97110 x2 GP; 97530 x1 GP,59; G0283 x1 GP; 97140 x1 GP",
        "payer.bypass-added",
    ),
    (
        "batch.jsonl",
        "v0000019",
        "clean",
        "98941 x1 -; 97140 x2 59; 97012 x1 -; 97110 x2 -",
        "payer.bypass-added",
    ),
    ("batch.jsonl", "v0000020", "clean", "97140 x2 GP; 97116 x2 GP; 97112 x1 GP; 97110 x2 GP", ""),
]


def _lines(text: str) -> list[tuple[str, int, tuple[str, ...]]]:
    """'97110 x2 GP,CQ; 97140 x1 -' as (code, units, modifiers) per claim line."""
    lines = []
    for line in text.split("; "):
        code, units, modifiers = line.split(" ")
        listed = () if modifiers == "-" else tuple(modifiers.split(","))
        lines.append((code, int(units.removeprefix("x")), listed))
    return lines


def _rules(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in text.split():
        rule, _, times = word.partition("*")
        counts[rule] += int(times or 1)
    return counts


def _scrub_json(*paths: Path) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["scrub", "--json", "--as-of", EXAMPLES_DAY, *map(str, paths)])
    return status, json.loads(out.getvalue())


@pytest.fixture(scope="module")
def reported() -> dict[str, dict[str, Any]]:
    """`cleannote scrub --json examples/`, once: each reported visit by id."""
    status, report = _scrub_json(EXAMPLES)
    assert status == 1  # some batch visits carry a deliberate error finding
    assert report["errors"] == []
    return {visit["id"]: visit for visit in report["visits"]}


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("cleannote.rules").joinpath("data/visit.schema.json").read_text()
    return Draft202012Validator(
        json.loads(text), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _example_visits() -> list[tuple[str, int, dict[str, Any]]]:
    visits: list[tuple[str, int, dict[str, Any]]] = []
    for path in sorted(EXAMPLES.glob("*.json*")):
        if path.suffix == ".jsonl":
            for number, line in enumerate(path.read_text().splitlines(), 1):
                visits.append((path.name, number, json.loads(line)))
        else:
            visits.append((path.name, 1, json.loads(path.read_text())))
    return visits


def test_the_table_covers_every_example_visit() -> None:
    # given
    on_disk = [(name, visit["id"]) for name, _, visit in _example_visits()]
    # then
    assert sorted(on_disk) == sorted((name, visit_id) for name, visit_id, *_ in EXPECTED)


@pytest.mark.parametrize(
    ("name", "visit_id", "state", "lines", "rules"), EXPECTED, ids=[row[1] for row in EXPECTED]
)
def test_example_scrubs_as_documented(
    reported: dict[str, dict[str, Any]],
    name: str,
    visit_id: str,
    state: str,
    lines: str,
    rules: str,
) -> None:
    # when
    result = reported[visit_id]
    # then
    assert result["clean"] is (state == "clean")
    assert [
        (line["code"], line["units"], tuple(line["modifiers"])) for line in result["lines"]
    ] == _lines(lines)
    assert Counter(finding["rule"] for finding in result["findings"]) == _rules(rules)


@pytest.mark.parametrize(
    ("name", "number", "visit"),
    _example_visits(),
    ids=lambda value: value["id"] if isinstance(value, dict) else None,
)
def test_example_is_valid_for_the_published_schema(
    validator: Draft202012Validator, name: str, number: int, visit: dict[str, Any]
) -> None:
    # then
    assert [error.message for error in validator.iter_errors(visit)] == []


@pytest.mark.parametrize(
    ("name", "number", "visit"),
    _example_visits(),
    ids=lambda value: value["id"] if isinstance(value, dict) else None,
)
def test_example_billing_provider_has_a_nine_digit_zip(
    name: str, number: int, visit: dict[str, Any]
) -> None:
    # then: the 837P billing provider loop (2010AA N403) takes ZIP+4 only
    assert len(visit["billing_provider"]["address"]["zip"].replace("-", "")) == 9


def _copy_examples_with_a_broken_file(tmp_path: Path) -> Path:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.md"))
    good = json.loads((EXAMPLES / "medicare-pt-follow-up.json").read_text())
    good["id"] = "v-late-ok"
    bad_time = json.loads((EXAMPLES / "medicare-pt-follow-up.json").read_text())
    bad_time["id"] = "v-late-bad"
    bad_time["services"][0]["start"] = "25:99"
    lines = [json.dumps(good), json.dumps(bad_time), '{"schema": "cleannote.visit/1", "id": ']
    (folder / "late.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def test_scrub_json_reports_a_malformed_file_and_still_scrubs_the_good_visits(
    tmp_path: Path,
) -> None:
    # given
    folder = _copy_examples_with_a_broken_file(tmp_path)
    # when
    status, report = _scrub_json(folder)
    # then
    assert status == 2
    late = str(folder / "late.jsonl")
    assert [(e["source"], e["line"], e["visit_id"], e["field"]) for e in report["errors"]] == [
        (late, 2, "v-late-bad", "services[0].start"),
        (late, 3, None, None),
    ]
    assert report["errors"][0]["message"] == (
        f"{late}:2: visit v-late-bad: services[0].start: expected HH:MM, got '25:99'"
    )
    assert report["errors"][1]["message"].startswith(f"{late}:3: not valid JSON: ")
    reported_ids = {visit["id"] for visit in report["visits"]}
    assert reported_ids == {visit_id for _, visit_id, *_ in EXPECTED} | {"v-late-ok"}


def test_scrub_text_names_each_bad_line_on_stderr_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    folder = _copy_examples_with_a_broken_file(tmp_path)
    # when
    status = main(["scrub", "--as-of", EXAMPLES_DAY, str(folder)])
    # then
    captured = capsys.readouterr()
    late = folder / "late.jsonl"
    assert status == 2
    assert captured.err.splitlines()[0] == (
        f"cleannote: error: {late}:2: visit v-late-bad: services[0].start: "
        "expected HH:MM, got '25:99'"
    )
    assert captured.err.splitlines()[1].startswith(f"cleannote: error: {late}:3: not valid JSON")
    assert len(captured.err.splitlines()) == 2
    assert "visit v-late-ok: clean" in captured.out
    assert "Traceback" not in captured.err
