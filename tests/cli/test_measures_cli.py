"""`cleannote measures`: the instrument list, and scoring that exits 2 naming a bad answer."""

from __future__ import annotations

import json

import pytest

from cleannote.cli.main import main
from tests.rules.test_outcome_measures import LEFS_ANSWERS as LEFS_44


def test_measures_score_lefs_prints_the_total_out_of_80(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given 20 answers / when
    status = main(["measures", "score", "LEFS", *LEFS_44])
    # then
    out, err = capsys.readouterr()
    assert status == 0
    assert err == ""
    assert out == "LEFS 44/80  (higher is better; MCID 9)\n"


def test_measures_score_prints_the_band_where_one_is_published(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["measures", "score", "tug", "13.5"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert out == "TUG 13.5 s  at risk of falling  (lower is better; MCID 0.8)\n"


@pytest.mark.parametrize(
    ("_case", "argv", "message"),
    [
        ("19 answers", ["LEFS", *LEFS_44[:19]], "LEFS takes 20 answers, got 19"),
        ("no answers", ["LEFS"], "LEFS takes 20 answers, got 0"),
        ("21 answers", ["LEFS", *LEFS_44, "4"], "LEFS takes 20 answers, got 21"),
        ("answer out of range", ["LEFS", *LEFS_44[:19], "5"], "LEFS answer 20 is '5'"),
        ("licensed total out of range", ["ODI", "120"], "ODI value 120 is out of range"),
        ("unknown instrument", ["ABC", "1"], "unknown instrument 'ABC'"),
    ],
)
def test_measures_score_exits_2_naming_the_problem(
    _case: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["measures", "score", *argv])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("cleannote: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_measures_score_json(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["measures", "score", "--json", "DHI", *(["2"] * 18), *(["0"] * 7)])
    out, _ = capsys.readouterr()
    assert status == 0
    payload = json.loads(out)
    assert payload["total"] == "36"
    assert payload["band"] == "moderate handicap"
    assert payload["thresholds"][0]["points"] == "18"


def test_measures_list_shows_each_instrument_and_what_is_scored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["measures", "list"])
    out, _ = capsys.readouterr()
    assert status == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "0-80 points" in lines["LEFS"]
    assert "MCID 9" in lines["LEFS"]
    assert "free to use: scored in full" in lines["LEFS"]
    assert "licensed form: total only" in lines["ODI"]
    assert "lower is better" in lines["DHI"]


def test_measures_list_json_carries_licence_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["measures", "list", "--json"])
    out, _ = capsys.readouterr()
    assert status == 0
    rows = {row["code"]: row for row in json.loads(out)}
    assert rows["LEFS"]["thresholds"][0]["source"].startswith("Binkley")
    assert rows["QUICKDASH"]["licence"] == "licensed"
    assert rows["BBS"]["bands"][0] == {"from": "0", "label": "high fall risk"}
