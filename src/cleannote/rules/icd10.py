"""ICD-10-CM diagnoses: is a code billable, and if not, what the clinic should put instead.

The code set is the CMS tabular that `simple-icd-10-cm` bundles (the April 1 2026 release in
1.5.0), read through a compact index derived from it (data/icd10cm_index.tsv.gz, see
cleannote.rules.icd10_index): loading it takes a fraction of a second and a few MB, where
importing the library takes seconds and ~190 MB. The index is still read on the first question,
not on import, and every answer is cached, because the scrubber asks about the same few codes
on every visit. The library only knows the code set in force, so codes CMS deleted that clinics
still type are kept, with their replacements and sources, in data/icd10_retired.json. See
docs/decisions/0020-icd10-code-set.md and 0025-icd10-compact-index.md."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from cleannote.rules.errors import ReferenceDataError
from cleannote.rules.icd10_index import Excludes1Note, bundled_index
from cleannote.rules.visit import Laterality

_RETIRED_FILE = "icd10_retired.json"
_MAX_REPLACEMENTS = 12
# Variants are listed with their meaning only while the line stays readable (A/D/S, not the
# sixteen fracture letters).
_MAX_LABELLED_VARIANTS = 4
_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")
_SIDE = re.compile(r"\b(right|left|bilateral)\b", re.IGNORECASE)
_MALFORMED = (
    "not an ICD-10-CM code: expected a letter, a digit, a letter or digit, then up to 4 more"
)


class ProblemKind(StrEnum):
    """Stable ids for why a code cannot go on a claim; messages may change, these may not."""

    UNKNOWN = "unknown"
    RETIRED = "retired"
    SEVENTH_CHARACTER_MISSING = "seventh_character_missing"
    PLACEHOLDER_MISSING = "placeholder_missing"
    NOT_BILLABLE = "not_billable"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class IcdCheck:
    """What Cleannote knows about one diagnosis code, computed once and then cached.

    `laterality` is None both for a code that names no side and for an "unspecified side"
    code; `lateral_code_family` tells the two apart: when it is True and `laterality` is None,
    the side is a documentation gap, not a property of the condition.
    """

    code: str
    valid: bool
    billable: bool
    problem: str | None
    problem_kind: ProblemKind | None
    replacements: tuple[str, ...]
    description: str | None
    laterality: Laterality | None
    lateral_code_family: bool
    encounter: str | None
    retired_on: dt.date | None
    advice: str | None


@dataclass(frozen=True, slots=True)
class RetiredCode:
    code: str
    retired: dt.date
    replacements: tuple[str, ...]
    confidence: str
    source: str

    @property
    def fiscal_year(self) -> int:
        """CMS names code-set years by federal fiscal year, which starts on October 1."""
        return self.retired.year + 1 if self.retired.month >= 10 else self.retired.year


def normalize(code: str) -> str:
    """The form codes are stored and compared in: trimmed, upper-case, dot after the category."""
    bare = code.strip().upper().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


@lru_cache(maxsize=16384)
def check(code: str) -> IcdCheck:
    """Never raises on a bad code: the answer says why it is bad and what to use instead."""
    raw = code.strip().upper()
    if not _SHAPE.fullmatch(raw):
        return _invalid(raw, ProblemKind.MALFORMED, _MALFORMED, (), None, _MALFORMED)
    normalized = normalize(raw)
    retired = retired_codes().get(normalized)
    if retired is not None:
        return _retired_check(normalized, retired)
    if _known(normalized) and _is_leaf(normalized):
        laterality, sided = _sides(normalized)
        return IcdCheck(
            code=normalized,
            valid=True,
            billable=True,
            problem=None,
            problem_kind=None,
            replacements=(),
            description=_description(normalized),
            laterality=laterality,
            lateral_code_family=sided,
            encounter=_encounter(normalized),
            retired_on=None,
            advice=None,
        )
    gap = _seventh_character_gap(normalized)
    if gap is not None:
        return gap
    if _known(normalized):
        return _not_billable(normalized)
    return _invalid(normalized, ProblemKind.UNKNOWN, "unknown code", (), None, "unknown code")


@lru_cache(maxsize=16384)
def excludes1_conflict(a: str, b: str) -> str | None:
    """The Excludes1 note that forbids reporting `a` with `b`, looked up in both directions.

    Notes are read from each code and all its ancestors (subcategory, category, block,
    chapter), since the tabular states most of them at the category. A code the code set does
    not hold is looked up through its nearest known ancestor (S13.4XX through S13.4). Only the
    codes a note gives in parentheses are matched; a note that names conditions without codes
    cannot be checked mechanically and is ignored.
    """
    return _excludes1_conflict(normalize(a), normalize(b))


@cache
def retired_codes() -> Mapping[str, RetiredCode]:
    """Deleted codes by normalized code, from data/icd10_retired.json (refused whole if bad)."""
    path = f"cleannote/rules/data/{_RETIRED_FILE}"
    raw = json.loads(resources.files("cleannote.rules.data").joinpath(_RETIRED_FILE).read_text())
    table: dict[str, RetiredCode] = {}
    for number, row in enumerate(raw["retired"], start=1):
        try:
            entry = RetiredCode(
                code=normalize(row["code"]),
                retired=dt.date.fromisoformat(row["retired"]),
                replacements=tuple(normalize(r) for r in row["replacements"]),
                confidence=str(row["confidence"]),
                source=str(row["source"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferenceDataError(path, number, f"retired entry unreadable ({exc})") from exc
        if not _SHAPE.fullmatch(entry.code) or not entry.replacements:
            raise ReferenceDataError(path, number, f"retired entry {entry.code!r} is incomplete")
        table[entry.code] = entry
    return table


# --- answers -------------------------------------------------------------------------------


def _invalid(
    code: str,
    kind: ProblemKind,
    problem: str,
    replacements: tuple[str, ...],
    described_by: str | None,
    advice: str,
) -> IcdCheck:
    """An answer for a code that cannot be billed; `described_by` is the known code it names."""
    laterality, sided = _sides(described_by) if described_by else (None, False)
    return IcdCheck(
        code=code,
        valid=False,
        billable=False,
        problem=problem,
        problem_kind=kind,
        replacements=replacements,
        description=_description(described_by) if described_by else None,
        laterality=laterality,
        lateral_code_family=sided,
        encounter=None,
        retired_on=None,
        advice=advice,
    )


def _retired_check(code: str, retired: RetiredCode) -> IcdCheck:
    answer = _invalid(
        code,
        ProblemKind.RETIRED,
        f"retired {retired.retired.isoformat()} (FY{retired.fiscal_year})",
        retired.replacements,
        code if _known(code) else None,
        f"retired {retired.retired.isoformat()}: use {_or_list(retired.replacements)}",
    )
    return replace(answer, retired_on=retired.retired)


def _seventh_character_gap(code: str) -> IcdCheck | None:
    """S13.4XX (7th character missing), S13.4 or S13.4A (placeholder X missing), else None."""
    bare = code.replace(".", "")
    base = normalize(bare.rstrip("X"))
    if len(bare) <= 6 and _known(base):
        variants = tuple(c for c in _children(base) if _is_extended(c) and c.startswith(code))
        if variants:
            if len(bare) < 6:
                kind, problem = ProblemKind.PLACEHOLDER_MISSING, "placeholder X missing"
            else:
                kind, problem = ProblemKind.SEVENTH_CHARACTER_MISSING, "7th character missing"
            return _invalid(code, kind, problem, variants, base, _variant_advice(problem, variants))
    if 4 <= len(bare) < 7:
        padded = normalize(bare[:-1].ljust(6, "X") + bare[-1])
        if _known(padded) and _is_extended(padded):
            problem = "placeholder X missing"
            return _invalid(
                code,
                ProblemKind.PLACEHOLDER_MISSING,
                problem,
                (padded,),
                _parent(padded),
                _variant_advice(problem, (padded,)),
            )
    return None


def _not_billable(code: str) -> IcdCheck:
    leaves = _leaf_descendants(code)
    shown = leaves[:_MAX_REPLACEMENTS]
    level = "category" if len(code) == 3 else "subcategory"
    problem = f"{level}, not billable: pick a more specific code"
    if len(leaves) > len(shown):
        problem += f" ({len(shown)} of {len(leaves)} shown)"
    answer = _invalid(
        code,
        ProblemKind.NOT_BILLABLE,
        problem,
        shown,
        code,
        f"{problem}: {', '.join(shown)}",
    )
    if answer.lateral_code_family or not any(_SIDE.search(_description(c)) for c in leaves):
        return answer
    return replace(answer, lateral_code_family=True)


def _variant_advice(problem: str, variants: tuple[str, ...]) -> str:
    if len(variants) > _MAX_LABELLED_VARIANTS:
        return f"{problem}: {', '.join(variants)}"
    labelled = (f"{v} ({_encounter(v)})" if _encounter(v) else v for v in variants)
    return f"{problem}: {', '.join(labelled)}"


def _or_list(codes: tuple[str, ...]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"


# --- facts read off the tabular --------------------------------------------------------------


def _sides(code: str) -> tuple[Laterality | None, bool]:
    """The side the code names, and whether its family has codes for different sides."""
    laterality = _laterality(_description(code))
    stem = _parent(code) if _is_extended(code) else code
    family = _parent(stem)
    sided = laterality is not None or bool(
        family and any(_SIDE.search(_description(c)) for c in _children(family))
    )
    return laterality, sided


def _laterality(description: str) -> Laterality | None:
    words = {word.lower() for word in _SIDE.findall(description)}
    if "bilateral" in words or {"right", "left"} <= words:
        return Laterality.BILATERAL
    if "right" in words:
        return Laterality.RIGHT
    if "left" in words:
        return Laterality.LEFT
    return None


def _encounter(code: str) -> str | None:
    """The 7th character's meaning, shortened: "initial", "subsequent", "sequela", and for
    fractures the fuller phrase ("subsequent for closed fracture with delayed healing").

    Only encounter-type 7th characters count; others (fetus number, coma-scale timing) do not.
    """
    if not _is_extended(code):
        return None
    meaning = _seven_character_meanings(_parent(code)).get(code[-1], "")
    meaning = meaning.split("/")[0].strip()
    if "encounter" not in meaning and meaning != "sequela":
        return None
    return meaning.replace(" encounter", "", 1)


# --- the code set behind typed functions ----------------------------------------------------


def _known(code: str) -> bool:
    return bundled_index().known(code)


def _is_leaf(code: str) -> bool:
    return bundled_index().is_leaf(code)


def _is_extended(code: str) -> bool:
    return bundled_index().is_extended(code)


def _description(code: str) -> str:
    return bundled_index().description(code)


def _parent(code: str) -> str:
    return bundled_index().parent(code)


def _children(code: str) -> tuple[str, ...]:
    return bundled_index().children(code)


def _leaf_descendants(code: str) -> tuple[str, ...]:
    return bundled_index().leaf_descendants(code)


def _seven_character_meanings(code: str) -> Mapping[str, str]:
    return bundled_index().seventh_characters(code)


def _nearest_known(code: str) -> str | None:
    bare = code.replace(".", "")
    while len(bare) >= 3:
        candidate = normalize(bare)
        if _known(candidate):
            return candidate
        bare = bare[:-1]
    return None


# --- Excludes1 -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _excludes1_notes(code: str) -> tuple[tuple[str, Excludes1Note], ...]:
    """(holder, note) for the code and each ancestor, nearest first."""
    index = bundled_index()
    return tuple(
        (holder, note)
        for holder in (code, *index.ancestors(code))
        for note in index.excludes1(holder)
    )


def _excludes1_conflict(a: str, b: str) -> str | None:
    if not (_SHAPE.fullmatch(a) and _SHAPE.fullmatch(b)):
        return None
    for first, second in ((a, b), (b, a)):
        known = _nearest_known(first)
        if known is None:
            continue
        other = second.replace(".", "")
        for holder, note in _excludes1_notes(known):
            if any(span.covers(other) for span in note.spans):
                return f"{note.text}, listed at {holder}"
    return None
