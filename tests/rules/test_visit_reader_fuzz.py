"""Whatever JSON arrives, the visit reader answers with a visit or a located message.

Hypothesis puts arbitrary JSON values at arbitrary places of a real example visit, and feeds
arbitrary text as a JSON Lines line: the only exception allowed out is `VisitFormatError`,
its message names no patient value, and the text and decoded-data paths agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cleannote.rules.visit import Visit
from cleannote.rules.visit_format import VisitFormatError, parse_visit, parse_visit_json

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json").read_text()
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=8,
)


def _read(read: Any, data: object) -> Visit | tuple[str | None, str]:
    try:
        visit: Visit = read(data)
    except VisitFormatError as error:
        return (error.field, error.problem)
    return visit


@settings(max_examples=300, deadline=None)
@given(st.data(), _JSON)
def test_any_value_anywhere_is_read_or_refused_with_a_message(
    data: st.DataObject, value: object
) -> None:
    # given the example with one value replaced (or one field added) somewhere
    visit: dict[str, Any] = json.loads(json.dumps(EXAMPLE))
    parent: Any = visit
    while True:
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        key = data.draw(
            st.sampled_from([*keys, "added_field"] if isinstance(parent, dict) else keys)
        )
        child = parent.get(key) if isinstance(parent, dict) else parent[key]
        if not isinstance(child, dict | list) or not child or data.draw(st.booleans()):
            break
        parent = child
    parent[key] = value
    # when read as decoded data and as a JSON Lines line
    as_data = _read(parse_visit, visit)
    as_text = _read(parse_visit_json, json.dumps(visit))
    # then both give the same answer, and a refusal never quotes patient data
    assert as_data == as_text
    if isinstance(as_data, tuple) and (as_data[0] or "").startswith(("patient", "subscriber")):
        assert "got '" not in as_data[1]  # described ("got a string"), never quoted


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_any_line_is_read_or_refused_with_a_message(line: str | bytes) -> None:
    # when an arbitrary line is read; then only VisitFormatError may come out
    _read(parse_visit_json, line)
