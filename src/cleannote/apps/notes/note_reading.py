"""What a note shows its reader, the same on the note page and in its PDF.

The page and the PDF read these, so neither can show what the other leaves out: each block's
details (the per-code parameters, labelled as the editor labels them), goals by their text,
objective values marked when they were carried from an earlier visit rather than measured on
this one (ADR 0542), and, on a progress report, the case's outcome measures up to the note's
date of service with their change since the first and the MCID (ADR 0541). Times are the
clinic's, in its zone and its 12- or 24-hour way, on the page and on paper alike
(`cleannote.platform.clock`, ADR 0590).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cleannote.apps.notes.block_fields import inputs_for
from cleannote.apps.notes.models import Note, TreatmentBlock
from cleannote.apps.notes.objective import SECTIONS, is_carried
from cleannote.apps.patients.measure_chart import MeasureSeries, measure_series
from cleannote.apps.patients.models import OutcomeMeasureResult


@dataclass(frozen=True, slots=True)
class ObjectiveLine:
    text: str
    last_measured: dt.date | None  # set when carried, not measured on this visit

    @property
    def carried_text(self) -> str:
        if self.last_measured is None:
            return ""
        return (
            f"not measured this visit; last measured on "
            f"{self.last_measured.day} {self.last_measured:%b %Y}"
        )


def _line_text(section: str, row: dict[str, Any]) -> str:
    if section == "rom":
        what = f"{row.get('side', '')} {row['joint']} {row['motion']}".strip()
        return f"{what}: {row['degrees']}°"
    if section == "strength":
        return f"{row.get('side', '')} {row['muscle_group']}".strip() + f": {row['grade']}"
    maximum = f"/{row['max']}" if row.get("max") not in (None, "") else ""
    return f"{row['name']}: {row['score']}{maximum}"


def objective_lines(objective: dict[str, Any]) -> dict[str, list[ObjectiveLine]]:
    """Each section's rows as lines a person reads, carried ones with their measured day."""
    return {
        section: [
            ObjectiveLine(
                _line_text(section, row),
                dt.date.fromisoformat(row["measured_on"]) if is_carried(row) else None,
            )
            for row in objective.get(section, [])
        ]
        for section in SECTIONS
    }


def block_details(block: TreatmentBlock) -> list[tuple[str, str]]:
    """The block's parameters as (label, value), in the editor's order; keys the editor does
    not show for this code (carried from elsewhere) follow, named by their key."""
    labels = {spec.key: spec.label for spec in inputs_for(block.code)}
    ordered = [key for key in labels if key in block.parameters]
    ordered += [key for key in block.parameters if key not in labels]
    return [
        (labels.get(key, key.replace("_", " ").capitalize()), str(block.parameters[key]))
        for key in ordered
        if block.parameters[key] not in ("", None)
    ]


def goal_texts(block: TreatmentBlock) -> list[str]:
    return [goal.text for goal in block.goals.all()]


def progress_measures(note: Note) -> list[MeasureSeries]:
    """The case's outcome measures up to and including the note's date of service."""
    return measure_series(
        OutcomeMeasureResult.objects.filter(
            case_id=note.case_id, measured_on__lte=note.date_of_service
        )
    )
