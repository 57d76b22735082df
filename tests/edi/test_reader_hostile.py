"""Hostile X12 input: every crash class the fuzzing of issue 8 found, and the messages.

Each case failed on the old readers with a traceback (ValueError from `int()` after
`str.isdigit()`, or a Decimal overflow) or read a non-ASCII number as if it were one. Now each
is refused with one bounded line naming the segment, the element and the problem, and never
the element's content (decision 0240).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cleannote.cli.main import main
from cleannote.edi.tokenizer import MAX_SEGMENT_LENGTH, X12Error, iter_segments
from cleannote.edi.transactions import read_any
from tests.edi.envelopes import ISA, REMIT_BODY, wrap

GOLDEN_837P = (Path(__file__).parent / "golden" / "medicare_pt.837").read_text()
ACK_BODY = [
    "AK1*HC*17*005010X222A1",
    "AK2*837*0001*005010X222A1",
    "IK5*A",
    "AK9*A*1*1*1",
]
REMIT = wrap(REMIT_BODY)
ACK = wrap(ACK_BODY, st01="999", guide="005010X231A1")
SUPERSCRIPT = "\u00b2"  # "²": str.isdigit() says yes, int() says no
ARABIC_INDIC = "\u0664\u0660"  # "٤٠": int() and Decimal() read it as 40
MANY_DIGITS = "1" * 5_000  # more than int()'s 4,300-digit limit
MILLION_DIGITS = "9" * 1_000_000


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _repeated(segment: str, times: int) -> str:
    """The remittance with `segment` repeated in place (SE01 still right)."""
    return wrap([s for body in REMIT_BODY for s in [body] * (times if body == segment else 1)])


def _position(segment: str) -> int:
    """Segment number of `segment` in the remittance (ISA, GS and ST come first)."""
    return REMIT_BODY.index(segment) + 4


CASES = [
    # (id, file text, expected start of the message after the file name, the bad value)
    (
        "se01-superscript",
        _with(REMIT, "SE*28*", f"SE*2{SUPERSCRIPT}*"),
        "segment 30 (SE): "
        "expected the number of segments from ST to SE in SE01; it holds a character outside ASCII",
        f"2{SUPERSCRIPT}",
    ),
    (
        "se01-arabic-indic",
        _with(REMIT, "SE*28*", f"SE*{ARABIC_INDIC}*"),
        "segment 30 (SE): "
        "expected the number of segments from ST to SE in SE01; it holds a character outside ASCII",
        ARABIC_INDIC,
    ),
    (
        "se01-5000-digits",
        _with(REMIT, "SE*28*", f"SE*{MANY_DIGITS}*"),
        "segment 30 (SE): "
        "expected the number of segments from ST to SE in SE01; it has 5000 characters, more than "
        "the 10 digits allowed",
        MANY_DIGITS,
    ),
    (
        "ge01-superscript",
        _with(REMIT, "GE*1*7", f"GE*{SUPERSCRIPT}*7"),
        "segment 31 (GE): "
        "expected the number of transaction sets in GE01; it holds a character outside ASCII",
        SUPERSCRIPT,
    ),
    (
        "ge01-5000-digits",
        _with(REMIT, "GE*1*7", f"GE*{MANY_DIGITS}*7"),
        "segment 31 (GE): expected the number of transaction sets in GE01; it has 5000 characters",
        MANY_DIGITS,
    ),
    (
        "iea01-arabic-indic",
        _with(REMIT, "IEA*1*", f"IEA*{ARABIC_INDIC}*"),
        "segment 32 (IEA): "
        "expected the number of functional groups in IEA01; it holds a character outside ASCII",
        ARABIC_INDIC,
    ),
    (
        "iea01-5000-digits",
        _with(REMIT, "IEA*1*", f"IEA*{MANY_DIGITS}*"),
        "segment 32 (IEA): "
        "expected the number of functional groups in IEA01; it has 5000 characters",
        MANY_DIGITS,
    ),
    (
        "lx01-superscript",
        _with(GOLDEN_837P, "LX*2~", f"LX*{SUPERSCRIPT}~"),
        "segment 30 (LX): expected a line number in LX01; it holds a character outside ASCII",
        SUPERSCRIPT,
    ),
    (
        "lx01-5000-digits",
        _with(GOLDEN_837P, "LX*2~", f"LX*{MANY_DIGITS}~"),
        "segment 30 (LX): "
        "expected a line number in LX01; it has 5000 characters, more than the 6 digits allowed",
        MANY_DIGITS,
    ),
    (
        "sv107-superscript",
        _with(GOLDEN_837P, "UN*1***1~", f"UN*1***{SUPERSCRIPT}~"),
        "segment 27 (SV1): expected pointers 1-12 in SV107; it holds a pointer that is not a "
        "number 1-12",
        SUPERSCRIPT,
    ),
    (
        "sv107-5000-digits",
        _with(GOLDEN_837P, "UN*1***1~", f"UN*1***{MANY_DIGITS}~"),
        "segment 27 (SV1): expected pointers 1-12 in SV107",
        MANY_DIGITS,
    ),
    (
        "ak902-superscript",
        _with(ACK, "AK9*A*1*", f"AK9*A*{SUPERSCRIPT}*"),
        "segment 7 (AK9): expected a count in AK902; it holds a character outside ASCII",
        SUPERSCRIPT,
    ),
    (
        "ak904-5000-digits",
        _with(ACK, "AK9*A*1*1*1", f"AK9*A*1*1*{MANY_DIGITS}"),
        "segment 7 (AK9): expected a count in AK904; it has 5000 characters",
        MANY_DIGITS,
    ),
    (
        "amount-million-digits",
        _with(REMIT, "CAS*CO*45*40.00", f"CAS*CO*45*{MILLION_DIGITS}"),
        "segment 16 (CAS): expected a segment terminator '~' within 65,536 characters; the "
        "segment runs on past that",
        MILLION_DIGITS[:50],
    ),
    (
        "amount-5000-digits",
        _with(REMIT, "CAS*CO*45*40.00", f"CAS*CO*45*{MANY_DIGITS}"),
        "segment 16 (CAS): expected a decimal amount in CAS03; it has 5000 characters, more "
        "than the 18 digits allowed",
        MANY_DIGITS,
    ),
    (
        "amount-19-digits",
        _with(REMIT, "CAS*CO*45*40.00", "CAS*CO*45*-1234567890.123456789"),
        "segment 16 (CAS): expected a decimal amount in CAS03; it has 21 characters, more "
        "than the 18 digits allowed",
        "1234567890",
    ),
    (
        "claim-charge-million-digits",
        _with(REMIT, "250.00", MILLION_DIGITS),
        "segment 10 (CLP): expected a segment terminator '~' within 65,536 characters",
        MILLION_DIGITS[:50],
    ),
    (
        "837p-charge-million-digits",
        _with(GOLDEN_837P, "*62*UN", f"*{MILLION_DIGITS}*UN"),
        "segment 27 (SV1): expected a segment terminator '~' within 65,536 characters",
        MILLION_DIGITS[:50],
    ),
    (
        "amount-arabic-indic",
        _with(REMIT, "CAS*CO*45*40.00", f"CAS*CO*45*{ARABIC_INDIC}"),
        "segment 16 (CAS): expected a decimal amount in CAS03; it holds a character outside ASCII",
        ARABIC_INDIC,
    ),
    (
        "date-arabic-indic",
        _with(REMIT, "DTM*472*20260105", "DTM*472*" + "\u0662" * 8),
        "segment 15 (DTM): expected a date CCYYMMDD in DTM02; it holds a character outside ASCII",
        "\u0662" * 8,
    ),
    (
        "birth-date-impossible",
        _with(GOLDEN_837P, "DMG*D8*19500417", "DMG*D8*19501317"),
        "segment 19 (DMG): expected a date CCYYMMDD in DMG02; it is not a calendar date",
        "19501317",
    ),
    # a wrong element separator made the whole segment, birth date included, the "id"
    (
        "wrong-element-separator",
        _with(GOLDEN_837P, "DMG*D8*19500417*F", "DMG|D8|19500417|F"),
        "segment 19 (?): expected a segment id; the segment id is not 2-3 capital letters or "
        "digits",
        "19500417",
    ),
    (
        "wrong-separator-outside-a-set",
        _with(REMIT, "GE*1*7", "GE|1|LINDQVIST 19500417"),
        "segment 31 (?): expected ST or GE; ? came outside a transaction set",
        "LINDQVIST",
    ),
    # repeats past the guide's limits (adjustments and remarks grew quadratically)
    (
        "100-cas-on-a-claim",
        _repeated("CAS*PR*2*20.00", 100),
        f"segment {_position('CAS*PR*2*20.00') + 99} (CAS): expected at most 99 CAS segments "
        "per claim; this is the 100th CAS segment of one claim",
        "20.00",
    ),
    (
        "100-lq-on-a-line",
        _repeated("LQ*HE*N362", 100),
        f"segment {_position('LQ*HE*N362') + 99} (LQ): expected at most 99 LQ segments per "
        "service line",
        "N362",
    ),
    (
        "second-moa",
        wrap([*REMIT_BODY, "MOA***MA01", "MOA***MA02"]),
        f"segment {len(REMIT_BODY) + 5} (MOA): expected at most one MOA per claim",
        "MA02",
    ),
]


@pytest.mark.parametrize(
    ("text", "message", "bad"),
    [pytest.param(text, message, bad, id=case) for case, text, message, bad in CASES],
)
def test_hostile_values_are_refused_with_a_bounded_message_without_the_value(
    tmp_path: Path, text: str, message: str, bad: str
) -> None:
    # given
    path = tmp_path / "hostile.x12"
    path.write_bytes(text.encode())
    # when
    with pytest.raises(X12Error) as raised:
        read_any(path, source="hostile.x12")
    # then
    shown = str(raised.value)
    assert shown.startswith(f"hostile.x12: {message}")
    assert bad not in shown
    assert "\n" not in shown
    assert len(shown) < 250


@pytest.mark.parametrize("text", [pytest.param(text, id=case) for case, text, _, _ in CASES])
def test_the_command_line_exits_2_with_one_line(tmp_path: Path, capsys, text: str) -> None:
    # given
    path = tmp_path / "hostile.x12"
    path.write_bytes(text.encode())
    # when
    status = main(["edi", "read", str(path)])
    # then
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"cleannote: error: {path}: segment ")


def test_a_long_file_name_is_shortened_in_the_message() -> None:
    # given
    source = "x" * 10_000
    # when
    with pytest.raises(X12Error) as raised:
        list(iter_segments(b"NOT X12", source=source))
    # then
    assert len(str(raised.value)) < 250


def test_a_run_without_a_segment_terminator_is_refused_at_the_cap() -> None:
    # given: an ISA, then far more than a segment's worth of text without a terminator
    data = (ISA + "GS*HP*" + "A" * (4 * MAX_SEGMENT_LENGTH)).encode()
    # when
    with pytest.raises(X12Error) as raised:
        list(iter_segments(data, source="t.835"))
    # then
    assert str(raised.value) == (
        f"t.835: segment 2 (GS): expected a segment terminator '~' within "
        f"{MAX_SEGMENT_LENGTH:,} characters; the segment runs on past that"
    )


def test_a_segment_just_under_the_cap_still_reads() -> None:
    # given: one long free-text element (not a number) in a valid file
    body = [*REMIT_BODY, "LQ*HE*" + "N" * (MAX_SEGMENT_LENGTH - 100)]
    # when
    segments = list(iter_segments(wrap(body).encode(), source="t.835"))
    # then
    assert [s.id for s in segments][-5:] == ["LQ", "LQ", "SE", "GE", "IEA"]


def test_megabytes_of_line_breaks_after_an_isa_read_in_linear_time() -> None:
    # given: 8 MB without a segment terminator, which took about 12 s on the quadratic tokenizer
    data = ISA.encode() + b"\n" * (8 << 20)
    started = time.perf_counter()
    # when
    with pytest.raises(X12Error) as raised:
        list(iter_segments(data, source="t.835"))
    # then: refused as truncated, in a small fraction of the old time (about 0.05 s here)
    assert time.perf_counter() - started < 2.0
    assert str(raised.value).endswith("the file is truncated")


def test_an_unreadable_file_exits_2_with_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    # given: a file the process may not read (root ignores modes, so the refusal is simulated)
    path = tmp_path / "locked.835"
    path.write_text(REMIT)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cleannote.cli.edi.read_any", refuse)
    # when
    status = main(["edi", "read", str(path)])
    # then
    assert status == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("cleannote: error: ")
    assert line.endswith(": Permission denied")
