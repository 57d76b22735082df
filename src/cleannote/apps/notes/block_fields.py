"""Which inputs a treatment block shows, generated from the code's documentation elements.

The procedure catalog says what a payer expects to read for each code (`DocElement`); this table
says how the note page asks for each element, so a block for 97110 asks for the exercise,
position, sets, reps, resistance, target outcome and measure, and a block for 97140 for the
techniques and regions, with no per-code template. Keys are the `parameters` keys the scrubber
reads (docs/visit-format.md), so what the therapist types is exactly what is checked.

Elements carried by a block's own fields (goal, body regions, management minutes) have no entry:
the block always shows the goal picker, regions, laterality and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cleannote.rules.catalog import DocElement, find_procedure


class InputKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    WHOLE_NUMBER = "whole_number"


@dataclass(frozen=True, slots=True)
class ParameterInput:
    key: str
    label: str
    kind: InputKind = InputKind.TEXT
    hint: str = ""


T, L, N = InputKind.TEXT, InputKind.LONG_TEXT, InputKind.WHOLE_NUMBER

ELEMENT_INPUTS: dict[DocElement, tuple[ParameterInput, ...]] = {
    DocElement.EXERCISE: (ParameterInput("exercise", "Exercise", T, "e.g. sit-to-stand"),),
    DocElement.PARAMETERS: (
        ParameterInput("position", "Position", T, "e.g. standing"),
        ParameterInput("sets", "Sets", N),
        ParameterInput("reps", "Reps", N),
        ParameterInput("resistance", "Resistance / load", T, "e.g. red band, 5 lb"),
    ),
    DocElement.TARGET_OUTCOME: (
        ParameterInput("target_outcome", "Target outcome", T, "the one thing this should change"),
    ),
    DocElement.BASELINE_MEASURE: (
        ParameterInput("baseline_measure", "Measure now", T, "e.g. knee flexion 95°"),
    ),
    DocElement.ACTIVITY: (ParameterInput("activity", "Activity", T, "the functional task"),),
    DocElement.COMPONENTS: (
        ParameterInput("components", "Components", T, "e.g. balance, reach, weight shift"),
    ),
    DocElement.SKILLED_DIRECTION: (
        ParameterInput("skilled_direction", "Skilled direction", L, "what you cued or corrected"),
    ),
    DocElement.TECHNIQUES: (
        ParameterInput("techniques", "Techniques", T, "e.g. grade III PA glides"),
    ),
    DocElement.MODALITY_PARAMETERS: (
        ParameterInput("modality_parameters", "Device and settings", T),
    ),
    DocElement.RESPONSE: (ParameterInput("response", "Response", T),),
    DocElement.GROUP_SIZE: (ParameterInput("group_size", "Group size", N),),
    DocElement.HISTORY: (ParameterInput("history", "History / profile", L),),
    DocElement.EXAMINATION: (ParameterInput("examination", "Examination", L),),
    DocElement.CLINICAL_PRESENTATION: (
        ParameterInput(
            "clinical_presentation", "Presentation", T, "one of: stable, evolving, unstable"
        ),
    ),
    DocElement.COMPLEXITY: (ParameterInput("complexity", "Complexity and why", T),),
    DocElement.PLAN_OF_CARE: (ParameterInput("plan_of_care", "Plan of care", L),),
    DocElement.CHANGE_IN_STATUS: (ParameterInput("change_in_status", "Change in status", L),),
    DocElement.TESTS_ADMINISTERED: (ParameterInput("tests_administered", "Tests given", T),),
    DocElement.INTERPRETATION: (ParameterInput("interpretation", "Interpretation", L),),
    DocElement.DEVICE: (ParameterInput("device", "Device", T),),
    DocElement.EDUCATION: (ParameterInput("education", "Education", T),),
    DocElement.CAREGIVER: (ParameterInput("caregiver", "Caregiver trained", T),),
    DocElement.SPINAL_REGIONS: (
        ParameterInput("spinal_regions", "Spinal regions", T, "e.g. cervical, thoracic"),
    ),
    DocElement.SUBLUXATION: (ParameterInput("subluxation", "Subluxation", T),),
    DocElement.DEVICE_DAYS: (ParameterInput("device_days", "Days with data", N),),
    DocElement.MONITORING_REVIEW: (ParameterInput("monitoring_review", "Data reviewed", L),),
    DocElement.INTERACTIVE_COMMUNICATION: (
        ParameterInput("interactive_communication", "Live exchange", L),
    ),
}
# Carried by the block's own fields, not by parameters.
OWN_FIELD_ELEMENTS = frozenset(
    {DocElement.GOAL, DocElement.BODY_REGIONS, DocElement.MANAGEMENT_MINUTES}
)
# Shown for a code the catalog does not carry, so a block is never without a place to write.
FALLBACK = (ParameterInput("parameters", "Details", L),)


def inputs_for(code: str) -> tuple[ParameterInput, ...]:
    """The parameter inputs for `code`, in the catalog's order of its documentation elements."""
    procedure = find_procedure(code)
    if procedure is None:
        return FALLBACK
    inputs: list[ParameterInput] = []
    for element in procedure.documentation:
        inputs.extend(ELEMENT_INPUTS.get(element, ()))
    return tuple(inputs)


def needs_regions(code: str) -> bool:
    procedure = find_procedure(code)
    return procedure is not None and DocElement.BODY_REGIONS in procedure.documentation
