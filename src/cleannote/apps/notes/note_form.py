"""Reading the note page's form: every posted value checked, every problem tied to its field.

The page autosaves while the therapist types, so half-typed input is normal: a value that does
not parse (degrees "9o", a stop before its start, a visit dated tomorrow) is left out of what is
saved and reported against its own input id, and everything else still saves. A draft may be
incomplete; whether it is billable is the scrubber's question, not this module's.

Input names are the ids the page gives its inputs, so an error and a scrub finding can link
straight to the field: note fields by name (`pain_level`), objective rows `rom-0-degrees`, block
fields `b<block id>-<field>`, block parameters `b<block id>-p-<key>`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cleannote.apps.notes.block_fields import InputKind, inputs_for
from cleannote.apps.notes.models import Note, TreatmentBlock
from cleannote.apps.notes.objective import MEASURED_VALUE, SIDES, is_carried, row_identity
from cleannote.apps.patients.models import GoalStatus
from cleannote.platform.clock import (
    DEFAULT_HOUR_CYCLE,
    HourCycle,
    format_time,
    parse_time,
    time_example,
)
from cleannote.platform.request_params import EARLIEST_DATE
from cleannote.rules.note_types import Complexity
from cleannote.rules.visit import Laterality

TEXT_FIELDS = ("pain_location", "functional_limits", "patient_words", "assessment", "plan")
MAX_ROWS = 40
MAX_MINUTES = 600
OBJECTIVE_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    # section: (input prefix, row inputs)
    "rom": ("rom", ("joint", "motion", "side", "degrees")),
    "strength": ("str", ("muscle_group", "side", "grade")),
    "outcome_measures": ("om", ("name", "score", "max")),
}


@dataclass
class BlockInput:
    """A block's posted values that parsed; a key absent from `fields` keeps its saved value."""

    fields: dict[str, Any] = field(default_factory=dict)
    goal_ids: set[int] | None = None
    parameters: dict[str, Any] | None = None


@dataclass
class DraftInput:
    note_fields: dict[str, Any] = field(default_factory=dict)
    blocks: dict[int, BlockInput] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


def block_prefix(block_id: int) -> str:
    return f"b{block_id}-"


def parse_draft(
    data: Mapping[str, Any],
    blocks: Iterable[TreatmentBlock],
    *,
    today: dt.date,
    stored_objective: Mapping[str, Any] | None = None,
    hour_cycle: HourCycle = DEFAULT_HOUR_CYCLE,
    note: Note | None = None,
) -> DraftInput:
    """The posted note form as values to save, and a message per input that did not parse.

    A carried row (one with `measured_on` in `stored_objective`) posted with its value left
    empty stays as it was: last measured on its day. A value typed into it is a new measurement.
    A block's start and stop are read in either cycle; messages write times the clinic's way
    (`hour_cycle`, ADR 0590). With the stored `note`, its type's own parts are read too: each
    section (`section-<key>`), the stated complexity, and each goal's status and latest value
    (`goal-<id>-status`, `goal-<id>-current`).
    """
    draft = DraftInput()
    _note_fields(data, draft, today)
    if note is not None:
        _report_fields(data, draft, note)
    objective = _objective(data, draft, stored_objective or {})
    if objective is not None:
        draft.note_fields["objective"] = objective
    for block in blocks:
        if f"{block_prefix(block.pk)}present" in data:
            draft.blocks[block.pk] = _block(data, block, draft.errors, hour_cycle)
    return draft


def _get(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _note_fields(data: Mapping[str, Any], draft: DraftInput, today: dt.date) -> None:
    for name in TEXT_FIELDS:
        if name in data:
            text, limit = _get(data, name), getattr(Note._meta.get_field(name), "max_length", None)
            if limit is not None and len(text) > limit:
                draft.errors[name] = f"at most {limit} characters; this has {len(text)}"
            else:
                draft.note_fields[name] = text
    if "pain_level" in data:
        raw = _get(data, "pain_level")
        if not raw:
            draft.note_fields["pain_level"] = None
        elif raw.isascii() and raw.isdigit() and len(raw) <= 2 and int(raw) <= 10:
            draft.note_fields["pain_level"] = int(raw)
        else:
            draft.errors["pain_level"] = f"pain is a whole number from 0 to 10, not {_shown(raw)}"
    if "date_of_service" in data:
        raw = _get(data, "date_of_service")
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            draft.errors["date_of_service"] = f"{_shown(raw)} is not a date (YYYY-MM-DD)"
        else:
            if day > today:
                draft.errors["date_of_service"] = "a visit cannot be dated in the future"
            elif day < EARLIEST_DATE:
                draft.errors["date_of_service"] = "a visit cannot be dated before 1900-01-01"
            else:
                draft.note_fields["date_of_service"] = day


SECTION_MAX = 4000
GOAL_VALUE_MAX = 80  # Goal.current
GOAL_STATUSES = frozenset(GoalStatus.values)


def _report_fields(data: Mapping[str, Any], draft: DraftInput, note: Note) -> None:
    """The note type's sections (merged into the stored ones, so switching type loses no
    text), its complexity and the goal statuses it reports."""
    template = note.template
    sections = dict(note.sections)
    posted = False
    for section in template.sections:
        name = f"section-{section.key}"
        if name in data:
            posted = True
            text = _get(data, name)
            if len(text) > SECTION_MAX:
                draft.errors[name] = f"at most {SECTION_MAX} characters; this has {len(text)}"
            else:
                sections[section.key] = text
    if posted:
        draft.note_fields["sections"] = sections
    if "complexity" in data:
        raw = _get(data, "complexity")
        if raw and raw not in {c.value for c in Complexity}:
            draft.errors["complexity"] = f"complexity is low, moderate or high, not {_shown(raw)}"
        else:
            draft.note_fields["complexity"] = raw
    if not template.reports_goals:
        return
    rows = {row["goal"]: dict(row) for row in note.goal_report}
    changed = False
    for key in data:
        match = _GOAL_STATUS.match(key)
        if match is None:
            continue
        goal_id = int(match.group(1))
        status, current = _get(data, key), _get(data, f"goal-{goal_id}-current")
        if status and status not in GOAL_STATUSES:
            draft.errors[key] = f"status {_shown(status)} is not one of the goal statuses"
            continue
        if len(current) > GOAL_VALUE_MAX:
            draft.errors[f"goal-{goal_id}-current"] = (
                f"at most {GOAL_VALUE_MAX} characters; this has {len(current)}"
            )
            continue
        rows[goal_id] = {"goal": goal_id, "status": status, "current": current}
        changed = True
    if changed:
        draft.note_fields["goal_report"] = [rows[k] for k in sorted(rows)]


_GOAL_STATUS = re.compile(r"^goal-(\d{1,18})-status$")


def _objective(
    data: Mapping[str, Any], draft: DraftInput, stored: Mapping[str, Any]
) -> dict[str, list[Any]] | None:
    if "objective" not in data:
        return None
    result: dict[str, list[Any]] = {}
    for section, (prefix, names) in OBJECTIVE_ROWS.items():
        carried = {
            row_identity(section, row): row
            for row in stored.get(section, [])
            if isinstance(row, dict) and is_carried(row)
        }
        rows: list[dict[str, Any]] = []
        for index in range(MAX_ROWS):
            keys = {name: f"{prefix}-{index}-{name}" for name in names}
            if not any(key in data for key in keys.values()):
                break
            values = {name: _get(data, key) for name, key in keys.items()}
            if not any(v for n, v in values.items() if n != "side"):
                continue
            kept = carried.get(row_identity(section, values))
            if kept is not None and not values[MEASURED_VALUE[section]]:
                rows.append(dict(kept))  # not measured this visit: still last measured then
                continue
            row = _objective_row(section, values, keys, draft.errors)
            if row is not None:
                rows.append(row)
        result[section] = rows
    return result


def _objective_row(
    section: str, values: dict[str, str], keys: dict[str, str], errors: dict[str, str]
) -> dict[str, Any] | None:
    side = values.get("side", "")
    if "side" in values and side not in SIDES:
        errors[keys["side"]] = f"side {_shown(side)} is not left, right or bilateral"
        return None
    if section == "rom":
        missing = [n for n in ("joint", "motion", "degrees") if not values[n]]
        if missing:
            errors[keys[missing[0]]] = f"{missing[0]} is needed for a range-of-motion row"
            return None
        degrees = _whole(values["degrees"])
        if degrees is None or not -30 <= degrees <= 360:
            errors[keys["degrees"]] = (
                f"degrees must be a whole number from -30 to 360, not {_shown(values['degrees'])}"
            )
            return None
        return {
            "joint": values["joint"],
            "motion": values["motion"],
            "side": side,
            "degrees": degrees,
        }
    if section == "strength":
        if not values["muscle_group"] or not values["grade"]:
            name = "muscle_group" if not values["muscle_group"] else "grade"
            errors[keys[name]] = f"{name.replace('_', ' ')} is needed for a strength row"
            return None
        return {"muscle_group": values["muscle_group"], "side": side, "grade": values["grade"]}
    if not values["name"] or not values["score"]:
        name = "name" if not values["name"] else "score"
        errors[keys[name]] = f"{name} is needed for an outcome-measure row"
        return None
    row: dict[str, Any] = {"name": values["name"], "score": _number_or_text(values["score"])}
    if values["max"]:
        row["max"] = _number_or_text(values["max"])
    return row


def _shown(raw: str) -> str:
    """What was typed, as an error repeats it: quoted, and cut after 20 characters."""
    return repr(raw) if len(raw) <= 20 else repr(raw[:20]) + "…"


def _is_id(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and len(raw) <= 18


def _whole(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def _number_or_text(raw: str) -> int | str:
    number = _whole(raw)
    return raw if number is None else number


def _block(
    data: Mapping[str, Any], block: TreatmentBlock, errors: dict[str, str], cycle: HourCycle
) -> BlockInput:
    prefix = block_prefix(block.pk)
    parsed = BlockInput()
    _block_times(data, prefix, parsed, errors, cycle)
    for name in ("minutes", "assistant_minutes"):
        key = prefix + name
        if key not in data:
            continue
        raw = _get(data, key)
        number = _whole(raw) if raw else None
        if raw and (number is None or not 0 <= number <= MAX_MINUTES):
            errors[key] = (
                f"minutes must be a whole number from 0 to {MAX_MINUTES}, not {_shown(raw)}"
            )
        elif name == "assistant_minutes":
            parsed.fields[name] = number or 0
        else:
            parsed.fields[name] = number
    if prefix + "regions" in data:
        parsed.fields["body_regions"] = [
            r.strip().lower() for r in _get(data, prefix + "regions").split(",") if r.strip()
        ]
    if prefix + "laterality" in data:
        side = _get(data, prefix + "laterality")
        if side and side not in {m.value for m in Laterality}:
            errors[prefix + "laterality"] = (
                f"laterality {_shown(side)} is not left, right or bilateral"
            )
        else:
            parsed.fields["laterality"] = side
    if prefix + "justification" in data:
        parsed.fields["justification"] = _get(data, prefix + "justification")
    if prefix + "goals-present" in data:
        raw_goals = data.getlist(prefix + "goals") if hasattr(data, "getlist") else []
        parsed.goal_ids = {int(g) for g in map(str, raw_goals) if _is_id(g)}
    parsed.parameters = _parameters(data, block, prefix, errors)
    return parsed


def _block_times(
    data: Mapping[str, Any],
    prefix: str,
    parsed: BlockInput,
    errors: dict[str, str],
    cycle: HourCycle,
) -> None:
    """Start and stop are saved together or not at all, so the saved pair is always ordered."""
    if prefix + "start" not in data and prefix + "stop" not in data:
        return
    times: dict[str, dt.time | None] = {}
    for name in ("start", "stop"):
        raw = _get(data, prefix + name)
        try:
            times[name] = parse_time(raw) if raw else None
        except ValueError:
            errors[prefix + name] = (
                f"{_shown(raw)} is not a time; write it as {time_example(cycle)}"
            )
    if len(times) < 2:
        return
    start, stop = times["start"], times["stop"]
    if start is not None and stop is not None and stop < start:
        errors[prefix + "stop"] = (
            f"stop {format_time(stop, cycle)} is before start {format_time(start, cycle)}; "
            "fix one of them"
        )
        return
    parsed.fields["start_time"] = start
    parsed.fields["stop_time"] = stop


def _parameters(
    data: Mapping[str, Any], block: TreatmentBlock, prefix: str, errors: dict[str, str]
) -> dict[str, Any] | None:
    """The block's parameters with the posted inputs applied; keys the page does not show for
    this code (carried from elsewhere) are kept as they were."""
    inputs = inputs_for(block.code)
    if not any(f"{prefix}p-{i.key}" in data for i in inputs):
        return None
    parameters = dict(block.parameters)
    for spec in inputs:
        key = f"{prefix}p-{spec.key}"
        if key not in data:
            continue
        raw = _get(data, key)
        if not raw:
            parameters.pop(spec.key, None)
        elif spec.kind is InputKind.WHOLE_NUMBER:
            number = _whole(raw)
            if number is None or number < 0:
                errors[key] = f"{spec.label.lower()} must be a whole number, not {_shown(raw)}"
                continue
            parameters[spec.key] = number
        else:
            parameters[spec.key] = raw
    return parameters
