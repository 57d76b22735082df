"""The days of RTM data a monitoring app exports, read from a plain CSV file (ADR 0570).

The format, one row per patient-day (ADR 0570 has it too):

    date,patient,readings
    2026-03-02,RTM-12,3
    2026-03-03,RTM-12,0

- `date`: the day the device or app recorded, `YYYY-MM-DD` (or the US `MM/DD/YYYY`);
- `patient`: the enrolment's reference as Cleannote shows it (`RTM-12`), or the patient
  reference the monitoring app uses, recorded on the enrolment;
- `readings`: how many readings (or exercise sessions) the app recorded that day, a whole number
  0 or more; an export that counts minutes of use may name the column `minutes` instead. A day
  with more than zero is a day of data; a day with zero is allowed and adds nothing.

The header row is required; columns may come in any order and others are ignored (apps add
their own). Every bad row is reported with its line number, column and what is wrong, and a
file with any bad row adds nothing (the shell refuses it whole). Messages name the cell, never
echo a patient reference that is not this enrolment's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

DATE, PATIENT, READINGS, MINUTES = "date", "patient", "readings", "minutes"
MAX_ROWS = 5000


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    """The file's line number (the header is line 1); 0 for the file as a whole."""
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass(frozen=True, slots=True)
class RtmCsv:
    data_days: frozenset[dt.date]
    """Days with at least one reading (or minute of use)."""
    rows: int
    """Rows read (not counting the header or blank lines)."""
    problems: tuple[RowProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rtm_csv(text: str, *, references: frozenset[str], first: dt.date, last: dt.date) -> RtmCsv:
    """Read an export for one enrolment: its rows' `patient` must be one of `references`
    (compared without case or surrounding spaces), their dates within `first`..`last`
    (the enrolment's start and the earlier of its end and today)."""
    known = {r.strip().casefold() for r in references if r.strip()}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        return RtmCsv(frozenset(), 0, (RowProblem(0, "", "the file is empty"),))
    columns = {name.strip().casefold(): i for i, name in enumerate(header)}
    count = READINGS if READINGS in columns else MINUTES
    missing = [c for c in (DATE, PATIENT) if c not in columns]
    if count not in columns:
        missing.append(f"{READINGS} (or {MINUTES})")
    if missing:
        return RtmCsv(
            frozenset(),
            0,
            (
                RowProblem(
                    1, "", f"the header lacks {', '.join(missing)}: need date,patient,readings"
                ),
            ),
        )
    days: set[dt.date] = set()
    problems: list[RowProblem] = []
    rows = 0
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_ROWS:
            problems.append(RowProblem(line, "", f"more than {MAX_ROWS} rows: split the file"))
            break
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}
        day = _date(cells[DATE], line, problems)
        patient = cells[PATIENT]
        if not patient:
            problems.append(RowProblem(line, PATIENT, "is empty"))
        elif patient.casefold() not in known:
            problems.append(RowProblem(line, PATIENT, "is not this enrolment's reference"))
        amount = _count(cells[count], line, count, problems)
        if day is not None:
            if day < first:
                problems.append(
                    RowProblem(line, DATE, f"is before the enrolment's start ({first.isoformat()})")
                )
            elif day > last:
                problems.append(RowProblem(line, DATE, f"is after {last.isoformat()}"))
            elif amount:
                days.add(day)
    return RtmCsv(frozenset(days), rows, tuple(problems))


def _date(cell: str, line: int, problems: list[RowProblem]) -> dt.date | None:
    if not cell:
        problems.append(RowProblem(line, DATE, "is empty"))
        return None
    try:
        if "/" in cell:  # the US month/day/year many exports use
            month, day, year = (int(part) for part in cell.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(cell)
    except ValueError:
        problems.append(RowProblem(line, DATE, f"{cell[:20]!r} is not a date (YYYY-MM-DD)"))
        return None


def _count(cell: str, line: int, column: str, problems: list[RowProblem]) -> int | None:
    if not cell:
        problems.append(RowProblem(line, column, "is empty"))
        return None
    if not cell.isdigit():
        problems.append(RowProblem(line, column, f"{cell[:20]!r} is not a whole number 0 or more"))
        return None
    return int(cell)
