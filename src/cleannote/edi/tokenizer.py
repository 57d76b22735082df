"""X12 segment stream with envelope checks and errors that point at a segment position.

Readers build on `iter_segments`, which yields every segment of a file in order and raises
`X12Error` the moment the envelope stops making sense (a missing SE, a count that does not
match, a file that ends mid-transaction). Because the error can come at the very end of a huge
file, a reader that must be all-or-nothing collects before it returns (see the `read_*_file`
functions); streaming consumers accept that the stream may raise after they have seen items.

The file is read in chunks, so memory does not grow with the size of the file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, NamedTuple

CHUNK_SIZE = 1 << 16

# Whitespace that writers put between segments (line breaks, indentation). Python's own
# notion of whitespace includes 0x1C-0x1F, which some files use as delimiters, so the set is
# spelled out.
_LAYOUT_CHARS = " \t\r\n\x0b\x0c"
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_AMOUNT = re.compile(r"-?(\d+\.?\d*|\.\d+)\Z")
_ISA_ELEMENT_COUNT = 16
_ENVELOPE_IDS = frozenset(("ST", "GE", "IEA", "GS", "ISA"))


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators an interchange declares in its ISA header."""

    element: str
    component: str
    repetition: str
    segment: str


class Segment(NamedTuple):
    """One segment; `elements[0]` is the segment id, so `elements[1]` is its first element.

    `number` counts segments from the start of the file (1-based); `number_in_set` counts
    from the ST of the enclosing transaction set (ST is 1), and is 0 outside a set. A named
    tuple rather than a frozen dataclass: one is built per segment, hundreds of thousands per
    large remittance, and tuple construction is several times cheaper (see decision 0050).
    """

    elements: tuple[str, ...]
    number: int
    number_in_set: int
    delimiters: Delimiters

    @property
    def id(self) -> str:
        return self.elements[0]

    def get(self, position: int) -> str:
        """Element at `position` (1-based), or "" when the segment stops before it."""
        elements = self.elements
        return elements[position] if position < len(elements) else ""

    def components(self, position: int) -> tuple[str, ...]:
        value = self.get(position)
        return tuple(value.split(self.delimiters.component)) if value else ()

    def repeats(self, position: int) -> tuple[str, ...]:
        value = self.get(position)
        return tuple(value.split(self.delimiters.repetition)) if value else ()


class X12Error(ValueError):
    """A file the readers refuse, located by segment number and id.

    Messages name positions, segment ids, codes and amounts, never element values that could
    carry PHI (names, member ids, birth dates).
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        segment_number: int = 0,
        segment_id: str = "",
        expected: str = "",
    ) -> None:
        self.source = source
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.expected = expected
        self.problem = problem
        where = source
        shown_id = segment_id if _SEGMENT_ID.match(segment_id) else repr(segment_id)
        if segment_number:
            where += f": segment {segment_number}"
            if segment_id:
                where += f" ({shown_id})"
        what = f"expected {expected}; {problem}" if expected else problem
        super().__init__(f"{where}: {what}")


def segment_error(source: str, segment: Segment, problem: str, expected: str = "") -> X12Error:
    return X12Error(
        source,
        problem,
        segment_number=segment.number,
        segment_id=segment.id,
        expected=expected,
    )


# --- element conversions shared by every reader ------------------------------------------


def parse_amount(source: str, segment: Segment, position: int) -> Decimal:
    """An X12 'R' (decimal) element as Decimal; a blank element is an error here."""
    elements = segment.elements
    value = elements[position] if position < len(elements) else ""
    amount = _amount(value)
    if amount is None:
        raise segment_error(
            source,
            segment,
            f"found {_quote(value)} in element {segment.id}{position:02d}",
            expected="a decimal amount",
        )
    return amount


@lru_cache(maxsize=8192)
def _amount(value: str) -> Decimal | None:
    """Amounts repeat heavily within a remittance, so conversions are cached."""
    if not _AMOUNT.match(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def parse_optional_amount(source: str, segment: Segment, position: int) -> Decimal | None:
    return parse_amount(source, segment, position) if segment.get(position) else None


def parse_date(source: str, segment: Segment, position: int) -> date:
    return to_date(source, segment, segment.get(position), position)


def parse_optional_date(source: str, segment: Segment, position: int) -> date | None:
    return parse_date(source, segment, position) if segment.get(position) else None


def to_date(source: str, segment: Segment, value: str, position: int) -> date:
    """CCYYMMDD text as a date; an impossible calendar date is refused, not guessed."""
    day = _date(value)
    if day is None:
        raise segment_error(
            source,
            segment,
            f"found {_quote(value)} in element {segment.id}{position:02d}",
            expected="a date CCYYMMDD",
        )
    return day


@lru_cache(maxsize=4096)
def _date(value: str) -> date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def parse_period(source: str, segment: Segment, format_position: int) -> tuple[date, date]:
    """A D8 date or an RD8 range (`format_position` holds the qualifier, the next the value)."""
    qualifier = segment.get(format_position)
    value = segment.get(format_position + 1)
    if qualifier == "RD8" or (not qualifier and "-" in value):
        start, _, end = value.partition("-")
        return (
            to_date(source, segment, start, format_position + 1),
            to_date(source, segment, end, format_position + 1),
        )
    day = to_date(source, segment, value, format_position + 1)
    return day, day


def _quote(value: str) -> str:
    shown = value if len(value) <= 20 else value[:20] + "..."
    return repr(shown)


# --- reading bytes -----------------------------------------------------------------------


def _byte_chunks(data: bytes | BinaryIO | Path) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    if isinstance(data, Path):
        with data.open("rb") as stream:
            yield from _read_stream(stream)
        return
    yield from _read_stream(data)


def _read_stream(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _text_chunks(data: bytes | BinaryIO | Path, source: str) -> Iterator[str]:
    """Decode to text, choosing the encoding from the first bytes.

    X12 is ASCII in practice; UTF-8 (with or without BOM) and UTF-16 files exist in the wild
    and are decoded. Bytes that are not valid in the detected encoding refuse the file.
    """
    chunks = _byte_chunks(data)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 8:
            break
    encoding, skip = _detect_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = -skip
    try:
        for chunk in _chain(head[skip:], chunks):
            text = decoder.decode(chunk)
            offset += len(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise X12Error(
            source,
            f"byte offset {offset + exc.start + skip}: the bytes are not valid {encoding} text",
        ) from None
    if tail:
        yield tail


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _detect_encoding(head: bytes) -> tuple[str, int]:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if head[1:2] == b"\x00" and head[:1] != b"\x00":
        return "utf-16-le", 0
    if head[:1] == b"\x00" and head[1:2] != b"\x00":
        return "utf-16-be", 0
    return "utf-8", 0


# --- splitting text into segments ----------------------------------------------------------


def _header_delimiters(text: str, source: str, number: int) -> tuple[Delimiters, int] | None:
    """Delimiters declared by the ISA at the start of `text`, and where that ISA ends.

    The element separator is the character after "ISA"; ISA16 (the component separator) is
    the single character after the sixteenth element separator and the segment terminator is
    the character after it. Counting separators rather than assuming 106 fixed bytes also
    reads the (invalid but common) ISA headers whose fields are not padded. Returns None when
    `text` is too short to hold the whole header yet.
    """
    if len(text) < 4:
        return None
    element = text[3]
    position = 3  # the separator before ISA01; ISA16 follows the sixteenth
    for _ in range(_ISA_ELEMENT_COUNT - 1):
        position = text.find(element, position + 1)
        if position < 0:
            return None
    if len(text) < position + 3:
        return None
    fields = text[: position + 2].split(element)
    component = text[position + 1]
    terminator = text[position + 2]
    repetition = fields[11] if len(fields) > 11 and len(fields[11]) == 1 else ""
    if fields[12:13] and fields[12] < "00402":
        repetition = ""  # before 00402, ISA11 is a standards id ("U"), not a separator
    separators = {element, component, terminator} | ({repetition} if repetition else set())
    if (
        element.isalnum()
        or component.isalnum()
        or terminator.isalnum()
        or len(separators) != (4 if repetition else 3)
    ):
        raise X12Error(
            source,
            f"the ISA header declares element {element!r}, repetition {repetition!r}, "
            f"component {component!r} and segment {terminator!r} separators",
            segment_number=number,
            segment_id="ISA",
            expected="an ISA header with four distinct delimiters",
        )
    return Delimiters(element, component, repetition or "\x00", terminator), position + 3


def _raw_segments(
    chunks: Iterator[str], source: str
) -> Iterator[tuple[list[tuple[str, ...]], Delimiters]]:
    """Yield batches of non-blank segments (split into elements) with their delimiters.

    Batches, one per chunk read, rather than single segments: a generator hand-off per
    segment was a measurable share of reading a large remittance.
    """
    buffer = ""
    delimiters: Delimiters | None = None
    number = 0  # segments yielded so far, for positions in errors raised here
    exhausted = False
    while True:
        if delimiters is None:
            stripped = buffer.lstrip(_LAYOUT_CHARS)
            while len(stripped) < 200 and not exhausted:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    buffer = stripped + chunk
                    stripped = buffer.lstrip(_LAYOUT_CHARS)
            buffer = stripped
            if not buffer:
                return
            if not buffer.startswith("ISA"):
                raise X12Error(
                    source,
                    "the file does not start with an interchange header",
                    segment_number=number + 1,
                    segment_id=_peek_id(buffer),
                    expected="ISA",
                )
            found = _header_delimiters(buffer, source, number + 1)
            if found is None:
                raise X12Error(
                    source,
                    "the ISA header is cut short; the file is truncated",
                    segment_number=number + 1,
                    segment_id="ISA",
                    expected="a complete ISA header",
                )
            delimiters, end = found
            number += 1
            yield [tuple(buffer[: end - 1].split(delimiters.element))], delimiters
            buffer = buffer[end:]
        current = delimiters
        terminator = current.segment
        element = current.element
        strip = "".join(c for c in _LAYOUT_CHARS if c not in (terminator, element))
        restart = False
        while not restart:
            pieces = buffer.split(terminator)
            buffer = pieces.pop()
            batch: list[tuple[str, ...]] = []
            for index, piece in enumerate(pieces):
                piece = piece.strip(strip)
                if not piece:
                    continue
                if piece.startswith("ISA"):
                    buffer = terminator.join([piece, *pieces[index + 1 :], buffer])
                    delimiters = None
                    restart = True
                    break
                batch.append(tuple(piece.split(element)))
            number += len(batch)
            if batch:
                yield batch, current
            if restart:
                break
            if buffer.lstrip(strip).startswith("ISA"):
                # the next interchange may use another terminator: read its own header
                delimiters = None
                break
            chunk = next(chunks, None)
            if chunk is None:
                last = buffer.strip(strip)
                if last:
                    yield [tuple(last.split(element))], current
                return
            buffer += chunk


def _peek_id(text: str) -> str:
    match = re.match(r"[A-Za-z0-9]{1,3}", text)
    return match.group(0) if match else ""


# --- envelope checks --------------------------------------------------------------------------


def iter_segments(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[Segment]:
    """Every segment of the file, checked against ISA/IEA, GS/GE and ST/SE as it streams.

    Raises X12Error at the first envelope fault; at the end of the file when it stops inside
    an interchange, group or transaction set.
    """
    isa_control = gs_control = st_control = ""
    groups = sets = in_set = 0
    state = "start"  # start -> interchange -> group -> set -> group -> interchange -> done
    last: Segment | None = None
    valid_ids: set[str] = set()
    number = 0
    for batch, delimiters in _raw_segments(_text_chunks(data, source), source):
        for elements in batch:
            number += 1
            segment_id = elements[0]
            if in_set:
                in_set += 1
            segment = Segment(elements, number, in_set, delimiters)
            last = segment
            if state == "set":
                if segment_id == "SE":
                    _check_se(source, segment, in_set, st_control)
                    state, in_set = "group", 0
                    yield segment
                    continue
                if segment_id in _ENVELOPE_IDS:
                    raise segment_error(
                        source, segment, f"{segment_id} came before the set's SE", "SE"
                    )
                if segment_id not in valid_ids and not _valid_id(segment_id, valid_ids):
                    raise segment_error(
                        source,
                        segment,
                        f"found {_quote(segment_id)}",
                        "a segment id of 2-3 capital letters or digits",
                    )
                yield segment
                continue
            if segment_id == "ISA":
                if state not in ("start", "done"):
                    raise segment_error(source, segment, "a new ISA came before the IEA", "IEA")
                if len(elements) != _ISA_ELEMENT_COUNT + 1:
                    raise segment_error(
                        source, segment, f"the ISA has {len(elements) - 1} elements", "16 elements"
                    )
                isa_control, groups, state = elements[13], 0, "interchange"
            elif segment_id == "IEA":
                if state != "interchange":
                    raise segment_error(source, segment, f"IEA came while a {state} was open", "GE")
                _check_count(source, segment, groups, "functional groups")
                _check_control(source, segment, 2, isa_control, "ISA13")
                state = "done"
            elif segment_id == "GS":
                if state != "interchange":
                    raise segment_error(source, segment, "GS came outside an interchange", "ISA")
                gs_control, sets, state = segment.get(6), 0, "group"
                groups += 1
            elif segment_id == "GE":
                if state != "group":
                    raise segment_error(source, segment, "GE came without a GS", "GS")
                _check_count(source, segment, sets, "transaction sets")
                _check_control(source, segment, 2, gs_control, "GS06")
                state = "interchange"
            elif segment_id == "ST":
                if state != "group":
                    raise segment_error(source, segment, "ST came outside a functional group", "GS")
                st_control, state, in_set = segment.get(2), "set", 1
                sets += 1
                segment = Segment(segment.elements, number, 1, delimiters)
            else:
                expected = {
                    "start": "ISA",
                    "interchange": "GS or IEA",
                    "group": "ST or GE",
                    "done": "ISA or the end of the file",
                }[state]
                raise segment_error(
                    source,
                    segment,
                    f"{_quote(segment_id)} came outside a transaction set",
                    expected,
                )
            yield segment
    if state not in ("start", "done"):
        closing = {"set": "SE", "group": "GE", "interchange": "IEA"}[state]
        problem = "the file is truncated"
        if last is None:
            raise X12Error(source, problem, expected=f"{closing} before the end of the file")
        raise segment_error(source, last, problem, f"{closing} before the end of the file")
    if last is None:
        raise X12Error(source, "the file holds no segments", expected="ISA")


def _valid_id(segment_id: str, valid_ids: set[str]) -> bool:
    if _SEGMENT_ID.match(segment_id):
        valid_ids.add(segment_id)
        return True
    return False


def _check_se(source: str, segment: Segment, counted: int, st_control: str) -> None:
    _check_count(source, segment, counted, "segments from ST to SE")
    _check_control(source, segment, 2, st_control, "ST02")


def _check_count(source: str, segment: Segment, counted: int, what: str) -> None:
    declared = segment.get(1)
    if not declared.isdigit() or int(declared) != counted:
        raise segment_error(
            source,
            segment,
            f"{segment.id}01 says {_quote(declared)} but there are {counted}",
            f"the number of {what}",
        )


def _check_control(source: str, segment: Segment, position: int, opened: str, where: str) -> None:
    closing = segment.get(position)
    if closing.strip() != opened.strip() or not closing:
        raise segment_error(
            source,
            segment,
            f"{segment.id}{position:02d} is {_quote(closing)} but {where} is {_quote(opened)}",
            f"the control number of the matching {where[:-2]}",
        )


def transaction_sets(
    segments: Iterator[Segment],
) -> Iterator[tuple[Segment, Segment, list[Segment]]]:
    """Group a checked stream into (GS, ST, body segments up to and including SE).

    Used by the small transaction types (271, 277, 999, 837P) whose sets fit in memory.
    """
    group: Segment | None = None
    body: list[Segment] = []
    start: Segment | None = None
    for segment in segments:
        segment_id = segment.id
        if segment_id == "GS":
            group = segment
        elif segment_id == "ST":
            start, body = segment, []
        elif segment_id == "SE":
            assert group is not None
            assert start is not None
            body.append(segment)
            yield group, start, body
            start = None
        elif start is not None:
            body.append(segment)
