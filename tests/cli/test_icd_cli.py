"""`cleannote icd`: one line per code, JSON with every field, exit 1 on any invalid code."""

from __future__ import annotations

import json

import pytest

from cleannote.cli.main import main


def test_icd_check_prints_one_line_per_code_and_exits_1_on_any_invalid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a retired code, a code missing its 7th character and a good one
    # when
    status = main(["icd", "check", "M54.5", "S13.4XX", "S13.4XXA"])
    # then
    out, err = capsys.readouterr()
    assert status == 1
    assert err == ""
    assert out == (
        "M54.5  invalid  retired 2021-10-01: use M54.50, M54.51 or M54.59\n"
        "S13.4XX  invalid  7th character missing: S13.4XXA (initial), "
        "S13.4XXD (subsequent), S13.4XXS (sequela)\n"
        "S13.4XXA  valid  billable  Sprain of ligaments of cervical spine, initial encounter\n"
    )


def test_icd_check_exits_0_when_every_code_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    # given / when
    status = main(["icd", "check", "m5450", "M17.11"])
    # then
    out, _ = capsys.readouterr()
    assert status == 0
    assert out == (
        "M54.50  valid  billable  Low back pain, unspecified\n"
        "M17.11  valid  billable  Unilateral primary osteoarthritis, right knee\n"
    )


def test_icd_check_reports_malformed_codes_as_invalid_not_as_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given / when
    status = main(["icd", "check", "12345"])
    # then
    out, err = capsys.readouterr()
    assert status == 1
    assert err == ""
    assert out.startswith("12345  invalid  not an ICD-10-CM code")


def test_icd_check_json_lists_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    # given / when
    status = main(["icd", "check", "--json", "M54.5", "M17.12"])
    # then
    out, _ = capsys.readouterr()
    assert status == 1
    retired, left_knee = json.loads(out)
    assert retired == {
        "code": "M54.5",
        "valid": False,
        "billable": False,
        "problem": "retired 2021-10-01 (FY2022)",
        "problem_kind": "retired",
        "replacements": ["M54.50", "M54.51", "M54.59"],
        "description": "Low back pain",
        "laterality": None,
        "lateral_code_family": False,
        "encounter": None,
        "retired_on": "2021-10-01",
        "advice": "retired 2021-10-01: use M54.50, M54.51 or M54.59",
    }
    assert left_knee["valid"] is True
    assert left_knee["laterality"] == "left"
    assert left_knee["lateral_code_family"] is True


EXCLUDES_CASES = [
    (
        "conflict",
        ["M54.50", "S39.012A"],
        1,
        "M54.50 + S39.012A  Excludes1: low back strain (S39.012), listed at M54.5\n",
    ),
    (
        "excludes2-only",
        ["S13.4XXA", "S16.1XXA"],
        0,
        "S13.4XXA + S16.1XXA  no Excludes1 conflict\n",
    ),
]


@pytest.mark.parametrize(
    ("codes", "expected_status", "expected_out"),
    [case[1:] for case in EXCLUDES_CASES],
    ids=[case[0] for case in EXCLUDES_CASES],
)
def test_icd_excludes_prints_the_conflict(
    codes: list[str],
    expected_status: int,
    expected_out: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given / when
    status = main(["icd", "excludes", *codes])
    # then
    out, _ = capsys.readouterr()
    assert status == expected_status
    assert out == expected_out


def test_icd_excludes_refuses_a_code_outside_the_code_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given / when
    status = main(["icd", "excludes", "M54.99", "M54.50"])
    # then
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err == "cleannote: error: icd excludes: 'M54.99' is not an ICD-10-CM code\n"
