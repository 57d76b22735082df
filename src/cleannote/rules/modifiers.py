"""The modifier catalog: what each modifier a therapy claim carries means and when it applies.

The assignment engine decides which modifiers a line gets; this module only says what they are,
so a biller reading a finding can look a modifier up and see its source. The meanings live in
data/modifiers.json in our own words; the few mappings code relies on are constants here and a
test keeps them in step with the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from cleannote.rules.catalog_entries import EntryReader, read_entries
from cleannote.rules.errors import RulesError
from cleannote.rules.visit import Discipline

_CODE = re.compile(r"^[0-9A-Z]{2}$")


class UnknownModifierError(RulesError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown modifier {code!r}: not in Cleannote's modifier catalog")
        self.code = code


class ModifierKind(StrEnum):
    DISCIPLINE = "discipline"
    ASSISTANT = "assistant"
    NCCI_BYPASS = "ncci_bypass"
    THRESHOLD = "threshold"
    LIABILITY = "liability"
    CHIROPRACTIC = "chiropractic"
    REDUCED = "reduced"
    REPEAT = "repeat"
    EVALUATION = "evaluation"
    DME = "dme"  # NU purchase, RR rental: from the dispensed item (rules/supplies.py)


@dataclass(frozen=True, slots=True)
class Modifier:
    code: str
    meaning: str
    applies_when: str
    kind: ModifierKind
    sources: tuple[str, ...]


DISCIPLINE_MODIFIER: dict[Discipline, str] = {
    Discipline.PT: "GP",
    Discipline.OT: "GO",
    Discipline.SLP: "GN",
}

ASSISTANT_MODIFIER: dict[Discipline, str] = {
    Discipline.PT: "CQ",
    Discipline.OT: "CO",
}

NCCI_BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})


def modifier(code: str) -> Modifier:
    """The catalog entry for `code`; raises UnknownModifierError for one we do not carry."""
    found = _by_code().get(code.strip().upper())
    if found is None:
        raise UnknownModifierError(code)
    return found


def all_modifiers() -> tuple[Modifier, ...]:
    """Every modifier in file order (the order a biller reads them in), read once."""
    return _bundled()


def load_modifiers(path: Path | None = None) -> tuple[Modifier, ...]:
    """Read and check a modifiers file (the bundled one when `path` is None)."""
    _source, by_code = read_entries(path, "modifiers.json", "modifiers", _modifier)
    return tuple(by_code.values())


@cache
def _bundled() -> tuple[Modifier, ...]:
    return load_modifiers()


@cache
def _by_code() -> dict[str, Modifier]:
    return {m.code: m for m in _bundled()}


def _modifier(entry: EntryReader) -> Modifier:
    return Modifier(
        code=entry.matching_text("code", _CODE, "a two-character modifier"),
        meaning=entry.text("meaning"),
        applies_when=entry.text("applies_when"),
        kind=entry.choice("kind", ModifierKind),
        sources=entry.texts("sources"),
    )
