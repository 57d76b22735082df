"""The shape of a note's objective section, checked before it is stored.

Objective findings are kept as one JSON document so the note page can grow new measures
without a migration; this check keeps that document regular enough to trend over visits:

    {"rom": [{"joint": "knee", "motion": "flexion", "side": "right", "degrees": 95}],
     "strength": [{"muscle_group": "quadriceps", "side": "left", "grade": "4/5"}],
     "outcome_measures": [{"name": "LEFS", "score": 42, "max": 80}]}

A row carried forward from an earlier visit keeps `measured_on`, the day it was really
measured, until the therapist enters a new value: it shows as "last measured on DATE" and is
never a point in a trend (ADR 0542). A row without `measured_on` was measured on the note's
own date of service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

SIDES = ("left", "right", "bilateral", "")
SECTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "rom": {"joint": str, "motion": str, "side": str, "degrees": int, "measured_on": str},
    "strength": {"muscle_group": str, "side": str, "grade": str, "measured_on": str},
    "outcome_measures": {
        "name": str,
        "score": (int, float, str),
        "max": (int, float, str),
        "measured_on": str,
    },
}
OPTIONAL = {("outcome_measures", "max")} | {(section, "measured_on") for section in SECTIONS}
# The value a visit measures in each section; the other fields name what was measured.
MEASURED_VALUE = {"rom": "degrees", "strength": "grade", "outcome_measures": "score"}
IDENTITY = {
    "rom": ("joint", "motion", "side"),
    "strength": ("muscle_group", "side"),
    "outcome_measures": ("name",),
}


def empty_objective() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in SECTIONS}


def row_identity(section: str, row: dict[str, Any]) -> tuple[str, ...]:
    """What a row measures (knee flexion right), the same however it was capitalised."""
    return tuple(str(row.get(name, "")).strip().lower() for name in IDENTITY[section])


def is_carried(row: dict[str, Any]) -> bool:
    """True for a value carried from an earlier visit and not measured again on this one."""
    return "measured_on" in row


def carry_objective(objective: dict[str, Any], measured_on: dt.date) -> dict[str, list[Any]]:
    """An earlier note's objective as a new note starts from it: every row keeps the day it was
    really measured (its own `measured_on`, else the earlier note's date of service)."""
    carried: dict[str, list[Any]] = empty_objective()
    for section in SECTIONS:
        carried[section] = [
            {**row, "measured_on": row.get("measured_on") or measured_on.isoformat()}
            for row in objective.get(section, [])
        ]
    return carried


def validate_objective(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError("objective must be an object with rom, strength, outcome_measures")
    unknown = sorted(set(value) - set(SECTIONS))
    if unknown:
        raise ValidationError(f"objective: unknown section {unknown[0]!r}")
    problems: list[str] = []
    for section, rows in value.items():
        if not isinstance(rows, list):
            problems.append(f"objective.{section} must be a list")
            continue
        fields = SECTIONS[section]
        for index, row in enumerate(rows):
            where = f"objective.{section}[{index}]"
            if not isinstance(row, dict):
                problems.append(f"{where} must be an object")
                continue
            for name in sorted(set(row) - set(fields)):
                problems.append(f"{where}: unknown field {name!r}")
            for name, kind in fields.items():
                if name not in row:
                    if (section, name) not in OPTIONAL:
                        problems.append(f"{where}: {name} is required")
                elif isinstance(row[name], bool) or not isinstance(row[name], kind):
                    problems.append(f"{where}.{name}: wrong type {type(row[name]).__name__}")
            if "side" in fields and row.get("side") not in SIDES:
                problems.append(f"{where}.side: {row.get('side')!r} is not left/right/bilateral")
            if "measured_on" in row and not _is_iso_date(row["measured_on"]):
                problems.append(f"{where}.measured_on: not a date (YYYY-MM-DD)")
            degrees = row.get("degrees")
            if section == "rom" and isinstance(degrees, int) and not -30 <= degrees <= 360:
                problems.append(f"{where}.degrees: {row['degrees']} is out of range")
    if problems:
        raise ValidationError(problems)


def _is_iso_date(value: object) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10
