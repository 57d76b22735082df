"""The compact index answers exactly as simple-icd-10-cm does, on a large sample of codes.

The reference is the library-backed implementation the index replaced
(tests/rules/icd10_library_reference.py). The library takes seconds to load, so this module
asks each question once per sample and compares whole answers. It runs wherever the library is
installed, which it always is in development (the index builder needs it too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from cleannote.rules.icd10 import IcdCheck, check, excludes1_conflict

pytestmark = pytest.mark.skipif(
    find_spec("simple_icd_10_cm") is None, reason="simple-icd-10-cm is not installed"
)

ROOT = Path(__file__).resolve().parents[2]
EVERY_NTH_CODE = 50
_CODE_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?(?![A-Za-z0-9])")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")


@pytest.fixture(scope="module")
def reference() -> Any:
    from tests.rules import icd10_library_reference

    return icd10_library_reference


@pytest.fixture(scope="module")
def library(reference: Any) -> Any:
    return reference._library()


def _answer(result: Any) -> tuple[object, ...]:
    """Every field of an IcdCheck, with the problem kind as its stable string id."""
    return tuple(
        str(value) if name == "problem_kind" and value is not None else value
        for name, value in ((f.name, getattr(result, f.name)) for f in fields(IcdCheck))
    )


def _codes_in_repository() -> list[str]:
    """Every code-like token in tests, examples, benchmarks and bundled data: codes people use."""
    files = [
        *ROOT.glob("tests/**/*.py"),
        *ROOT.glob("examples/**/*.json"),
        *ROOT.glob("benchmarks/*.py"),
        ROOT / "src/cleannote/rules/data/icd10_retired.json",
    ]
    found = {
        token
        for path in files
        if path.is_file()
        for token in _CODE_LIKE.findall(path.read_text(encoding="utf-8"))
    }
    return sorted(found)


def _variants(code: str) -> Iterator[str]:
    """The code and the near misses a clinic types: cut short, one too many, placeholder lost."""
    yield code
    yield code[:-1]
    yield code + "A"
    yield code + "9"
    yield code.replace(".", "").lower()
    if len(code) == 8:
        yield code[:-1].rstrip("X") + code[-1]
        yield code[:-1]


def _sample(library: Any) -> list[str]:
    every_nth = library.get_all_codes()[::EVERY_NTH_CODE]
    return sorted({v for code in [*every_nth, *_codes_in_repository()] for v in _variants(code)})


def test_check_answers_as_the_library_does_on_a_large_sample(reference: Any, library: Any) -> None:
    # given every 50th code of the code set, every code the repository mentions, and near misses
    codes = _sample(library)
    assert len(codes) > 10_000
    # when both implementations are asked
    differences = [
        (code, _answer(check(code)), _answer(reference.check(code)))
        for code in codes
        if _answer(check(code)) != _answer(reference.check(code))
    ]
    # then they agree on every field of every answer
    assert differences[:5] == []


def _named_by_excludes1(library: Any, code: str) -> list[str]:
    """Codes the Excludes1 notes on `code` and its ancestors name: pairs that may conflict."""
    holders = [code, *library.get_ancestors(code)]
    named = (
        token
        for holder in holders
        for note in library.get_excludes1(holder)
        for inside in _PARENTHESISED.findall(note)
        for token in _CODE_LIKE.findall(inside)
    )
    return [token.rstrip(".") for token in named][:4]


def test_excludes1_conflict_answers_as_the_library_does_on_a_large_sample(
    reference: Any, library: Any
) -> None:
    # given pairs of neighbouring sampled codes, and each sampled code with the codes its
    # Excludes1 notes name (with one more character, to reach below a category)
    sampled = library.get_all_codes()[::EVERY_NTH_CODE]
    repository = [c for c in _codes_in_repository() if library.is_valid_item(c)]
    pairs = list(pairwise(sampled))
    for code in [*sampled, *repository]:
        if library.is_valid_item(code) and code[0].isalpha():
            for named in _named_by_excludes1(library, code):
                pairs += [(code, named), (named + "0", code), (code, named + "X")]
    pairs += [(a, b) for a in repository for b in repository]
    assert len(pairs) > 5_000
    # when / then both directions agree with the library
    differences = [
        (a, b, excludes1_conflict(a, b), reference.excludes1_conflict(a, b))
        for a, b in pairs
        if excludes1_conflict(a, b) != reference.excludes1_conflict(a, b)
    ]
    assert differences[:5] == []
    assert sum(1 for a, b in pairs if excludes1_conflict(a, b)) > 500
