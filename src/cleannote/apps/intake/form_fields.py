"""The fields a clinic builds intake forms from, and how a patient's answers are checked.

Pure functions over plain data (no Django): the builder page stores a version's fields as the
JSON `FieldSpec.as_json` writes, and both the builder and the patient's page read them back
through `read_fields`, so a form can only hold fields this module can check. Each field may
name a chart field it fills (`ChartTarget`): its answer becomes a suggestion for the front desk,
never a change by itself (ADR 0960). A medication list is one medication a line, read by
`rules.medication_lines`; the pain now is offered to the therapist's next note (ADR 0964).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cleannote.rules.body_regions import BODY_DIAGRAM_REGIONS
from cleannote.rules.medication_lines import MedicationLineError, parse_lines, split_lines
from cleannote.rules.outcome_measures import MeasureInputError, check_value, find_instrument

MAX_FIELDS = 60
MAX_TEXT = 500
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")


class FieldType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    SCALE = "scale"
    BODY_REGIONS = "body_regions"
    SIGNATURE = "signature"


FIELD_TYPE_WORDS = {
    FieldType.TEXT: "Text",
    FieldType.CHOICE: "Choice (one of a list)",
    FieldType.DATE: "Date",
    FieldType.SCALE: "Scale (0 to 10 unless set)",
    FieldType.BODY_REGIONS: "Body diagram regions",
    FieldType.SIGNATURE: "Signature (typed full name)",
}


class ChartTarget(StrEnum):
    """Chart fields an answer may fill, each accepted through the patients app's own action.

    A medication list (a text answer, one medication a line) is accepted onto the chart's
    medication list; the pain now (a 0-10 scale) is never the desk's: the therapist's next
    draft note offers it for its subjective pain (ADR 0964)."""

    ADDRESS_LINE1 = "address_line1"
    ADDRESS_LINE2 = "address_line2"
    CITY = "city"
    STATE = "state"
    ZIP = "zip"
    PHONE = "phone"
    EMAIL = "email"
    MEMBER_ID = "coverage.member_id"
    GROUP_NUMBER = "coverage.group_number"
    MEDICATIONS = "medications"
    PAIN_NOW = "pain_now"


TARGET_WORDS = {
    ChartTarget.ADDRESS_LINE1: "Address line 1",
    ChartTarget.ADDRESS_LINE2: "Address line 2",
    ChartTarget.CITY: "City",
    ChartTarget.STATE: "State",
    ChartTarget.ZIP: "ZIP",
    ChartTarget.PHONE: "Phone",
    ChartTarget.EMAIL: "Email",
    ChartTarget.MEMBER_ID: "Coverage card: member ID",
    ChartTarget.GROUP_NUMBER: "Coverage card: group number",
    ChartTarget.MEDICATIONS: "Medication list (one a line)",
    ChartTarget.PAIN_NOW: "Pain now (0-10), for the next note",
}
# The targets whose answer waits for the therapist's note rather than the front desk.
NOTE_TARGETS = frozenset({ChartTarget.PAIN_NOW})
MEDICATIONS_MAX = 500
# An outcome measure the chart knows is a target too: "measure:LEFS" and so on.
MEASURE_PREFIX = "measure:"


def target_words(target: str) -> str:
    if target.startswith(MEASURE_PREFIX):
        found = find_instrument(target.removeprefix(MEASURE_PREFIX))
        return f"Outcome measure: {found.name}" if found else target
    try:
        return TARGET_WORDS[ChartTarget(target)]
    except ValueError:
        return target


def known_target(target: str) -> bool:
    if target.startswith(MEASURE_PREFIX):
        return find_instrument(target.removeprefix(MEASURE_PREFIX)) is not None
    return target in ChartTarget._value2member_map_


class FormDefinitionError(ValueError):
    """A field definition the builder cannot publish; `where` names the field."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    label: str
    type: FieldType
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 10
    maps_to: str = ""

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "key": self.key,
            "label": self.label,
            "type": self.type.value,
            "required": self.required,
        }
        if self.type is FieldType.CHOICE:
            out["choices"] = list(self.choices)
        if self.type is FieldType.SCALE:
            out["low"], out["high"] = self.low, self.high
        if self.maps_to:
            out["maps_to"] = self.maps_to
        return out

    @property
    def options(self) -> tuple[str, ...]:
        """What a choice or body-diagram field offers."""
        if self.type is FieldType.BODY_REGIONS:
            return BODY_DIAGRAM_REGIONS
        return self.choices

    @property
    def multiline(self) -> bool:
        """A text answer of several lines: the medication list, one medication a line."""
        return self.type is FieldType.TEXT and self.maps_to == ChartTarget.MEDICATIONS

    @property
    def scale_points(self) -> range:
        return range(self.low, self.high + 1)


def read_field(raw: Mapping[str, object], where: str) -> FieldSpec:
    """One field from its JSON, checked; FormDefinitionError naming `where` otherwise."""
    key = str(raw.get("key", "")).strip()
    if not _KEY.match(key):
        raise FormDefinitionError(
            where, "the key is lower-case letters, digits and _ (up to 40), starting a letter"
        )
    label = " ".join(str(raw.get("label", "")).split())
    if not label or len(label) > 200:
        raise FormDefinitionError(where, "the label is 1 to 200 characters")
    try:
        kind = FieldType(str(raw.get("type", "")))
    except ValueError:
        raise FormDefinitionError(
            where, f"the type is one of {', '.join(t.value for t in FieldType)}"
        ) from None
    raw_choices = raw.get("choices", [])
    choices = tuple(
        " ".join(str(c).split())
        for c in (raw_choices if isinstance(raw_choices, list) else [])
        if str(c).strip()
    )
    if kind is FieldType.CHOICE and len(choices) < 2:
        raise FormDefinitionError(where, "a choice field needs at least two choices")
    try:
        low, high = int(str(raw.get("low", 0))), int(str(raw.get("high", 10)))
    except ValueError:
        raise FormDefinitionError(where, "the scale ends are whole numbers") from None
    if kind is FieldType.SCALE and not 0 <= low < high <= 100:
        raise FormDefinitionError(where, "the scale runs from a low end to a higher one, 0-100")
    maps_to = str(raw.get("maps_to", "") or "").strip()
    if maps_to and not known_target(maps_to):
        raise FormDefinitionError(where, f"the chart field {maps_to[:40]!r} is not one we know")
    if maps_to.startswith(MEASURE_PREFIX):
        measured = find_instrument(maps_to.removeprefix(MEASURE_PREFIX))
        if measured is not None and not measured.patient_reported:
            raise FormDefinitionError(
                where, f"{measured.code} is a test the clinician performs, not a patient's answer"
            )
    if maps_to and kind in (FieldType.SIGNATURE, FieldType.BODY_REGIONS):
        raise FormDefinitionError(where, f"a {kind.value} field does not fill a chart field")
    if maps_to == ChartTarget.MEDICATIONS and kind is not FieldType.TEXT:
        raise FormDefinitionError(where, "a medication list is a text field (one a line)")
    if maps_to == ChartTarget.PAIN_NOW and (kind is not FieldType.SCALE or (low, high) != (0, 10)):
        raise FormDefinitionError(where, "the pain now is a scale field from 0 to 10")
    return FieldSpec(key, label, kind, bool(raw.get("required")), choices, low, high, maps_to)


def read_fields(raw: object) -> tuple[FieldSpec, ...]:
    """A version's fields from their stored JSON (a list), checked as a whole."""
    if not isinstance(raw, list) or not raw:
        raise FormDefinitionError("form", "a form has at least one field")
    if len(raw) > MAX_FIELDS:
        raise FormDefinitionError("form", f"a form has at most {MAX_FIELDS} fields")
    fields = tuple(
        read_field(item if isinstance(item, dict) else {}, f"field {n}")
        for n, item in enumerate(raw, 1)
    )
    seen: set[str] = set()
    for number, spec in enumerate(fields, 1):
        if spec.key in seen:
            raise FormDefinitionError(f"field {number}", f"the key {spec.key!r} is used twice")
        seen.add(spec.key)
    return fields


def check_answers(
    fields: Sequence[FieldSpec], given: Mapping[str, Sequence[str]]
) -> tuple[dict[str, object], dict[str, str]]:
    """The patient's answers (each key to the values posted), cleaned, and the problems by key.

    A body-diagram field takes several regions; every other field one value. A signature is
    the patient's typed full name.
    """
    answers: dict[str, object] = {}
    problems: dict[str, str] = {}
    for spec in fields:
        if spec.multiline:
            _check_list(spec, given.get(spec.key, ()), answers, problems)
            continue
        values = [" ".join(v.split()) for v in given.get(spec.key, ()) if v and v.strip()]
        if not values:
            if spec.required:
                problems[spec.key] = "Please answer this."
            continue
        if spec.type is FieldType.BODY_REGIONS:
            unknown = [v for v in values if v not in BODY_DIAGRAM_REGIONS]
            if unknown:
                problems[spec.key] = "Choose regions from the diagram."
            else:
                answers[spec.key] = sorted(set(values), key=BODY_DIAGRAM_REGIONS.index)
            continue
        value = values[0][:MAX_TEXT]
        problem = _problem(spec, value)
        if problem:
            problems[spec.key] = problem
        else:
            answers[spec.key] = value
    return answers, problems


def _check_list(
    spec: FieldSpec, values: Sequence[str], answers: dict[str, object], problems: dict[str, str]
) -> None:
    """A medication list: its lines kept (one a line, spaces tidied), each one readable."""
    lines = split_lines("\n".join(v for v in values if v))
    if not lines:
        if spec.required:
            problems[spec.key] = "Please answer this."
        return
    text = "\n".join(lines)
    if len(text) > MEDICATIONS_MAX:
        problems[spec.key] = f"Keep the list under {MEDICATIONS_MAX} characters."
        return
    try:
        parse_lines(text)
    except MedicationLineError as exc:
        problems[spec.key] = f"Line {exc.line}: {exc.problem}." if exc.line else f"{exc}."
        return
    answers[spec.key] = text


def _problem(spec: FieldSpec, value: str) -> str:
    if spec.type is FieldType.CHOICE and value not in spec.choices:
        return "Choose one of the answers offered."
    if spec.type is FieldType.DATE:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "Enter the date as YYYY-MM-DD."
    if spec.type is FieldType.SCALE and (
        not value.isdigit() or not spec.low <= int(value) <= spec.high
    ):
        return f"Choose a number from {spec.low} to {spec.high}."
    if spec.type is FieldType.SIGNATURE and len(value) < 2:
        return "Type your full name to sign."
    if spec.maps_to.startswith(MEASURE_PREFIX):
        found = find_instrument(spec.maps_to.removeprefix(MEASURE_PREFIX))
        if found is not None:
            try:
                check_value(found, value)
            except MeasureInputError as exc:
                return str(exc)
    return ""


def suggestions_of(
    fields: Sequence[FieldSpec], answers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(chart target, value) for every answered field the front desk decides, in form order:
    those that map to the chart, except the ones a note offers (`NOTE_TARGETS`)."""
    return [
        (spec.maps_to, str(answers[spec.key]))
        for spec in fields
        if spec.maps_to and spec.maps_to not in NOTE_TARGETS and spec.key in answers
    ]


def pain_now_of(fields: Sequence[FieldSpec], answers: Mapping[str, object]) -> int | None:
    """The patient's pain now (0-10) when the form asked it and they answered."""
    for spec in fields:
        if spec.maps_to == ChartTarget.PAIN_NOW and spec.key in answers:
            return int(str(answers[spec.key]))
    return None


def shown_answer(spec: FieldSpec, value: object) -> str:
    """An answer as the signed document prints it."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if spec.type is FieldType.SCALE:
        return f"{value} (of {spec.low} to {spec.high})"
    return str(value)
