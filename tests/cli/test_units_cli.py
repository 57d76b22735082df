"""`cleannote units`: lines per code, the total, JSON output and one-line refusals."""

from __future__ import annotations

import json

import pytest

from cleannote.cli.main import main

TEXT_CASES = [
    ("cms-ex3", ["--method", "cms", "97110=33", "97140=7"], "97110 2\n97140 1\ntotal 3\n"),
    ("default-is-cms", ["97112=24", "97110=23"], "97112 2\n97110 1\ntotal 3\n"),
    (
        "per-code-ex3",
        ["--method", "per-code", "97110=33", "97140=7"],
        "97110 2\n97140 0\ntotal 2\n",
    ),
    (
        "untimed-outside-pool",
        ["--method", "cms", "97161=45", "97110=10", "97140=10"],
        "97161 1\n97110 1\n97140 0\ntotal 2\n",
    ),
]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(a, e) for _, a, e in TEXT_CASES],
    ids=[case for case, *_ in TEXT_CASES],
)
def test_units_prints_one_line_per_code_then_total(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # given / when
    status = main(["units", *argv])
    # then
    out, err = capsys.readouterr()
    assert status == 0
    assert out == expected
    assert err == ""


def test_units_json(capsys: pytest.CaptureFixture[str]) -> None:
    # given / when
    status = main(["units", "--json", "--method", "per-code", "97161=45", "97110=33", "97140=7"])
    # then
    assert status == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == {
        "method": "per_code",
        "lines": [
            {"code": "97161", "minutes": 45, "units": 1, "timed": False},
            {"code": "97110", "minutes": 33, "units": 2, "timed": True},
            {"code": "97140", "minutes": 7, "units": 0, "timed": True},
        ],
        "total_units": 3,
        "timed_minutes": 40,
    }


BAD = [
    ("not-a-number", ["97110=abc"], "abc"),
    ("negative", ["97110=-5"], "-5"),
    ("no-equals", ["97110"], "97110"),
    ("unknown-code", ["99999=10"], "99999"),
    ("bad-method", ["--method", "eight", "97110=10"], "eight"),
    # A day holds 1,440 minutes: one entry, or a day's entries together, cannot hold more.
    ("more-than-a-day", ["97110=1441"], "1441 minutes is more than a day holds (1,440)"),
    ("a-day-in-total", ["97110=800", "97140=700"], "1,500 minutes, more than a day holds"),
    ("thousands-of-digits", ["97110=" + "9" * 5000], "999999999... minutes is more than a day"),
    ("superscript-digits", ["97110=\u00b9\u2075"], "is not a whole number"),
    ("huge-code", ["9" * 5000 + "=10"], "unknown procedure code '999999999...'"),
    ("huge-entry", ["A" * 300], "'AAAAAAAAA...' is not CODE=MINUTES"),
]


@pytest.mark.parametrize(
    ("argv", "named"), [(a, n) for _, a, n in BAD], ids=[case for case, *_ in BAD]
)
def test_units_bad_input_is_one_line_and_exit_2(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # given / when
    status = main(["units", *argv])
    # then
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert len(err) < 200
    assert named in err


def test_a_whole_day_is_still_an_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "97110=1000", "97140=440"]) == 0
    assert capsys.readouterr().out == "97110 67\n97140 29\ntotal 96\n"
