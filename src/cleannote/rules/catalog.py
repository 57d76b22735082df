"""The therapy procedure catalog: what each CPT/HCPCS code a therapy clinic bills means to us.

Units, modifiers, the scrubber and the note templates all ask the same questions of a code (is
it timed, is it always therapy, what must the note say), so the answers live once, as data in
data/procedures.json with a source per entry, and are checked field by field on load. The
descriptors and guidance are our own words: AMA CPT descriptors are copyrighted.

`timed` means "counts toward the day's pooled 15-minute total" (CMS 8-minute rule). Codes
billed per hour, per 30 minutes or per 20 minutes of RTM management are untimed here; their
`unit` says how they are counted (docs/decisions/0010).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from cleannote.rules.catalog_entries import CatalogDataError, EntryReader, read_entries
from cleannote.rules.errors import UnknownCodeError
from cleannote.rules.visit import Discipline

_CODE = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4})$")


class TherapyDesignation(StrEnum):
    """Where CMS's annual therapy code list puts a code (100-04 Ch.5 §20.1)."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NEVER = "never"


class MedicareStatus(StrEnum):
    PAYABLE = "payable"
    BUNDLED = "bundled"
    INVALID = "invalid"
    NON_COVERED = "non_covered"


class DocElement(StrEnum):
    """What a payer expects to read in the note for a code; templates and scrub checks key on it."""

    EXERCISE = "exercise"  # the named exercise
    PARAMETERS = "parameters"  # sets, reps, load, cueing level, distance
    TARGET_OUTCOME = "target_outcome"  # the one thing the service is meant to change
    BASELINE_MEASURE = "baseline_measure"  # where that thing stands now, by a measure
    GOAL = "goal"  # the plan-of-care goal it serves
    ACTIVITY = "activity"  # the functional task practised
    COMPONENTS = "components"  # the several abilities one functional task trains at once
    SKILLED_DIRECTION = "skilled_direction"  # what the clinician cued, corrected or progressed
    TECHNIQUES = "techniques"  # the named techniques or strategies
    BODY_REGIONS = "body_regions"  # each region treated
    MODALITY_PARAMETERS = "modality_parameters"  # device, settings, dose, time
    RESPONSE = "response"  # how the patient responded during an attended service
    GROUP_SIZE = "group_size"  # how many patients or caregivers were in the group
    HISTORY = "history"  # history or occupational profile
    EXAMINATION = "examination"  # systems examined, tests and measures
    CLINICAL_PRESENTATION = "clinical_presentation"  # stable, evolving or unstable
    COMPLEXITY = "complexity"  # the complexity level chosen and why
    PLAN_OF_CARE = "plan_of_care"  # the plan the evaluation or test produced
    CHANGE_IN_STATUS = "change_in_status"  # why a re-evaluation was needed
    TESTS_ADMINISTERED = "tests_administered"  # the named standardized tests
    INTERPRETATION = "interpretation"  # scores and what they mean, in a report
    DEVICE = "device"  # the orthosis, prosthesis, chair or monitoring device
    EDUCATION = "education"  # what the patient or caregiver was taught
    CAREGIVER = "caregiver"  # who was trained, with the patient absent
    SPINAL_REGIONS = "spinal_regions"  # spinal regions manipulated, counted
    SUBLUXATION = "subluxation"  # the subluxation found (Medicare CMT)
    DEVICE_DAYS = "device_days"  # days with device data in the 30-day period
    MONITORING_REVIEW = "monitoring_review"  # the data reviewed and the decisions taken
    INTERACTIVE_COMMUNICATION = "interactive_communication"  # the live exchange with the patient
    MANAGEMENT_MINUTES = "management_minutes"  # minutes of RTM management in the month


class RtmRole(StrEnum):
    SETUP = "setup"
    DEVICE_SUPPLY = "device_supply"
    MANAGEMENT = "management"


class RtmFamily(StrEnum):
    RESPIRATORY = "respiratory"
    MSK = "msk"
    CBT = "cbt"


@dataclass(frozen=True, slots=True)
class RtmSpec:
    """Remote therapeutic monitoring facts: which role the code plays and its thresholds."""

    role: str
    family: str | None
    device_days: tuple[int, int] | None
    management_minutes_floor: int | None


@dataclass(frozen=True, slots=True)
class Procedure:
    code: str
    descriptor: str
    timed: bool
    unit: str
    # Primary codes an add-on code is billed with the same day; empty for a stand-alone code.
    add_on_to: tuple[str, ...]
    disciplines: frozenset[Discipline]
    medicare_therapy: TherapyDesignation
    medicare_status: MedicareStatus
    medicare_replacement: str | None
    mue: int
    documentation: tuple[DocElement, ...]
    needs_justification: bool
    guidance: str
    rtm: RtmSpec | None
    sources: tuple[str, ...]


def procedure(code: str) -> Procedure:
    """The catalog entry for `code`; raises UnknownCodeError for a code we do not carry."""
    found = find_procedure(code)
    if found is None:
        raise UnknownCodeError(code)
    return found


def find_procedure(code: str) -> Procedure | None:
    by_code = _by_code()
    found = by_code.get(code)  # a code spelled as the catalog spells it: one lookup
    return found if found is not None else by_code.get(code.strip().upper())


def all_procedures() -> tuple[Procedure, ...]:
    """Every entry, sorted by code; the bundled file is read and checked once per process."""
    return _bundled()


def is_timed(code: str) -> bool:
    return procedure(code).timed


def load_procedures(path: Path | None = None) -> tuple[Procedure, ...]:
    """Read and check a procedures file (the bundled one when `path` is None), sorted by code.

    Any bad entry refuses the whole file with a CatalogDataError naming the code and field.
    """
    source, by_code = read_entries(path, "procedures.json", "procedures", _procedure)
    for p in by_code.values():
        for primary in p.add_on_to:
            if primary not in by_code or primary == p.code:
                raise CatalogDataError(
                    source, p.code, "add_on_to", f"{primary!r} is not another catalog code"
                )
        if p.medicare_replacement is not None and p.medicare_replacement not in by_code:
            raise CatalogDataError(
                source,
                p.code,
                "medicare_replacement",
                f"{p.medicare_replacement!r} is not in the catalog",
            )
    return tuple(sorted(by_code.values(), key=lambda p: p.code))


@cache
def _bundled() -> tuple[Procedure, ...]:
    return load_procedures()


@cache
def _by_code() -> dict[str, Procedure]:
    return {p.code: p for p in _bundled()}


def _procedure(entry: EntryReader) -> Procedure:
    code = entry.matching_text("code", _CODE, "a five-character CPT or HCPCS code")
    status = entry.choice("medicare_status", MedicareStatus)
    replacement = entry.optional_text("medicare_replacement")
    if (status is MedicareStatus.INVALID) != (replacement is not None):
        raise entry.fail("medicare_replacement", "needed exactly when medicare_status is 'invalid'")
    return Procedure(
        code=code,
        descriptor=entry.text("descriptor"),
        timed=entry.flag("timed"),
        unit=entry.text("unit"),
        add_on_to=_add_on_to(entry),
        disciplines=frozenset(entry.choices("disciplines", Discipline)),
        medicare_therapy=entry.choice("medicare_therapy", TherapyDesignation),
        medicare_status=status,
        medicare_replacement=replacement,
        mue=entry.positive_int("mue"),
        documentation=entry.choices("documentation", DocElement),
        needs_justification=entry.flag("needs_justification"),
        guidance=entry.text("guidance"),
        rtm=_rtm(entry),
        sources=entry.texts("sources"),
    )


def _add_on_to(entry: EntryReader) -> tuple[str, ...]:
    """The primary codes of an add-on code (a list), or () for a stand-alone code (null)."""
    try:
        text = entry.optional_text("add_on_to")
    except CatalogDataError:  # not null and not text: it must be the list of primaries
        return entry.texts("add_on_to")
    if text is not None:
        raise entry.fail("add_on_to", f"expected a list of codes or null, got {text!r}")
    return ()


def _rtm(entry: EntryReader) -> RtmSpec | None:
    nested = entry.mapping("rtm")
    if nested is None:
        return None
    role = nested.choice("role", RtmRole)
    family = nested.optional_choice("family", RtmFamily)
    device_days = nested.optional_range("device_days")
    floor = nested.optional_positive_int("management_minutes_floor")
    if (role is RtmRole.DEVICE_SUPPLY) != (device_days is not None and family is not None):
        raise nested.fail("device_days", "device-supply codes, and only they, need family and days")
    if (role is RtmRole.MANAGEMENT) != (floor is not None):
        raise nested.fail(
            "management_minutes_floor", "management codes, and only they, need a minutes floor"
        )
    return RtmSpec(
        role=role.value,
        family=None if family is None else family.value,
        device_days=device_days,
        management_minutes_floor=floor,
    )
