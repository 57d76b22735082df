"""The envelope: fixed-width ISA, control numbers, counts, delimiters and refused data."""

from __future__ import annotations

import pytest

from cleannote.edi.envelope import (
    ControlNumbers,
    Delimiters,
    Envelope,
    SegmentWriter,
    X12WriteError,
    iter_interchange,
)
from cleannote.edi.x12_837p import write_837p
from tests.edi.factories import CONTROL, CREATED, RECEIVER, SUBMITTER, claim, person, visit
from tests.edi.pyx12_check import pyx12_errors


def _envelope(**changes: object) -> Envelope:
    values: dict[str, object] = {
        "submitter": SUBMITTER,
        "receiver": RECEIVER,
        "control": CONTROL,
        "created": CREATED,
        "usage": "T",
        "functional_id": "HC",
        "version": "005010X222A1",
    }
    values.update(changes)
    return Envelope(**values)  # type: ignore[arg-type]


def _segments(data: bytes, terminator: bytes = b"~") -> list[bytes]:
    return [s.strip() for s in data.split(terminator) if s.strip()]


def test_isa_is_fixed_width_with_padded_ids_and_given_control_number():
    # given an envelope around two empty transaction sets
    envelope = _envelope()
    # when
    data = b"".join(iter_interchange(envelope, "837", [[], []]))
    # then
    isa = data.split(b"~")[0]
    assert len(isa) == 105
    assert isa == (
        b"ISA*00*          *00*          *ZZ*CLEANNOTE01    *ZZ*CLEARHOUSE     "
        b"*260302*0930*^*00501*000000101*0*T*:"
    )


def test_transaction_sets_count_up_from_the_first_control_number_and_close_with_counts():
    # given
    envelope = _envelope(control=ControlNumbers(interchange=7, group=8, first_transaction=41))
    body = [[("", [("BHT", "0019")])], [("", [("BHT", "0019")]), ("", [("REF", "X")])]]
    # when
    data = b"".join(iter_interchange(envelope, "837", body))
    # then
    segments = _segments(data)
    assert segments[1] == b"GS*HC*CLEANNOTE01*CLEARHOUSE*20260302*0930*8*X*005010X222A1"
    assert segments[2:] == [
        b"ST*837*0041*005010X222A1",
        b"BHT*0019",
        b"SE*3*0041",
        b"ST*837*0042*005010X222A1",
        b"BHT*0019",
        b"REF*X",
        b"SE*4*0042",
        b"GE*2*8",
        b"IEA*1*000000007",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("interchange", 0, id="interchange-zero"),
        pytest.param("group", 1_000_000_000, id="group-ten-digits"),
        pytest.param("first_transaction", -3, id="transaction-negative"),
    ],
)
def test_control_numbers_outside_nine_digits_are_refused(field, value):
    # given
    numbers = {"interchange": 1, "group": 1, "first_transaction": 1, field: value}
    # when / then
    with pytest.raises(X12WriteError, match=f"control number {field}={value}"):
        ControlNumbers(**numbers)


def test_usage_indicator_must_be_test_or_production():
    with pytest.raises(X12WriteError, match="usage indicator 'X'"):
        _envelope(usage="X")


@pytest.mark.parametrize(
    "chosen",
    [
        pytest.param({"element": "*", "component": "*"}, id="repeated"),
        pytest.param({"segment": "A"}, id="letter"),
        pytest.param({"element": "**"}, id="two-characters"),
    ],
)
def test_delimiters_must_be_four_distinct_punctuation_marks(chosen):
    with pytest.raises(X12WriteError, match="delimiter"):
        Delimiters(**chosen)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        pytest.param("O*BRIEN", "element", id="element"),
        pytest.param("O:BRIEN", "component", id="component"),
        pytest.param("O^BRIEN", "repetition", id="repetition"),
        pytest.param("O~BRIEN", "segment", id="segment"),
    ],
)
def test_a_delimiter_inside_data_is_refused_naming_the_element_not_the_value(value, name):
    # given a subscriber whose surname holds a delimiter
    subscriber = person(last=value)
    bad = claim(visit(subscriber=subscriber, patient=subscriber))
    # when
    with pytest.raises(X12WriteError) as caught:
        write_837p([bad], submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED)
    # then
    message = str(caught.value)
    assert message.startswith(f"claim V1001: NM103 contains the {name} separator")
    assert "BRIEN" not in message


def test_non_ascii_text_is_refused():
    subscriber = person(first="Zoë")
    bad = claim(visit(subscriber=subscriber, patient=subscriber))
    with pytest.raises(X12WriteError, match="non-ASCII") as caught:
        write_837p([bad], submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED)
    assert "Zo" not in str(caught.value)


def test_writer_upper_cases_and_drops_trailing_empty_elements_and_components():
    # given
    writer = SegmentWriter()
    # when
    text = writer.chunk([("NM1", "IL", "1", "smith", "", ""), ("SV1", ("HC", "97110", "", ""))])
    # then
    assert text == b"NM1*IL*1*SMITH~SV1*HC:97110~"


def test_custom_delimiters_are_announced_in_isa_and_used_throughout():
    # given
    delimiters = Delimiters(element="|", component=">", repetition="!", segment="\\")
    # when
    data = write_837p(
        [claim()],
        submitter=SUBMITTER,
        receiver=RECEIVER,
        control=CONTROL,
        created=CREATED,
        delimiters=delimiters,
    )
    # then
    assert data.startswith(b"ISA|00|")
    assert data.split(b"\\")[0].endswith(b"|!|00501|000000101|0|P|>")
    assert b"SV1|HC>97110>GP|62|UN|1|||1\\" in data
    assert pyx12_errors(data) == []
