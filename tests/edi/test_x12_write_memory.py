"""What the writers remember between claims (segment texts, subscriber loops, line segments)
must never change the bytes written or let a refused value through the second time."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import msgspec
import pytest

from cleannote.edi.envelope import SegmentWriter, X12WriteError
from cleannote.edi.x12_837p import ClaimToSend, write_837p
from tests.edi.factories import CONTROL, CREATED, RECEIVER, SUBMITTER, claim, person, visit


def _write(claims: list[ClaimToSend]) -> bytes:
    return write_837p(
        claims, submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED
    )


def test_a_remembered_segment_is_written_the_same_every_time():
    # given a writer that has already written a segment once
    writer = SegmentWriter()
    segments = [("NM1", "85", "2", "Bench Therapy", "", "", "", "", "XX", "1234567893")]
    first = writer.chunk(segments)
    # when the same segment comes again
    second = writer.chunk(segments)
    # then
    assert first == second == b"NM1*85*2*BENCH THERAPY*****XX*1234567893~"


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        (("NM1", "IL", "1", "O*Brien"), "NM103 contains the element separator '*'"),
        (("SV1", ("HC", "97110:GP")), "SV101-2 contains the component separator ':'"),
        (("N3", "12 Elm~Ave"), "N301 contains the segment separator '~'"),
        (("N3", "12 Elm^Ave"), "N301 contains the repetition separator '^'"),
        (("NM1", "IL", "1", "Strauß"), "NM1 segment holds a non-ASCII character"),
        (("NM1", "IL", "1", "Lindqvist*"), "NM103 contains the element separator '*'"),
    ],
    ids=["element", "component", "segment", "repetition", "sharp-s-upper-cases-to-ascii", "tail"],
)
def test_a_refused_segment_is_refused_again_after_it_was_seen(segment, message):
    # given a writer that has already refused the segment once
    writer = SegmentWriter()
    with pytest.raises(X12WriteError, match=re.escape(message)):
        writer.chunk([("REF", "EA", "1"), segment])
    # when it comes again
    with pytest.raises(X12WriteError) as second:
        writer.chunk([segment])
    # then the same element is named
    assert message in str(second.value)


def test_memory_is_bounded_and_still_writes_correctly_after_it_is_emptied():
    # given more distinct segments than the writer keeps
    writer = SegmentWriter()
    texts = [writer.chunk([("REF", "6R", f"V{n}-1")]) for n in range(10_000)]
    # then
    assert len(writer._rendered) <= 1024
    assert texts[0] == b"REF*6R*V0-1~"
    assert writer.chunk([("REF", "6R", "V0-1")]) == b"REF*6R*V0-1~"


def test_an_int_charge_is_refused_even_after_the_equal_decimal_was_written():
    # given a claim whose line charge was written as a whole Decimal
    good = claim()
    line = msgspec.structs.replace(good.lines[0], charge=Decimal("50"))
    _write([replace(good, lines=(line, *good.lines[1:]))])
    # when the same line comes with an int charge, which compares equal to the Decimal
    bad = replace(good, lines=(msgspec.structs.replace(line, charge=50), *good.lines[1:]))
    # then
    with pytest.raises(X12WriteError, match="SV102 must be a Decimal"):
        _write([bad])


def test_a_subscriber_refused_once_is_refused_again():
    # given a claim whose subscriber has no member id
    member = person(member_id="")
    refused = claim(visit(subscriber=member, patient=member))
    # when / then both times
    for _ in range(2):
        with pytest.raises(X12WriteError, match="2010BA NM109 member id is required"):
            _write([refused])


def test_repeated_claims_write_the_same_bytes_as_claims_written_alone():
    # given claims that share a subscriber, payer and lines
    claims = [claim(visit(f"V{n}")) for n in range(3)]
    # when
    together = _write(claims)
    # then each claim's text matches the one written in a fresh batch
    for one in claims:
        alone = _write([one])
        body = alone.split(b"CLM*", 1)[1].split(b"SE*", 1)[0]
        assert body in together
