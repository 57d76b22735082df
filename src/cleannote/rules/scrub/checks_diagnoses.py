"""Diagnoses: valid, billable, current, compatible, lateral where the body is, and pointed to."""

from __future__ import annotations

from cleannote.rules.icd10 import check as check_icd
from cleannote.rules.icd10 import excludes1_conflict
from cleannote.rules.scrub.context import ScrubContext

_SEVENTH = frozenset({"seventh_character_missing", "placeholder_missing"})
_MAX_DIAGNOSES = 12


def check_codes(ctx: ScrubContext) -> None:
    diagnoses = ctx.visit.diagnoses
    if not diagnoses:
        ctx.add(
            "dx.none",
            "The visit has no diagnosis.",
            "Add the treating diagnosis (and the referral's diagnosis) before billing.",
        )
        return
    for position, code in enumerate(diagnoses, start=1):
        result = check_icd(code)
        if result.valid:
            continue
        options = ", ".join(result.replacements[:6])
        hint = f" Use {options}." if options else ""
        if result.problem_kind == "retired":
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


def check_excludes1(ctx: ScrubContext) -> None:
    codes = ctx.visit.diagnoses
    for i, first in enumerate(codes):
        for second in codes[i + 1 :]:
            note = excludes1_conflict(first, second)
            if note is not None:
                ctx.add(
                    "dx.excludes1",
                    f"{first} and {second} may not be reported together (Excludes1: {note}).",
                    "Keep the code that describes the condition treated; drop the other "
                    "unless the two conditions are unrelated and documented as such.",
                )


def check_laterality(ctx: ScrubContext) -> None:
    for position, code in enumerate(ctx.visit.diagnoses, start=1):
        result = check_icd(code)
        if result.valid and result.lateral_code_family and result.laterality is None:
            ctx.add(
                "dx.laterality",
                f"Diagnosis {position} ({code}) does not say which side.",
                "Use the right, left or bilateral code the documentation supports.",
            )
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if procedure is None or service.laterality is not None or not service.body_regions:
            continue
        pointed = [
            check_icd(ctx.visit.diagnoses[p - 1])
            for p in service.diagnosis_pointers
            if 0 < p <= len(ctx.visit.diagnoses)
        ]
        if any(r.valid and r.laterality is not None for r in pointed):
            regions = ", ".join(service.body_regions)
            ctx.add(
                "dx.laterality",
                f"{service.code} on {regions}: the diagnosis is sided but the block "
                "records no side.",
                "Record the side (left, right or bilateral) treated in this block.",
                index,
            )


def check_referral_match(ctx: ScrubContext) -> None:
    referral = ctx.visit.referral
    if referral is None or not referral.diagnoses or not ctx.visit.diagnoses:
        return
    referred = {_category(code) for code in referral.diagnoses}
    unmatched = [code for code in ctx.visit.diagnoses if _category(code) not in referred]
    if len(unmatched) == len(ctx.visit.diagnoses):
        ctx.add(
            "dx.referral-mismatch",
            "None of the claim's diagnoses ("
            + ", ".join(unmatched)
            + ") matches the referral's ("
            + ", ".join(referral.diagnoses)
            + ").",
            "Bill the condition the referral names, or get an updated referral.",
        )


def check_pointers(ctx: ScrubContext) -> None:
    count = min(len(ctx.visit.diagnoses), _MAX_DIAGNOSES)
    for index, service in enumerate(ctx.visit.services):
        if ctx.procedures[index] is None or ctx.units[index] == 0:
            continue
        pointers = service.diagnosis_pointers
        if not pointers:
            ctx.add(
                "dx.pointer",
                f"{service.code} does not point to a diagnosis.",
                "Point the line to the diagnosis it treats (primary first).",
                index,
            )
        elif len(pointers) > 4 or any(not 0 < p <= count for p in pointers):
            ctx.add(
                "dx.pointer",
                f"{service.code} points to diagnosis "
                + ", ".join(str(p) for p in pointers)
                + f" but the claim has {count} (at most 4 pointers a line).",
                "Point the line to existing diagnoses only, at most four.",
                index,
            )


def _category(code: str) -> str:
    """The 3-character category: a referral for M17.9 still matches a claim for M17.11."""
    return code.replace(".", "").upper()[:3]


CHECKS = (check_codes, check_excludes1, check_laterality, check_referral_match, check_pointers)
