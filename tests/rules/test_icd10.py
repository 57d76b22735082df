"""ICD-10-CM checks against worked examples from the April 2026 tabular and the CMS addenda."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.icd10 import (
    IcdCheck,
    ProblemKind,
    check,
    excludes1_conflict,
    normalize,
    retired_codes,
)
from cleannote.rules.visit import Laterality

INVALID_CASES = [
    (
        "retired-low-back-pain",
        "M54.5",
        ProblemKind.RETIRED,
        "retired 2021-10-01 (FY2022)",
        ("M54.50", "M54.51", "M54.59"),
        "retired 2021-10-01: use M54.50, M54.51 or M54.59",
    ),
    (
        "retired-myalgia",
        "M79.1",
        ProblemKind.RETIRED,
        "retired 2021-10-01 (FY2022)",
        ("M79.10", "M79.11", "M79.12", "M79.18"),
        "retired 2021-10-01: use M79.10, M79.11, M79.12 or M79.18",
    ),
    (
        "seventh-missing-after-placeholders",
        "S13.4XX",
        ProblemKind.SEVENTH_CHARACTER_MISSING,
        "7th character missing",
        ("S13.4XXA", "S13.4XXD", "S13.4XXS"),
        "7th character missing: S13.4XXA (initial), S13.4XXD (subsequent), S13.4XXS (sequela)",
    ),
    (
        "seventh-missing-fracture-letters",
        "S72.141",
        ProblemKind.SEVENTH_CHARACTER_MISSING,
        "7th character missing",
        tuple(f"S72.141{c}" for c in "ABCDEFGHJKMNPQRS"),
        "7th character missing: " + ", ".join(f"S72.141{c}" for c in "ABCDEFGHJKMNPQRS"),
    ),
    (
        "placeholder-missing-no-seventh",
        "S13.4",
        ProblemKind.PLACEHOLDER_MISSING,
        "placeholder X missing",
        ("S13.4XXA", "S13.4XXD", "S13.4XXS"),
        "placeholder X missing: S13.4XXA (initial), S13.4XXD (subsequent), S13.4XXS (sequela)",
    ),
    (
        "placeholder-missing-before-seventh",
        "S13.4A",
        ProblemKind.PLACEHOLDER_MISSING,
        "placeholder X missing",
        ("S13.4XXA",),
        "placeholder X missing: S13.4XXA (initial)",
    ),
    (
        "category-not-billable-truncated",
        "M54",
        ProblemKind.NOT_BILLABLE,
        "category, not billable: pick a more specific code (12 of 33 shown)",
        (
            "M54.00",
            "M54.01",
            "M54.02",
            "M54.03",
            "M54.04",
            "M54.05",
            "M54.06",
            "M54.07",
            "M54.08",
            "M54.09",
            "M54.10",
            "M54.11",
        ),
        None,
    ),
    (
        "subcategory-not-billable",
        "M17.1",
        ProblemKind.NOT_BILLABLE,
        "subcategory, not billable: pick a more specific code",
        ("M17.10", "M17.11", "M17.12"),
        "subcategory, not billable: pick a more specific code: M17.10, M17.11, M17.12",
    ),
    ("unknown", "M54.99", ProblemKind.UNKNOWN, "unknown code", (), "unknown code"),
]


@pytest.mark.parametrize(
    ("code", "kind", "problem", "replacements", "advice"),
    [case[1:] for case in INVALID_CASES],
    ids=[case[0] for case in INVALID_CASES],
)
def test_check_explains_why_a_code_cannot_be_billed(
    code: str,
    kind: ProblemKind,
    problem: str,
    replacements: tuple[str, ...],
    advice: str | None,
) -> None:
    # given a code a clinic might type
    # when
    result = check(code)
    # then
    assert not result.valid
    assert not result.billable
    assert result.problem_kind is kind
    assert result.problem == problem
    assert result.replacements == replacements
    if advice is not None:
        assert result.advice == advice


def test_check_gives_the_retired_date_only_for_retired_codes() -> None:
    # given / when
    retired, current = check("M54.5"), check("M54.50")
    # then
    assert retired.retired_on == dt.date(2021, 10, 1)
    assert current.retired_on is None


@pytest.mark.parametrize(
    "code",
    ["", "12345", "M", "M5", "5M54", "M54.50.1", "M54 50", "M54.123456"],
    ids=["empty", "digits", "letter", "two", "digit-first", "two-dots", "space", "too-long"],
)
def test_check_refuses_malformed_input_without_raising(code: str) -> None:
    # given / when
    result = check(code)
    # then
    assert result.problem_kind is ProblemKind.MALFORMED
    assert not result.valid
    assert result.problem is not None


VALID_CASES = [
    (
        "cervical-sprain-initial",
        "S13.4XXA",
        "S13.4XXA",
        "Sprain of ligaments of cervical spine, initial encounter",
        None,
        False,
        "initial",
    ),
    ("cervical-sprain-subsequent", "S13.4XXD", "S13.4XXD", None, None, False, "subsequent"),
    ("cervical-sprain-sequela", "S13.4XXS", "S13.4XXS", None, None, False, "sequela"),
    (
        "knee-oa-right",
        "M17.11",
        "M17.11",
        "Unilateral primary osteoarthritis, right knee",
        Laterality.RIGHT,
        True,
        None,
    ),
    ("knee-oa-left", "M17.12", "M17.12", None, Laterality.LEFT, True, None),
    (
        "knee-oa-bilateral",
        "M17.0",
        "M17.0",
        "Bilateral primary osteoarthritis of knee",
        Laterality.BILATERAL,
        True,
        None,
    ),
    ("knee-pain-right", "M25.561", "M25.561", "Pain in right knee", Laterality.RIGHT, True, None),
    ("knee-pain-unspecified-side", "M25.569", "M25.569", None, None, True, None),
    ("low-back-pain-no-side", "M54.50", "M54.50", None, None, False, None),
    ("z-aftercare", "Z51.89", "Z51.89", None, None, False, None),
    (
        "z-knee-replacement-right",
        "Z96.651",
        "Z96.651",
        "Presence of right artificial knee joint",
        Laterality.RIGHT,
        True,
        None,
    ),
    ("lowercase-no-dot", "m5450", "M54.50", "Low back pain, unspecified", None, False, None),
    ("spaces-around", " s134xxa ", "S13.4XXA", None, None, False, "initial"),
    (
        "fracture-nonunion",
        "S72.141K",
        "S72.141K",
        None,
        Laterality.RIGHT,
        True,
        "subsequent for closed fracture with nonunion",
    ),
]


@pytest.mark.parametrize(
    ("code", "normalized", "description", "laterality", "lateral_family", "encounter"),
    [case[1:] for case in VALID_CASES],
    ids=[case[0] for case in VALID_CASES],
)
def test_check_describes_a_billable_code(
    code: str,
    normalized: str,
    description: str | None,
    laterality: Laterality | None,
    lateral_family: bool,
    encounter: str | None,
) -> None:
    # given / when
    result = check(code)
    # then
    assert result.valid
    assert result.billable
    assert result.code == normalized
    assert result.problem is None
    assert result.problem_kind is None
    assert result.replacements == ()
    if description is not None:
        assert result.description == description
    assert result.laterality == laterality
    assert result.lateral_code_family is lateral_family
    assert result.encounter == encounter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("m5450", "M54.50"), ("M54.50", "M54.50"), ("m54", "M54"), (" s134xxa", "S13.4XXA")],
    ids=["lower-no-dot", "already-normal", "category", "padded"],
)
def test_normalize_puts_the_dot_after_the_category(raw: str, expected: str) -> None:
    # given / when / then
    assert normalize(raw) == expected


def test_check_answers_repeat_questions_from_the_cache() -> None:
    # given a code asked about once
    first = check("M25.561")
    # when it is asked again
    second = check("M25.561")
    # then the same answer object comes back: no second walk of the tabular
    assert second is first
    assert isinstance(first, IcdCheck)


def test_retired_codes_point_at_billable_codes_of_the_current_set() -> None:
    # given the bundled table of deleted codes
    table = retired_codes()
    # then each replacement is a billable code today, and each deleted code is not
    assert "M54.5" in table
    for entry in table.values():
        assert entry.source
        assert entry.confidence in {"H", "M", "L"}
        for replacement in entry.replacements:
            assert check(replacement).billable, (entry.code, replacement)


EXCLUDES1_CASES = [
    (
        "low-back-pain-vs-low-back-strain",
        "M54.50",
        "S39.012A",
        "low back strain (S39.012), listed at M54.5",
    ),
    (
        "reverse-direction",
        "S39.012D",
        "M54.59",
        "low back strain (S39.012), listed at M54.5",
    ),
    (
        "cervicalgia-vs-cervical-disc",
        "M54.2",
        "M50.20",
        "cervicalgia due to intervertebral cervical disc disorder (M50.-), listed at M54.2",
    ),
    (
        "sciatica-vs-lumbago-with-sciatica",
        "M54.31",
        "M54.41",
        "sciatica with lumbago (M54.4-), listed at M54.3",
    ),
    ("lowercase-no-dot", "m5450", "s39012a", "low back strain (S39.012), listed at M54.5"),
]


@pytest.mark.parametrize(
    ("first", "second", "note"),
    [case[1:] for case in EXCLUDES1_CASES],
    ids=[case[0] for case in EXCLUDES1_CASES],
)
def test_excludes1_conflict_names_the_note(first: str, second: str, note: str) -> None:
    # given two diagnoses a therapy claim might carry
    # when / then
    assert excludes1_conflict(first, second) == note


NO_CONFLICT_CASES = [
    # S13 lists S16.1 under Excludes2 only: a sprain and a strain of the neck may go together.
    ("excludes2-only-neck-sprain-and-strain", "S13.4XXA", "S16.1XXA"),
    ("unrelated-knee-and-back", "M17.11", "M54.50"),
    ("same-code", "M54.50", "M54.50"),
    ("malformed", "12345", "M54.50"),
]


@pytest.mark.parametrize(
    ("first", "second"),
    [case[1:] for case in NO_CONFLICT_CASES],
    ids=[case[0] for case in NO_CONFLICT_CASES],
)
def test_excludes1_conflict_is_none_when_the_codes_may_go_together(first: str, second: str) -> None:
    # given / when / then
    assert excludes1_conflict(first, second) is None
    assert excludes1_conflict(second, first) is None
