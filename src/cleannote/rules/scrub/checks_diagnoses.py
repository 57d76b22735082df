"""Diagnoses: valid, billable, current, compatible, lateral where the body is, and pointed to."""

from __future__ import annotations

from dataclasses import dataclass

from cleannote.rules.body_regions import any_sided
from cleannote.rules.icd10 import IcdCheck, ProblemKind, excludes1_conflict
from cleannote.rules.icd10 import check as check_icd
from cleannote.rules.memo import memo
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import Laterality

_SEVENTH = frozenset({ProblemKind.SEVENTH_CHARACTER_MISSING, ProblemKind.PLACEHOLDER_MISSING})
# 837P HI holds 12 diagnoses and SV107 four pointers a line (CMS-1500 box 21 A-L, box 24E).
_MAX_DIAGNOSES = 12
_MAX_POINTERS = 4
_POSITIONS = tuple(frozenset(range(1, n + 1)) for n in range(_MAX_DIAGNOSES + 1))
_SIDES_OF = {
    Laterality.LEFT: frozenset({Laterality.LEFT}),
    Laterality.RIGHT: frozenset({Laterality.RIGHT}),
    Laterality.BILATERAL: frozenset({Laterality.LEFT, Laterality.RIGHT}),
}


def check_codes(ctx: ScrubContext) -> None:
    diagnoses = ctx.visit.diagnoses
    if not diagnoses:
        ctx.add(
            "dx.none",
            "The visit has no diagnosis.",
            "Add the treating diagnosis (and the referral's diagnosis) before billing.",
        )
        return
    facts = _diagnosis_facts(diagnoses)
    if facts.all_valid:
        return
    for position, (code, result) in enumerate(zip(diagnoses, facts.checks, strict=True), start=1):
        if result.valid or _current_on_date_of_service(ctx, result):
            continue
        options = ", ".join(result.replacements[:6])
        hint = f" Use {options}." if options else ""
        if result.problem_kind is ProblemKind.RETIRED:
            rule = "dx.retired"
        elif result.problem_kind in _SEVENTH:
            rule = "dx.seventh-character"
        else:
            rule = "dx.invalid"
        ctx.add(
            rule,
            f"Diagnosis {position} ({code}): {result.problem}.{hint}",
            f"Replace {code} with a valid, billable code"
            + (f" such as {options}." if options else "."),
        )


def _current_on_date_of_service(ctx: ScrubContext, result: IcdCheck) -> bool:
    """A retired code was still valid for visits before its deletion date."""
    return result.retired_on is not None and ctx.visit.date_of_service < result.retired_on


def check_excludes1(ctx: ScrubContext) -> None:
    for first, second, note in _diagnosis_facts(ctx.visit.diagnoses).conflicts:
        ctx.add(
            "dx.excludes1",
            f"{first} and {second} may not be reported together (Excludes1: {note}).",
            "Keep the code that describes the condition treated; drop the other "
            "unless the two conditions are unrelated and documented as such.",
        )


def check_laterality(ctx: ScrubContext) -> None:
    """The diagnosis must name the side when its family can; a block must record the side
    its sided diagnoses name, and a side they cover."""
    diagnoses = ctx.visit.diagnoses
    facts = _diagnosis_facts(diagnoses)
    checks, sides = facts.checks, facts.sides
    for position in facts.unsided:
        ctx.add(
            "dx.laterality",
            f"Diagnosis {position} ({diagnoses[position - 1]}) does not say which side.",
            "Use the right, left or bilateral code the documentation supports.",
        )
    if sides is None:
        return  # no valid sided diagnosis: no block can disagree with one
    count = len(checks)
    services, procedures = ctx.visit.services, ctx.procedures
    for index in range(len(services)):
        service = services[index]
        if procedures[index] is None or not service.body_regions:
            continue
        sided: list[IcdCheck] = []
        covered: set[Laterality] = set()
        for pointer in service.diagnosis_pointers:
            if 0 < pointer <= count:
                side = sides[pointer - 1]
                if side is not None:
                    sided.append(checks[pointer - 1])
                    covered |= _SIDES_OF[side]
        if not sided:
            continue
        regions = ", ".join(service.body_regions)
        if service.laterality is None:
            # On a limb the side is part of the record (an error, ADR 0323); on the spine or
            # trunk a sided diagnosis (sciatica, right) leaves the block's side a warning.
            sided_region = any_sided(service.body_regions)
            ctx.add(
                "dx.block-side-missing" if sided_region else "dx.laterality",
                f"{service.code} on {regions}: the diagnosis is sided but the block "
                "records no side.",
                "Record the side (left, right or bilateral) treated in this block.",
                index,
            )
            continue
        if not _SIDES_OF[service.laterality] <= covered:
            codes = ", ".join(r.code for r in sided)
            ctx.add(
                "dx.laterality",
                f"{service.code} on {regions}: the block records {service.laterality.value} "
                f"but its diagnosis ({codes}) names another side.",
                "Correct the side of the block, or point it to the diagnosis for the side treated.",
                index,
            )


@dataclass(frozen=True, slots=True)
class _DiagnosisFacts:
    """What the diagnosis checks ask of one diagnosis list, none of it depending on the day
    or the services; lists repeat across a patient's visits, so each is worked out once."""

    checks: tuple[IcdCheck, ...]
    all_valid: bool
    conflicts: tuple[tuple[str, str, str], ...]
    """Excludes1 pairs in list order: (first code, second code, the note)."""
    unsided: tuple[int, ...]
    """Positions (from 1) of valid codes whose family is sided but that name no side."""
    sides: tuple[Laterality | None, ...] | None
    """Each position's side (None when invalid or unsided); None when no code has one."""


@memo(maxsize=4096)
def _diagnosis_facts(diagnoses: tuple[str, ...]) -> _DiagnosisFacts:
    checks = tuple(check_icd(code) for code in diagnoses)
    conflicts = []
    for i, first in enumerate(diagnoses):
        for second in diagnoses[i + 1 :]:
            note = excludes1_conflict(first, second)
            if note is not None:
                conflicts.append((first, second, note))
    unsided = tuple(
        position
        for position, result in enumerate(checks, start=1)
        if result.valid and result.lateral_code_family and result.laterality is None
    )
    sides = tuple(result.laterality if result.valid else None for result in checks)
    return _DiagnosisFacts(
        checks,
        all(result.valid for result in checks),
        tuple(conflicts),
        unsided,
        sides if any(side is not None for side in sides) else None,
    )


def check_referral_match(ctx: ScrubContext) -> None:
    referral = ctx.visit.referral
    if referral is None or not referral.diagnoses or not ctx.visit.diagnoses:
        return
    if not _categories_meet(referral.diagnoses, ctx.visit.diagnoses):
        ctx.add(
            "dx.referral-mismatch",
            "None of the claim's diagnoses ("
            + ", ".join(ctx.visit.diagnoses)
            + ") matches the referral's ("
            + ", ".join(referral.diagnoses)
            + ").",
            "Bill the condition the referral names, or get an updated referral.",
        )


@memo(maxsize=4096)
def _categories_meet(referred: tuple[str, ...], claimed: tuple[str, ...]) -> bool:
    """Whether a claimed diagnosis shares a category with a referred one; referral and claim
    lists repeat across a patient's visits, so the answer is kept per pair."""
    categories = {_category(code) for code in referred}
    return any(_category(code) in categories for code in claimed)


def check_pointers(ctx: ScrubContext) -> None:
    count = min(len(ctx.visit.diagnoses), _MAX_DIAGNOSES)
    existing = _POSITIONS[count]
    services, procedures, units = ctx.visit.services, ctx.procedures, ctx.units
    passed: tuple[int, ...] = ()  # blocks of a visit mostly point alike: judge a list once
    for index in range(len(services)):
        if procedures[index] is None or units[index] == 0:
            continue
        service = services[index]
        pointers = service.diagnosis_pointers
        if pointers == passed and pointers:
            continue
        if not pointers:
            ctx.add(
                "dx.pointer",
                f"{service.code} does not point to a diagnosis.",
                "Point the line to the diagnosis it treats (primary first).",
                index,
            )
        elif (
            len(pointers) > _MAX_POINTERS
            or not existing.issuperset(pointers)
            or len(set(pointers)) != len(pointers)
        ):
            ctx.add(
                "dx.pointer",
                f"{service.code} points to diagnosis "
                + ", ".join(str(p) for p in pointers)
                + f" but the claim has {count} (at most {_MAX_POINTERS} different pointers "
                "a line).",
                "Point the line to existing diagnoses only, each once, at most four.",
                index,
            )
        else:
            passed = pointers


def _category(code: str) -> str:
    """The 3-character category: a referral for M17.9 still matches a claim for M17.11."""
    return code.replace(".", "").upper()[:3]


CHECKS = (check_codes, check_excludes1, check_laterality, check_referral_match, check_pointers)
