"""The batch stream under the fast 835 reader (decision 0050) shows what `iter_segments` shows.

These pin the behaviours the speed work must not change: positions across batches, the
segments handed over before a fault, a new interchange found inside a chunk, and value
caches that forget what a composite meant once ISA16 changes.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from cleannote.edi.tokenizer import X12Error, iter_segment_batches, iter_segments
from cleannote.edi.x12_835 import iter_claim_payments, read_835
from tests.edi.envelopes import REMIT_BODY, wrap


def _flatten(data: bytes) -> list[tuple[int, list[str]]]:
    return [
        (first + index, elements)
        for batch, first, _ in iter_segment_batches(data, source="t.835")
        for index, elements in enumerate(batch)
    ]


@pytest.mark.parametrize("chunk_size", [7, 64, 1 << 16], ids=["7", "64", "64k"])
def test_batches_number_segments_as_the_segment_stream_does(monkeypatch, chunk_size: int) -> None:
    # given
    monkeypatch.setattr("cleannote.edi.tokenizer.CHUNK_SIZE", chunk_size)
    data = (wrap(REMIT_BODY) + "\n" + wrap(REMIT_BODY).replace("~", "\x1d")).encode()
    # when
    flat = _flatten(data)
    segments = list(iter_segments(io.BytesIO(data), source="t.835"))
    # then
    assert [(n, tuple(e)) for n, e in flat] == [(s.number, s.elements) for s in segments]


def _note_numbers(data: bytes, seen: list[int]) -> None:
    for batch, first, _ in iter_segment_batches(data, source="t.835"):
        seen.extend(range(first, first + len(batch)))


def test_the_segments_before_a_fault_are_handed_over_before_the_error() -> None:
    # given: the SE count is wrong, so the fault is the SE (segment 30)
    data = wrap(REMIT_BODY).replace("SE*28*", "SE*27*").encode()
    seen: list[int] = []
    # when
    with pytest.raises(X12Error) as raised:
        _note_numbers(data, seen)
    # then
    assert seen == list(range(1, 30))
    assert raised.value.segment_number == 30


def test_a_name_containing_isa_does_not_start_an_interchange() -> None:
    # given: "ISA" inside element data, and "*ISA" after an element separator
    body = [s.replace("DOE*JANE", "LISA*ISA") for s in REMIT_BODY]
    # when
    [remit] = read_835(wrap(body).encode(), source="r.835")
    # then
    assert len(remit.claims) == 2


def test_a_new_interchange_inside_one_chunk_uses_its_own_delimiters() -> None:
    # given: two interchanges in one chunk, the second with another element separator
    second = wrap(REMIT_BODY).replace("*", "|").replace("|:~", "|>~").replace(":", ">")
    data = (wrap(REMIT_BODY) + second).encode()
    # when
    claims = list(iter_claim_payments(data, source="r.835"))
    # then
    assert [c.services[0].procedure.code for c in claims] == ["97110", "97010"] * 2


def test_a_composite_read_under_one_isa16_is_not_reused_under_another() -> None:
    # given: the same SVC01 text, split by ':' in the first interchange, whose ISA16 is ':',
    # then in a second interchange that declares '>'
    second = wrap(REMIT_BODY).replace("*:~", "*>~")
    data = (wrap(REMIT_BODY) + "\n" + second).encode()
    # when
    with pytest.raises(X12Error) as raised:
        list(read_835(data, source="r.835"))
    # then
    assert "segment 46 (SVC): expected a composite" in str(raised.value)


def test_repeated_values_read_the_same_from_the_caches() -> None:
    # given: the same claim twice in one set
    body = [*REMIT_BODY[:-5], *REMIT_BODY[6:-5]]
    body[0] = body[0].replace("*130.00*", "*260.00*")
    # when
    [remit] = read_835(wrap(body).encode(), source="r.835")
    # then
    first, second = remit.claims
    assert first == second
    assert remit.payment_amount == Decimal("260.00")
    assert remit.balance_warning is None
