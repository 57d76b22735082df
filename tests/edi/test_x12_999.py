from __future__ import annotations

from cleannote.edi.x12_999 import iter_set_responses, read_999
from tests.edi.envelopes import wrap

BODY = [
    "AK1*HC*17*005010X222A1",
    "AK2*837*0001*005010X222A1",
    "IK5*A",
    "AK2*837*0002*005010X222A1",
    "IK3*CLM*22*2300*8",
    "IK4*2*782*1",
    "IK5*R*5",
    "AK9*P*2*2*1",
]


def test_accepted_and_rejected_sets_with_segment_and_element_errors() -> None:
    # when
    [ack] = read_999(wrap(BODY, st01="999", guide="005010X231A1").encode(), source="a.999")
    # then
    assert (ack.status, ack.sets_received, ack.sets_accepted) == ("P", 2, 1)
    assert not ack.accepted
    good, bad = ack.sets
    assert good.accepted
    assert good.control_number == "0001"
    assert not bad.accepted
    assert bad.error_codes == ("5",)
    [segment_error] = bad.segment_errors
    assert (segment_error.segment_id, segment_error.position_in_set) == ("CLM", "22")
    assert (segment_error.loop_id, segment_error.error_code) == ("2300", "8")
    assert [(e.position, e.data_element, e.error_code) for e in segment_error.elements] == [
        ("2", "782", "1")
    ]


def test_the_stream_yields_the_set_responses_of_the_acknowledgment() -> None:
    # given
    data = wrap(BODY, st01="999", guide="005010X231A1").encode()
    # when
    streamed = list(iter_set_responses(data, source="a.999"))
    # then
    [ack] = read_999(data, source="a.999")
    assert tuple(streamed) == ack.sets
    assert [r.control_number for r in streamed] == ["0001", "0002"]
