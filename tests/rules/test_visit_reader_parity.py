"""The msgspec visit reader decides as the hand-written one did (issue 9).

20,000 generated visits (benchmarks/visit_generator.py), each read as generated and with one
seeded breakage (a field deleted, a value of the wrong type or shape, an unknown field added),
go through the frozen old reader (`visit_format_reference.py`) and the new one: the same
accept/refuse decision, an equal `Visit` when both accept, and the same error (path and
wording) when both refuse. One visit in ten is also read from its JSON text, the path
`cleannote scrub` takes.

The count is the issue's, and the test runs with the suite (no marker): about 10 s of CPU
on a busy machine, for generating 20,000 visits and reading 40,000 with both readers.
`VISIT_PARITY_COUNT` lowers it for a quick local run.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

import msgspec
import pytest
from benchmarks.visit_generator import generate_visits

from cleannote.rules.visit import Visit
from cleannote.rules.visit_format import VisitFormatError, parse_visit, parse_visit_json
from tests.rules import visit_format_reference as reference

COUNT = int(os.environ.get("VISIT_PARITY_COUNT", "20000"))
_DELETE = object()
_UNKNOWN = object()
# Values a hand-made or buggy exporter sends: every JSON type, empty and over-long text,
# near-miss dates, times, NPIs, states and amounts.
_ODD_VALUES: tuple[object, ...] = (
    None,
    True,
    False,
    0,
    -1,
    13,
    1.5,
    "",
    "x",
    "25:99",
    "09:30",
    "2026-02-30",
    "2026-03-10",
    "1899-12-31",
    "123456789",
    "1234567893",
    "or",
    "OR",
    "120.001",
    "1,240.35",
    "48",
    "A" * 45,
    [],
    ["x"],
    [1],
    {},
    {"a": 1},
    _DELETE,
    _DELETE,
    _UNKNOWN,
)


def _place(data: dict[str, Any], rng: random.Random) -> tuple[Any, str | int]:
    """A seeded random (container, key or index) in a decoded visit: a walk down from the top
    that stops at a leaf, or one level in three before it."""
    parent: Any = data
    key: str | int = rng.choice(list(data))
    while True:
        child = parent[key]
        inner = (
            list(child)
            if isinstance(child, dict)
            else range(len(child))
            if isinstance(child, list)
            else []
        )
        if not inner or rng.random() < 0.33:
            return parent, key
        parent, key = child, rng.choice(inner)


def _broken(visit: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy of `visit` with one seeded breakage."""
    data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(visit))  # a deep copy
    parent, last = _place(data, rng)
    change = rng.choice(_ODD_VALUES)
    if change is _UNKNOWN:
        target = parent[last]
        if isinstance(target, dict):
            target[rng.choice(("notes", "strat", "zz_" + "y" * 50))] = "x"
        else:
            parent[last] = {"unexpected": 1}
    elif change is _DELETE:
        del parent[last]
    else:
        parent[last] = change
    return data


_CRASHED = ("the old reader crashed", "")


def _outcome(read: Any, data: object) -> Visit | tuple[str | None, str]:
    try:
        visit: Visit = read(data)
    except (VisitFormatError, reference.VisitFormatError) as error:
        return (error.field, str(error))
    except TypeError:
        # The old reader's provider and payer memo hashed raw values: an array or object
        # there raised TypeError (a traceback, not a message). Only the old one may do this.
        if read is not reference.parse_visit:
            raise
        return _CRASHED
    return visit


def _assert_same(new: object, old: object, label: str) -> None:
    if old == _CRASHED:
        assert isinstance(new, tuple), label  # refused with a message instead
    else:
        assert new == old, label


@pytest.fixture(scope="session")
def generated() -> list[dict[str, Any]]:
    return list(generate_visits(COUNT, seed=909))


def test_old_and_new_readers_agree_on_generated_and_broken_visits(
    generated: list[dict[str, Any]],
) -> None:
    # given the generated visits and one broken copy of each
    assert len(generated) == COUNT
    rng = random.Random(909)
    cases = [(f"visit {i}", v) for i, v in enumerate(generated)]
    cases += [(f"broken {i}", _broken(v, rng)) for i, v in enumerate(generated)]
    refused = 0
    for label, data in cases:
        # when both readers read it
        old = _outcome(reference.parse_visit, data)
        new = _outcome(parse_visit, data)
        # then they agree: the same Visit, or the same error path and message
        _assert_same(new, old, label)
        if label.endswith("0"):
            _assert_same(_outcome(parse_visit_json, json.dumps(data)), old, f"{label} as text")
        refused += isinstance(old, tuple)
    # and the breakages exercised refusals, not only harmless changes
    assert refused > COUNT // 2
