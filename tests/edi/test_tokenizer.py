from __future__ import annotations

import io

import pytest

from cleannote.edi.tokenizer import X12Error, iter_segments
from tests.edi.envelopes import ISA, REMIT_BODY, wrap


def _ids(data: bytes) -> list[str]:
    return [s.id for s in iter_segments(data, source="t.835")]


def test_segments_carry_file_and_set_positions() -> None:
    # given
    data = wrap(["BPR*I*0*C*NON", "TRN*1*X"]).encode()
    # when
    segments = list(iter_segments(data, source="t.835"))
    # then
    assert [s.id for s in segments] == ["ISA", "GS", "ST", "BPR", "TRN", "SE", "GE", "IEA"]
    assert [s.number for s in segments] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.number_in_set for s in segments] == [0, 0, 1, 2, 3, 4, 0, 0]
    assert segments[3].get(2) == "0"
    assert segments[3].get(40) == ""


def test_delimiters_come_from_the_isa_header() -> None:
    # given: element |, repetition !, component >, terminator '
    text = wrap(["SVC*HC:97110:GP*1*1"]).replace("*", "|").replace("~", "'")
    text = text.replace("|^|", "|!|").replace("|:'", "|>'").replace("HC:97110:GP", "HC>97110>GP")
    # when
    segments = list(iter_segments(text.encode(), source="t.835"))
    # then
    svc = next(s for s in segments if s.id == "SVC")
    assert svc.delimiters.element == "|"
    assert svc.delimiters.repetition == "!"
    assert svc.components(1) == ("HC", "97110", "GP")


@pytest.mark.parametrize(
    ("prefix", "layout"),
    [
        pytest.param(b"\xef\xbb\xbf", "\n", id="utf8-bom"),
        pytest.param(b"", "\r\n    ", id="crlf-and-indentation"),
        pytest.param(b"", "", id="one-line"),
    ],
)
def test_bom_and_line_breaks_are_tolerated(prefix: bytes, layout: str) -> None:
    # given
    data = prefix + wrap(REMIT_BODY).replace("\n", layout).encode()
    # when
    ids = _ids(data)
    # then
    assert ids[0] == "ISA"
    assert ids[-1] == "IEA"
    assert ids.count("CLP") == 2


def test_utf16_files_are_decoded() -> None:
    # given
    data = wrap(REMIT_BODY).encode("utf-16-le")
    # when
    ids = _ids(data)
    # then
    assert ids.count("SVC") == 3


def test_a_file_read_in_small_chunks_gives_the_same_segments(monkeypatch) -> None:
    # given: chunks shorter than one segment
    monkeypatch.setattr("cleannote.edi.tokenizer.CHUNK_SIZE", 7)
    data = wrap(REMIT_BODY).encode()
    # when
    chunked = [s.elements for s in iter_segments(io.BytesIO(data), source="t.835")]
    whole = [s.elements for s in iter_segments(data, source="t.835")]
    # then
    assert chunked == whole


def test_several_interchanges_with_different_delimiters() -> None:
    # given
    first = wrap(REMIT_BODY)
    second = wrap(REMIT_BODY).replace("~", "\x1d")
    # when
    ids = _ids((first + "\n" + second).encode())
    # then
    assert ids.count("ISA") == 2
    assert ids.count("CLP") == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            wrap(REMIT_BODY).split("SE*")[0],
            "t.835: segment 29 (LQ): expected SE before the end of the file; the file is truncated",
            id="truncated",
        ),
        pytest.param(
            wrap(REMIT_BODY).replace("SE*28*0001~\n", ""),
            "t.835: segment 30 (GE): expected SE; GE came before the set's SE",
            id="missing-se",
        ),
        pytest.param(
            wrap(REMIT_BODY).replace("SE*28*", "SE*27*"),
            "t.835: segment 30 (SE): expected the number of segments from ST to SE; "
            "SE01 says 27 but there are 28",
            id="se-count",
        ),
        pytest.param(
            wrap(REMIT_BODY).replace("SE*28*0001", "SE*28*0002"),
            "t.835: segment 30 (SE): expected the control number of the matching ST; "
            "SE02 does not match ST02",
            id="se-control",
        ),
        pytest.param(
            wrap(REMIT_BODY).replace("GE*1*7", "GE*2*7"),
            "t.835: segment 31 (GE): expected the number of transaction sets; "
            "GE01 says 2 but there are 1",
            id="ge-count",
        ),
        pytest.param(
            wrap(REMIT_BODY).replace("IEA*1*000000123", "IEA*1*000000124"),
            "t.835: segment 32 (IEA): expected the control number of the matching ISA; "
            "IEA02 does not match ISA13",
            id="iea-control",
        ),
        pytest.param(
            "ST*835*0001~BPR*I*0~SE*3*0001~",
            "t.835: segment 1 (ST): expected ISA; the file does not start with an interchange "
            "header",
            id="no-isa",
        ),
        pytest.param(
            ISA[:60],
            "t.835: segment 1 (ISA): expected a complete ISA header; the ISA header is cut "
            "short; the file is truncated",
            id="short-isa",
        ),
        pytest.param(
            ISA.replace("*^*", "*:*") + "GS*HP~",
            "t.835: segment 1 (ISA): expected an ISA header with four distinct delimiters; "
            "the ISA header declares element '*', repetition ':', component ':' and segment "
            "'~' separators",
            id="same-delimiters",
        ),
    ],
)
def test_broken_envelopes_are_refused_with_their_position(text: str, message: str) -> None:
    # when
    with pytest.raises(X12Error) as raised:
        _ids(text.encode())
    # then
    assert str(raised.value) == message


def test_an_error_names_segment_number_and_id_as_attributes() -> None:
    # given
    text = wrap(REMIT_BODY).replace("SE*28*", "SE*21*")
    # when
    with pytest.raises(X12Error) as raised:
        _ids(text.encode())
    # then
    error = raised.value
    assert (error.segment_number, error.segment_id, error.source) == (30, "SE", "t.835")
