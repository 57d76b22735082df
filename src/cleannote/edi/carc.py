"""Plain-words meaning and the next step for adjustment reason (CARC) and remark (RARC) codes.

The table is data (`data/carc_rarc.json`) covering the codes therapy billers meet most; the
denials worklist shows an unlisted code as itself rather than guessing its meaning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class CodeExplanation:
    kind: str  # "CARC" or "RARC"
    code: str
    meaning: str
    next_step: str


@cache
def _table() -> dict[str, Any]:
    text = resources.files("cleannote.edi").joinpath("data/carc_rarc.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def explain_carc(code: str) -> CodeExplanation | None:
    entry = _table()["carc"].get(code.lstrip("0") or code)
    return CodeExplanation("CARC", code, entry["meaning"], entry["next_step"]) if entry else None


def explain_rarc(code: str) -> CodeExplanation | None:
    entry = _table()["rarc"].get(code)
    return CodeExplanation("RARC", code, entry["meaning"], entry["next_step"]) if entry else None


def group_meaning(group_code: str) -> str:
    """CAS01 group code in words (CO, PR, OA, PI, CR); the code itself when unknown."""
    groups: dict[str, str] = _table()["groups"]
    return groups.get(group_code, group_code)


__all__ = ["CodeExplanation", "explain_carc", "explain_rarc", "group_meaning"]
