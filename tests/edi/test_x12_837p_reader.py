"""The 837P reader streams: `iter_837p` yields each claim as it closes, `read_837p` collects."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_837p_reader import iter_837p, read_837p

GOLDEN = (Path(__file__).parent / "golden" / "medicare_pt.837").read_text()


def test_the_stream_yields_what_the_file_reader_returns() -> None:
    # given
    data = GOLDEN.encode()
    # when
    streamed = list(iter_837p(data, source="c.837"))
    # then
    assert streamed == read_837p(data, source="c.837")
    assert [line.line_number for line in streamed[0].lines] == [1, 2, 3]


def _two_claims_the_second_broken() -> bytes:
    head, rest = GOLDEN.split("HL*2*1*22*0~\n")
    block, tail = rest.split("SE*36*")
    second = (
        ("HL*3*1*22*0~\n" + block)
        .replace("CLM*V1001", "CLM*V1002")
        .replace("SV1*HC:97110:GP*62*", "SV1*HC:97110:GP*SIXTY*")
    )
    count = 36 + second.count("~")
    return (head + "HL*2*1*22*0~\n" + block + second + f"SE*{count}*" + tail).encode()


def test_a_claim_is_yielded_before_a_later_fault_and_the_file_reader_returns_nothing() -> None:
    # given: the second claim's first line has no valid charge
    data = _two_claims_the_second_broken()
    seen = []
    # when
    with pytest.raises(X12Error) as raised:
        seen.extend(iter_837p(data, source="c.837"))
    # then: the first claim came before the error; the file reader gives nothing
    assert [c.patient_control_number for c in seen] == ["V1001"]
    assert "expected a decimal amount in SV102; it is not a decimal number" in str(raised.value)
    assert "SIXTY" not in str(raised.value)
    with pytest.raises(X12Error):
        read_837p(data, source="c.837")


def test_a_line_without_lx_is_numbered_by_its_place() -> None:
    # given
    data = GOLDEN.replace("LX*2~\n", "").replace("SE*36*", "SE*35*").encode()
    # when
    [claim] = read_837p(data, source="c.837")
    # then
    assert [line.line_number for line in claim.lines] == [1, 3]
