"""ICD-10-CM checks for diagnoses typed into referrals and plans of care.

The rules core's `cleannote.rules.icd10.check` knows the code set (retired codes, missing 7th
characters, non-billable categories). Until that module lands this falls back to a shape check,
so forms catch typos today and gain the full check without a change here.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def normalize_code(code: str) -> str:
    """Upper-case with the dot after the third character: m5450 -> M54.50."""
    code = code.strip().upper().replace(" ", "")
    if "." not in code and len(code) > 3 and code[:1].isalpha():
        code = f"{code[:3]}.{code[3:]}"
    return code


def _shape_problem(code: str) -> str | None:
    if not _SHAPE.match(code):
        return "is not an ICD-10-CM code (letter, two characters, optional dot and up to four)"
    return None


def _load_core_check() -> Callable[[str], str | None]:
    try:
        icd10 = importlib.import_module("cleannote.rules.icd10")
    except ImportError:
        return _shape_problem

    def core_problem(code: str) -> str | None:
        result = icd10.check(code)
        return None if result.valid else str(result.problem or "is not a valid billable code")

    return core_problem


_problem_of = _load_core_check()


def diagnosis_problem(code: str) -> str | None:
    """Why `code` cannot go on a claim, in plain words, or None when it can."""
    return _shape_problem(code) or _problem_of(code)


def validate_diagnosis_list(codes: Iterable[str]) -> None:
    """ValidationError naming every bad code in the list (the list holds codes, never PHI)."""
    problems = []
    for code in codes:
        if not isinstance(code, str):
            problems.append(f"{code!r} is not a code")
            continue
        problem = diagnosis_problem(code)
        if problem is not None:
            problems.append(f"{code}: {problem}")
    if problems:
        raise ValidationError(problems, code="invalid_diagnosis")


def validate_code_shape(code: str) -> None:
    problem = _shape_problem(code)
    if problem is not None:
        raise ValidationError(f"{code}: {problem}", code="invalid_diagnosis")


def validate_code_shapes(codes: Iterable[str]) -> None:
    """Codes as a document wrote them (a referral): each shaped like an ICD-10-CM code. A
    retired or incomplete code is kept, and the scrubber and the chart flag it."""
    problems = [
        f"{code!r} is not a code" if not isinstance(code, str) else f"{code}: {problem}"
        for code in codes
        if not isinstance(code, str) or (problem := _shape_problem(code)) is not None
    ]
    if problems:
        raise ValidationError(problems, code="invalid_diagnosis")


def parse_diagnosis_list(text: str) -> list[str]:
    """Codes typed as one field, separated by commas, spaces or new lines, normalised."""
    return [normalize_code(part) for part in re.split(r"[\s,;]+", text) if part.strip()]
