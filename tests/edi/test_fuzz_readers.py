"""Property: a mutated corpus file is read or refused with `X12Error`, in bounded time.

Hypothesis mutates the public sample files of every type we read: bytes flipped, inserted,
deleted or cut off; whole elements replaced by hostile values (non-ASCII digits, thousands of
digits, signs, separators, exponents, empty); segments duplicated or dropped, with SE01
recounted so the mutation reaches the readers behind the envelope checks. Every reader must
then either read the file or raise the project's own error, with a one-line bounded message.

CI runs a modest, derandomized number of examples (`FUZZ_EXAMPLES`, default 200) so the suite
stays fast and stable; `make fuzz` runs many more with fresh randomness.
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cleannote.edi.tokenizer import X12Error
from cleannote.edi.transactions import read_any
from tests.corpus import corpus_files, corpus_path

READ_TYPES = ("835", "271", "277", "999", "837P")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FRESH = os.environ.get("FUZZ_FRESH", "") == "1"  # `make fuzz`: new random examples each run
SECONDS_PER_FILE = 5.0  # a corpus file reads in milliseconds; a quadratic path takes far longer
HOSTILE_VALUES = [
    "",
    "0",
    "-",
    ".",
    "-.5",
    "1e5",
    "NaN",
    "Infinity",
    "\u00b2",  # superscript two: str.isdigit() is True
    "\u0663\u0660",  # Arabic-Indic digits: int() and Decimal() accept them
    "\uff11",  # fullwidth one
    "1" * 19,
    "9" * 5_000,  # past int()'s 4,300-digit limit
    "20261305",
    "99999999",
    "HC:",
    ":::::",
    "^^",
    "*",
    "\u00a0",
    "ISA",
    "ST",
    "SE",
    "\x00",
]

_hostile_value = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=12))
_where = st.integers(0, 10**6)
# Element replacements keep the envelope intact and so reach the readers; they are drawn most.
_mutation = st.one_of(
    st.tuples(st.just("element"), _where, st.integers(0, 30), _hostile_value),
    st.tuples(st.just("element"), _where, st.integers(1, 3), _hostile_value),
    st.tuples(st.just("duplicate"), _where),
    st.tuples(st.just("drop"), _where),
    st.tuples(st.just("byte"), _where, st.binary(min_size=0, max_size=8)),
    st.tuples(st.just("delete"), _where, st.integers(1, 64)),
    st.tuples(st.just("truncate"), _where),
)


def _delimiters(text: str) -> tuple[str, str] | None:
    """(element separator, segment terminator) of the ISA at the start, if there is one."""
    start = text.find("ISA")
    if start < 0 or len(text) < start + 4:
        return None
    element = text[start + 3]
    position = start + 3
    for _ in range(15):
        position = text.find(element, position + 1)
        if position < 0:
            return None
    if len(text) < position + 3:
        return None
    return element, text[position + 2]


def _recount(segments: list[str], element: str) -> list[str]:
    """Set every SE01 to the number of segments since its ST, so the envelope still holds."""
    out = []
    opened = -1
    for index, segment in enumerate(segments):
        name = segment.strip().split(element, 1)[0]
        if name == "ST":
            opened = index
        elif name == "SE" and opened >= 0:
            parts = segment.split(element)
            if len(parts) > 1:
                parts[1] = str(index - opened + 1)
                segment = element.join(parts)
            opened = -1
        out.append(segment)
    return out


def mutate(original: bytes, mutations: list[tuple], recount: bool) -> bytes:
    text = original.decode("utf-8", errors="surrogateescape")
    found = _delimiters(text)
    data = original
    if found is not None:
        element, terminator = found
        segments = text.split(terminator)
        for mutation in mutations:
            kind, where = mutation[0], mutation[1]
            if kind in ("element", "duplicate", "drop") and len(segments) > 2:
                index = 1 + where % (len(segments) - 2)  # never the ISA
                if kind == "element":
                    parts = segments[index].split(element)
                    parts[mutation[2] % len(parts)] = mutation[3]
                    segments[index] = element.join(parts)
                elif kind == "duplicate":
                    segments.insert(index, segments[index])
                else:
                    del segments[index]
        if recount:
            segments = _recount(segments, element)
        data = terminator.join(segments).encode("utf-8", errors="surrogateescape")
    raw = bytearray(data)
    for mutation in mutations:
        kind, where = mutation[0], mutation[1]
        at = where % (len(raw) + 1)
        if kind == "byte":
            raw[at : at + len(mutation[2])] = mutation[2]
        elif kind == "delete":
            del raw[at : at + mutation[2]]
        elif kind == "truncate":
            del raw[at:]
    return bytes(raw)


@settings(
    max_examples=EXAMPLES,
    deadline=None,  # timed below, generously: the machine is shared
    derandomize=not FRESH,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    name=st.sampled_from(corpus_files(*READ_TYPES)),
    mutations=st.lists(_mutation, min_size=1, max_size=4),
    recount=st.booleans(),
)
def test_a_mutated_corpus_file_is_read_or_refused_with_our_error(
    name: str, mutations: list[tuple], recount: bool
) -> None:
    # given
    data = mutate(corpus_path(name).read_bytes(), mutations, recount)
    started = time.perf_counter()
    # when
    try:
        read_any(data, source="fuzzed.x12")
        event("read")
    except X12Error as exc:
        event(f"refused, expected {exc.expected}" if exc.expected else "refused")
        # then: refused on one bounded line
        message = str(exc)
        assert message.startswith("fuzzed.x12: ")
        assert "\n" not in message
        assert len(message) < 300
    # then: either way, promptly
    assert time.perf_counter() - started < SECONDS_PER_FILE
