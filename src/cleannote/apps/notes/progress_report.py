"""When a note must be a progress report, and the measures trend it reports.

Medicare wants a progress report at least every 10 treatment days (BPM 100-02 ch.15 §220.3D);
a re-evaluation or a discharge summary serves as one (`PROGRESS_REPORT_TYPES`, ADR 0580);
the episode counts treatment days as the visit builder does (signed visits, plus this one), so
the note page, the scrubber's `poc.progress-report-due` and this rule agree on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cleannote.apps.notes.models import PROGRESS_REPORT_TYPES, TREATMENT_VISIT, Note, NoteStatus
from cleannote.apps.notes.objective import is_carried
from cleannote.apps.notes.selectors import PROGRESS_REPORT_EVERY
from cleannote.apps.patients.models import Case


def progress_report_due(case: Case, date_of_service: dt.date) -> bool:
    """True when a visit on `date_of_service` is the treatment day a report falls due."""
    rows = Note.objects.filter(
        TREATMENT_VISIT, case=case, status=NoteStatus.SIGNED, date_of_service__lt=date_of_service
    ).values_list("date_of_service", "note_type")
    return report_due_after(rows)


def report_due_after(visits: Iterable[tuple[dt.date, str]]) -> bool:
    """`progress_report_due` over rows already read: the case's signed treatment visits before
    the day, as (date of service, note type)."""
    days: dict[dt.date, bool] = {}
    for day, note_type in visits:
        days[day] = days.get(day, False) or note_type in PROGRESS_REPORT_TYPES
    ordered = sorted(days.items())
    last_report = max((i for i, (_, r) in enumerate(ordered, start=1) if r), default=0)
    treatment_day = len(ordered) + 1
    return treatment_day - last_report >= PROGRESS_REPORT_EVERY


@dataclass(frozen=True, slots=True)
class TrendRow:
    joint: str
    motion: str
    side: str
    degrees: tuple[int | None, ...]

    @property
    def change(self) -> int | None:
        known = [d for d in self.degrees if d is not None]
        return known[-1] - known[0] if len(known) > 1 else None


@dataclass(frozen=True, slots=True)
class RomTrend:
    dates: tuple[dt.date, ...]
    rows: tuple[TrendRow, ...]


def rom_trend(visits: Iterable[tuple[dt.date, dict[str, Any]]]) -> RomTrend:
    """Range of motion by joint, motion and side across visits (date, objective), oldest first;
    only real measurements count: a visit that did not measure a row (or carried it from an
    earlier visit, ADR 0542) leaves a gap, and the last measure of a day wins. A date is a
    column only when something was measured on it."""
    ordered = sorted(visits, key=lambda v: v[0])
    measured = [
        (day, [row for row in objective.get("rom", []) if not is_carried(row)])
        for day, objective in ordered
    ]
    dates = tuple(dict.fromkeys(day for day, rows in measured if rows))
    column = {day: i for i, day in enumerate(dates)}
    table: dict[tuple[str, str, str], list[int | None]] = {}
    for day, rows in measured:
        for row in rows:
            key = (row["joint"].lower(), row["motion"].lower(), row.get("side", ""))
            table.setdefault(key, [None] * len(dates))[column[day]] = row["degrees"]
    return RomTrend(
        dates=dates,
        rows=tuple(TrendRow(j, m, s, tuple(d)) for (j, m, s), d in sorted(table.items())),
    )


def measures_since_last_report(note: Note) -> RomTrend:
    """The ROM trend from the case's last progress report (its values are the baseline) up to
    and including this note: one query."""
    earlier = list(
        Note.objects.filter(
            TREATMENT_VISIT,
            case_id=note.case_id,
            status=NoteStatus.SIGNED,
            date_of_service__lt=note.date_of_service,
        )
        .order_by("date_of_service", "id")
        .values_list("date_of_service", "note_type", "objective")
    )
    start = max(
        (i for i, (_, kind, _) in enumerate(earlier) if kind in PROGRESS_REPORT_TYPES), default=0
    )
    visits = [(day, objective) for day, _, objective in earlier[start:]]
    visits.append((note.date_of_service, note.objective))
    return rom_trend(visits)
