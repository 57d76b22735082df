"""Plain words for what a 999 or a 277CA says about our claims (data/acknowledgment_codes.json).

A 999 answers each transaction set (IK5 status and reasons) and names the segments (IK3) and
elements (IK4) in error; a 277CA answers each claim with STC category, status and entity codes.
`explain_*` turn them into one sentence a biller reads; `fix_area` says which part of the
record the fix is in (patient, payer, provider, diagnosis, visit), so a worklist can link to
the screen that fixes it. A code missing from the table is shown as itself, never guessed.
IK404 (the bad data copied back) can be patient data and is never put in an explanation.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, Literal

from cleannote.edi.x12_277 import Status
from cleannote.edi.x12_999 import SegmentError, SetResponse

Outcome = Literal["accepted", "rejected", "none"]
FIX_AREAS = ("patient", "payer", "provider", "diagnosis", "visit")


@cache
def _table() -> dict[str, Any]:
    text = resources.files("cleannote.edi").joinpath("data/acknowledgment_codes.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _words(kind: str, code: str) -> str:
    words: str | None = _table()[kind].get(code)
    return words if words is not None else f"code {code}"


def source() -> str:
    return str(_table()["source"])


# --- 999 ----------------------------------------------------------------------------------------


def explain_segment_error(error: SegmentError) -> str:
    """One IK3 with its IK4s: where (segment, position, loop) and what, without the bad data."""
    where = f"segment {error.segment_id or '?'}"
    if error.position_in_set:
        where += f" (segment {error.position_in_set} of the set"
        where += f", loop {error.loop_id})" if error.loop_id else ")"
    elif error.loop_id:
        where += f" (loop {error.loop_id})"
    text = f"{where}: {_words('segment_errors', error.error_code)}"
    for element in error.elements:
        text += f"; {_element_name(error.segment_id, element.position)}"
        if element.data_element:
            text += f" (data element {element.data_element})"
        text += f": {_words('element_errors', element.error_code)}"
    if error.trigger:
        text += f" (required because segment {error.trigger} is present)"
    return text


def _element_name(segment_id: str, position: str) -> str:
    """IK401 (element position, then component and repetition, in the file's component
    delimiter) as the guide names it: CLM05-3."""
    parts = [p for p in re.split(r"\D", position) if p]
    if not parts:
        return f"{segment_id} element {position or '?'}"
    name = f"{segment_id}{int(parts[0]):02d}"
    return name + (f"-{int(parts[1])}" if len(parts) > 1 else "")


def explain_set_response(response: SetResponse) -> str:
    """The IK5 verdict and its reasons in one sentence, for the whole set."""
    status = _words("set_status", response.status)
    reasons = [_words("set_errors", code) for code in response.error_codes]
    return f"the file's transaction set {response.control_number} was {status}" + (
        ": " + "; ".join(reasons) if reasons else ""
    )


# --- 277CA --------------------------------------------------------------------------------------


def status_outcome(category: str) -> Outcome:
    """What a claim status category means for the claim: accepted, rejected or nothing."""
    entry = _table()["status_categories"].get(category)
    if entry is None:
        return "none"
    outcome: Outcome = entry["outcome"]
    return outcome


def explain_status(status: Status) -> str:
    """One STC composite in words: the category, then the status code about the entity."""
    category = _table()["status_categories"].get(status.category)
    text = f"{status.category}: {category['meaning'] if category else 'an unknown category'}"
    if status.status:
        text += f"; {status.status}: {_words('status_codes', status.status)}"
        if status.entity:
            text += f" ({_table()['entities'].get(status.entity, 'entity ' + status.entity)})"
    return text


def fix_area(status_code: str, entity: str = "") -> str:
    """The part of the record a rejection points at ('' if it does not say): by the status
    code first (33: the member id, patient), else by the entity it names (85: billing
    provider)."""
    table = _table()
    for hints, code in (
        (table["fix_hints_by_status"], status_code),
        (table["fix_hints_by_entity"], entity),
    ):
        for area in FIX_AREAS:
            if code and code in hints.get(area, ()):
                return str(area)
    return ""


__all__ = [
    "FIX_AREAS",
    "explain_segment_error",
    "explain_set_response",
    "explain_status",
    "fix_area",
    "source",
    "status_outcome",
]
