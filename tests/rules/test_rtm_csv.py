"""The RTM data CSV a monitoring app exports (rules/rtm_csv.py, ADR 0570): days of data read
from good rows, and every bad row reported by line and column, with nothing taken from a file
that has one."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.rtm_csv import MAX_ROWS, RowProblem, read_rtm_csv

REFS = frozenset({"RTM-12", "knee-app-0042"})
FIRST, LAST = dt.date(2026, 3, 2), dt.date(2026, 4, 15)


def _read(text: str):  # type: ignore[no-untyped-def]
    return read_rtm_csv(text, references=REFS, first=FIRST, last=LAST)


def test_a_good_export_gives_its_days_with_readings() -> None:
    # given rows for both references, a zero day, a repeated day and a blank line
    text = (
        "\ufeffdate,patient,readings,steps\n"
        "2026-03-02,RTM-12,3,1200\n"
        "2026-03-03,rtm-12,0,0\n"
        "\n"
        "03/04/2026,knee-app-0042,1,900\n"
        "2026-03-04,RTM-12,2,900\n"
    )
    # when
    result = _read(text)
    # then the days with readings, once each
    assert result.ok
    assert result.rows == 4
    assert result.data_days == frozenset({dt.date(2026, 3, 2), dt.date(2026, 3, 4)})


def test_columns_in_any_order_and_minutes_instead_of_readings() -> None:
    result = _read("minutes,date,patient\n12,2026-03-05,RTM-12\n0,2026-03-06,RTM-12\n")
    assert result.ok
    assert result.data_days == frozenset({dt.date(2026, 3, 5)})


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        pytest.param(
            "2026-13-01,RTM-12,1",
            RowProblem(2, "date", "'2026-13-01' is not a date (YYYY-MM-DD)"),
            id="bad-date",
        ),
        pytest.param(",RTM-12,1", RowProblem(2, "date", "is empty"), id="no-date"),
        pytest.param(
            "2026-03-01,RTM-12,1",
            RowProblem(2, "date", "is before the enrolment's start (2026-03-02)"),
            id="before-start",
        ),
        pytest.param(
            "2026-04-16,RTM-12,1", RowProblem(2, "date", "is after 2026-04-15"), id="after-last"
        ),
        pytest.param(
            "2026-03-05,RTM-99,1",
            RowProblem(2, "patient", "is not this enrolment's reference"),
            id="other-patient",
        ),
        pytest.param("2026-03-05,,1", RowProblem(2, "patient", "is empty"), id="no-patient"),
        pytest.param(
            "2026-03-05,RTM-12,-1",
            RowProblem(2, "readings", "'-1' is not a whole number 0 or more"),
            id="negative",
        ),
        pytest.param(
            "2026-03-05,RTM-12,yes",
            RowProblem(2, "readings", "'yes' is not a whole number 0 or more"),
            id="not-a-number",
        ),
        pytest.param("2026-03-05,RTM-12", RowProblem(2, "readings", "is empty"), id="short-row"),
    ],
)
def test_each_bad_row_is_reported_by_line_and_column(row: str, problem: RowProblem) -> None:
    result = _read(f"date,patient,readings\n{row}\n")
    assert result.problems == (problem,)
    assert not result.ok


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    text = "date,patient,readings\n2026-03-02,RTM-12,1\nnope,RTM-12,1\n2026-03-04,RTM-99,x\n"
    result = _read(text)
    assert [str(p) for p in result.problems] == [
        "line 3, date: 'nope' is not a date (YYYY-MM-DD)",
        "line 4, patient: is not this enrolment's reference",
        "line 4, readings: 'x' is not a whole number 0 or more",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "file: the file is empty", id="empty"),
        pytest.param(
            "day,who,count\n2026-03-02,RTM-12,1\n",
            "line 1: the header lacks date, patient, readings (or minutes): need "
            "date,patient,readings",
            id="wrong-header",
        ),
    ],
)
def test_a_file_without_the_header_is_refused_whole(text: str, message: str) -> None:
    result = _read(text)
    assert [str(p) for p in result.problems] == [message]
    assert result.data_days == frozenset()


def test_a_file_longer_than_the_limit_is_refused() -> None:
    rows = "".join("2026-03-02,RTM-12,1\n" for _ in range(MAX_ROWS + 1))
    result = _read("date,patient,readings\n" + rows)
    assert (
        str(result.problems[-1])
        == f"line {MAX_ROWS + 2}: more than {MAX_ROWS} rows: split the file"
    )
