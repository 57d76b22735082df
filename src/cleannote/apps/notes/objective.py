"""The shape of a note's objective section, checked before it is stored.

Objective findings are kept as one JSON document so the note page can grow new measures
without a migration; this check keeps that document regular enough to trend over visits:

    {"rom": [{"joint": "knee", "motion": "flexion", "side": "right", "degrees": 95}],
     "strength": [{"muscle_group": "quadriceps", "side": "left", "grade": "4/5"}],
     "outcome_measures": [{"name": "LEFS", "score": 42, "max": 80}]}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

SIDES = ("left", "right", "bilateral", "")
SECTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "rom": {"joint": str, "motion": str, "side": str, "degrees": int},
    "strength": {"muscle_group": str, "side": str, "grade": str},
    "outcome_measures": {"name": str, "score": (int, float, str), "max": (int, float, str)},
}
OPTIONAL = {("outcome_measures", "max")}


def empty_objective() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in SECTIONS}


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
            degrees = row.get("degrees")
            if section == "rom" and isinstance(degrees, int) and not -30 <= degrees <= 360:
                problems.append(f"{where}.degrees: {row['degrees']} is out of range")
    if problems:
        raise ValidationError(problems)
