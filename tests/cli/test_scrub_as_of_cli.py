"""`--as-of YYYY-MM-DD` names the day the claims are made: the Medicare example (date of service
2026-03-10) is late a year and a day after, warned about on the year's last day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleannote.cli.main import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json")


@pytest.mark.parametrize(
    ("as_of", "status", "rules"),
    [
        pytest.param("2027-03-11", 1, ["payer.timely-filing"], id="a-year-and-a-day"),
        pytest.param("2027-03-10", 0, ["payer.timely-filing-soon"], id="the-last-day"),
        pytest.param("2027-02-23", 0, [], id="near-miss-15-days-left"),
    ],
)
def test_scrub_judges_timely_filing_on_the_named_day(
    capsys: pytest.CaptureFixture[str], as_of: str, status: int, rules: list[str]
) -> None:
    assert main(["scrub", "--json", "--as-of", as_of, EXAMPLE]) == status
    [visit] = json.loads(capsys.readouterr().out)["visits"]
    assert [finding["rule"] for finding in visit["findings"]] == rules


def test_edi_837_refuses_the_late_visit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "claims.837"
    assert main(["edi", "837", "--as-of", "2027-03-11", "-o", str(out), EXAMPLE]) == 1
    assert "visit v-2026-0310-07 refused: payer.timely-filing" in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_day_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scrub", "--as-of", "11/03/2027", EXAMPLE]) == 2
    err = capsys.readouterr().err
    assert "'11/03/2027' is not a YYYY-MM-DD date" in err
    assert "Traceback" not in err
