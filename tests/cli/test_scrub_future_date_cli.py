"""The command line passes today's date as the claims' creation date: a visit dated after it is
`date.future-service` in `cleannote scrub` and refused by `cleannote edi 837` (the core itself
never reads the clock)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cleannote.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _visit_on(tmp_path: Path, day: dt.date) -> Path:
    visit = json.loads((EXAMPLES / "slp-visit.json").read_text(encoding="utf-8"))
    visit["date_of_service"] = day.isoformat()
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(visit), encoding="utf-8")
    return path


def _rules(capsys: pytest.CaptureFixture[str]) -> set[str]:
    report = json.loads(capsys.readouterr().out)
    [visit] = report["visits"]
    return {finding["rule"] for finding in visit["findings"]}


@pytest.mark.parametrize(
    ("days_from_today", "flagged"),
    [
        pytest.param(30, True, id="next-month"),
        pytest.param(0, False, id="near-miss-today"),
        pytest.param(-30, False, id="near-miss-last-month"),
    ],
)
def test_scrub_judges_the_date_of_service_against_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], days_from_today: int, flagged: bool
) -> None:
    # given the SLP example moved relative to today
    day = dt.datetime.now().astimezone().date() + dt.timedelta(days=days_from_today)
    # when
    main(["scrub", "--json", str(_visit_on(tmp_path, day))])
    # then
    assert ("date.future-service" in _rules(capsys)) is flagged


def test_edi_837_refuses_a_visit_dated_after_the_files_creation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = dt.datetime.now().astimezone().date() + dt.timedelta(days=30)
    status = main(["edi", "837", "-o", str(tmp_path / "out.837"), str(_visit_on(tmp_path, day))])
    assert status == 1
    assert "date.future-service" in capsys.readouterr().err
