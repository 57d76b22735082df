"""X12 segment stream with envelope checks and errors that point at a segment position.

Readers build on `iter_segments`, which yields every segment of a file in order and raises
`X12Error` the moment the envelope stops making sense (a missing SE, a count that does not
match, a file that ends mid-transaction). Because the error can come at the very end of a huge
file, a reader that must be all-or-nothing collects before it returns (see the `read_*_file`
functions); streaming consumers accept that the stream may raise after they have seen items.

The file is read in chunks, so memory does not grow with the size of the file. Readers on a
hot path (the 835) take `iter_segment_batches` instead: the same checked stream as plain
element lists, one batch per chunk, without a `Segment` per segment (decision 0050).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, NamedTuple

from cleannote.edi.error_codes import X12ReadErrorCode

# 16 KiB: a chunk's segment lists die before the garbage collector promotes them to its oldest
# generation; with 64 KiB chunks a large remittance triggered a dozen full collections.
CHUNK_SIZE = 1 << 14

# Whitespace that writers put between segments (line breaks, indentation). Python's own
# notion of whitespace includes 0x1C-0x1F, which some files use as delimiters, so the set is
# spelled out.
_LAYOUT_CHARS = " \t\r\n\x0b\x0c"
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
# X12 numbers are ASCII: `\d` and `str.isdigit` also accept "²" and "٣", so spell out 0-9.
_AMOUNT = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)\Z")
_CODE = re.compile(r"[A-Z0-9]{1,30}\Z")
# An R (decimal) element holds at most 18 digits, besides its sign and decimal point.
AMOUNT_DIGITS = 18
# No segment of the 5010 guides comes near this; a longer run without a terminator is refused,
# which bounds both the memory a segment takes and the work per chunk (decision 0240).
MAX_SEGMENT_LENGTH = 1 << 16
# The longest file name an error message repeats.
_SOURCE_SHOWN = 120
_ISA_ELEMENT_COUNT = 16
_ENVELOPE_IDS = frozenset(("ST", "GE", "IEA", "GS", "ISA"))
_first = itemgetter(0)


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
    """A file the readers refuse, located by segment number, segment id and element.

    The message is bounded and carries no value from the file beyond its delimiters and
    counts: it names the segment's position, its id (when the id is well formed, else "?"),
    the element (such as CAS03), what was expected and what is wrong with what came, never the
    element's content, which could be a name, a member id or a birth date (decision 0240).
    `code` says what kind of fault it is, for a program to branch on (ADR 0420).
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        code: X12ReadErrorCode,
        segment_number: int = 0,
        segment_id: str = "",
        expected: str = "",
        element: str = "",
    ) -> None:
        self.source = source
        self.code = code
        self.segment_number = segment_number
        self.segment_id = shown_id(segment_id) if segment_id else ""
        self.element = element
        self.expected = expected
        self.problem = problem
        where = source if len(source) <= _SOURCE_SHOWN else source[:_SOURCE_SHOWN] + "..."
        if segment_number:
            where += f": segment {segment_number}"
            if segment_id:
                where += f" ({self.segment_id})"
        wanted = f"{expected} in {element}" if element else expected
        what = f"expected {wanted}; {problem}" if expected else problem
        super().__init__(f"{where}: {what}")


def shown_id(segment_id: str) -> str:
    """A segment id as an error may show it: 2-3 capitals or digits, else "?"."""
    return segment_id if _SEGMENT_ID.match(segment_id) else "?"


def shown_code(value: str) -> str:
    """A code value (ST01, HL03, a guide id) quoted for a message when it looks like a code
    from a fixed list (capitals and digits, at most 30), else a description without it."""
    if not value:
        return "an empty value"
    return repr(value) if _CODE.match(value) else "a value that is not a code"


def element_name(segment: Segment, position: int) -> str:
    """The element's reference, such as CAS03 (its content is never shown)."""
    return f"{shown_id(segment.id)}{position:02d}"


def segment_error(
    source: str,
    segment: Segment,
    problem: str,
    expected: str = "",
    position: int = 0,
    *,
    code: X12ReadErrorCode,
) -> X12Error:
    """An error at `segment`; `position` (1-based) names the element at fault."""
    return X12Error(
        source,
        problem,
        code=code,
        segment_number=segment.number,
        segment_id=segment.id,
        expected=expected,
        element=element_name(segment, position) if position else "",
    )


# --- element conversions shared by every reader ------------------------------------------
# X12 numbers are ASCII digits of a length the guide bounds. `str.isdigit()` and `\d` accept
# superscripts and other scripts' digits, and `int()` refuses more than 4,300 digits, so every
# conversion goes through these checks first.


def count_value(value: str, max_digits: int) -> int | None:
    """An N0 element (ASCII digits, at most `max_digits`) as an int; None when it is not one."""
    if 0 < len(value) <= max_digits and value.isascii() and value.isdigit():
        return int(value)
    return None


def parse_count(
    source: str, segment: Segment, position: int, max_digits: int, expected: str = "a count"
) -> int:
    """An N0 element as an int, or X12Error naming the element and what is wrong with it."""
    value = segment.get(position)
    number = count_value(value, max_digits)
    if number is None:
        raise segment_error(
            source,
            segment,
            number_problem(value, max_digits, "a whole number"),
            expected,
            position,
            code=X12ReadErrorCode.BAD_ELEMENT,
        )
    return number


def number_problem(value: str, max_digits: int, kind: str) -> str:
    """What is wrong with a number's text, in words that do not repeat the text."""
    if not value:
        return "it is empty"
    if not value.isascii():
        return "it holds a character outside ASCII"
    digits = len(value) - value.startswith("-") - ("." in value)
    if digits > max_digits:
        return f"it has {len(value)} characters, more than the {max_digits} digits allowed"
    return f"it is not {kind}"


def parse_amount(source: str, segment: Segment, position: int) -> Decimal:
    """An X12 'R' (decimal) element as Decimal; a blank element is an error here."""
    elements = segment.elements
    value = elements[position] if position < len(elements) else ""
    amount = _amount(value)
    if amount is None:
        raise segment_error(
            source,
            segment,
            number_problem(value, AMOUNT_DIGITS, "a decimal number"),
            "a decimal amount",
            position,
            code=X12ReadErrorCode.BAD_ELEMENT,
        )
    return amount


@lru_cache(maxsize=8192)
def _amount(value: str) -> Decimal | None:
    """Amounts repeat heavily within a remittance, so conversions are cached."""
    if len(value) > AMOUNT_DIGITS + 2 or not _AMOUNT.match(value):
        return None
    if len(value) - value.startswith("-") - ("." in value) > AMOUNT_DIGITS:
        return None
    return Decimal(value)


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
        if not value:
            problem = "it is empty"
        elif not value.isascii():
            problem = "it holds a character outside ASCII"
        elif len(value) != 8 or not value.isdigit():
            problem = "it is not 8 digits"
        else:
            problem = "it is not a calendar date"
        raise segment_error(
            source, segment, problem, "a date CCYYMMDD", position, code=X12ReadErrorCode.BAD_ELEMENT
        )
    return day


@lru_cache(maxsize=4096)
def _date(value: str) -> date | None:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
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


# --- reading bytes -----------------------------------------------------------------------


def _byte_chunks(data: bytes | BinaryIO | Path) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        # in chunks too, so a large file given as bytes is walked in small batches
        whole = memoryview(data).cast("B")
        for start in range(0, len(whole), CHUNK_SIZE):
            yield bytes(whole[start : start + CHUNK_SIZE])
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
            code=X12ReadErrorCode.BAD_ENCODING,
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
            code=X12ReadErrorCode.BAD_ENVELOPE,
            segment_number=number,
            segment_id="ISA",
            expected="an ISA header with four distinct delimiters",
        )
    return Delimiters(element, component, repetition or "\x00", terminator), position + 3


def _raw_segments(
    chunks: Iterator[str], source: str
) -> Iterator[tuple[list[list[str]], Delimiters]]:
    """Yield batches of non-blank segments (split into elements) with their delimiters.

    Batches, one per chunk read, rather than single segments: a generator hand-off per
    segment was a measurable share of reading a large remittance. A chunk that cannot hold the
    start of another interchange is split with whole-chunk `str.split` calls; one that might
    (it contains "ISA" after a terminator) is walked piece by piece so the next header is read
    with its own delimiters.
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
                    code=X12ReadErrorCode.NOT_X12,
                    segment_number=number + 1,
                    segment_id=_peek_id(buffer),
                    expected="ISA",
                )
            found = _header_delimiters(buffer, source, number + 1)
            if found is None:
                raise X12Error(
                    source,
                    "the ISA header is cut short; the file is truncated",
                    code=X12ReadErrorCode.TRUNCATED,
                    segment_number=number + 1,
                    segment_id="ISA",
                    expected="a complete ISA header",
                )
            delimiters, end = found
            number += 1
            yield [buffer[: end - 1].split(delimiters.element)], delimiters
            buffer = buffer[end:]
        current = delimiters
        terminator = current.segment
        element = current.element
        strip = "".join(c for c in _LAYOUT_CHARS if c not in (terminator, element))
        next_header = re.compile(f"(?:\\A|{re.escape(terminator)})[{re.escape(strip)}]*ISA")
        restart = False
        while not restart:
            cut = buffer.rfind(terminator)
            complete = buffer[:cut] if cut >= 0 else ""
            buffer = buffer[cut + 1 :]
            pieces = complete.split(terminator) if cut >= 0 else []
            batch: list[list[str]]
            if "ISA" not in complete or not next_header.search(complete):
                # strip layout, drop blank pieces, split into elements: all in C-level maps
                kept = filter(None, map(str.strip, pieces, repeat(strip)))
                batch = list(map(str.split, kept, repeat(element)))
            else:
                batch = []
                for index, piece in enumerate(pieces):
                    piece = piece.strip(strip)
                    if not piece:
                        continue
                    if piece.startswith("ISA"):
                        buffer = terminator.join([piece, *pieces[index + 1 :], buffer])
                        delimiters = None
                        restart = True
                        break
                    batch.append(piece.split(element))
            number += len(batch)
            if batch:
                yield batch, current
            if restart:
                break
            # What is left is one unfinished segment. Its leading layout is dropped now and its
            # length is bounded, so each chunk costs work in proportion to its own size: a
            # long run without a terminator is neither searched again nor copied per chunk.
            buffer = buffer.lstrip(strip)
            if buffer.startswith("ISA"):
                # the next interchange may use another terminator: read its own header
                delimiters = None
                break
            if len(buffer) > MAX_SEGMENT_LENGTH:
                raise X12Error(
                    source,
                    "the segment runs on past that",
                    code=X12ReadErrorCode.TOO_LARGE,
                    segment_number=number + 1,
                    segment_id=_peek_id(buffer) or "?",
                    expected=f"a segment terminator {terminator!r} within "
                    f"{MAX_SEGMENT_LENGTH:,} characters",
                )
            chunk = next(chunks, None)
            if chunk is None:
                last = buffer.strip(strip)
                if last:
                    yield [last.split(element)], current
                return
            buffer += chunk


def _peek_id(text: str) -> str:
    match = re.match(r"[A-Za-z0-9]{1,3}", text)
    return match.group(0) if match else ""


# --- envelope checks --------------------------------------------------------------------------


class SegmentBatch(NamedTuple):
    """Consecutive segments that passed the envelope checks, as plain element lists.

    `segments[i][0]` is a segment id and `segments[i][1]` its first element; the segment's
    position in the file is `first_number + i`. Lists rather than `Segment` tuples because a
    reader on the hot path (the 835) only needs the elements: build a `Segment` with
    `batch_segment` when a value must be reported. Callers must not change the lists.
    """

    segments: list[list[str]]
    first_number: int
    delimiters: Delimiters


def batch_segment(elements: list[str], number: int, delimiters: Delimiters) -> Segment:
    """A `Segment` for one element list of a batch (`number_in_set` is not tracked: 0)."""
    return Segment(tuple(elements), number, 0, delimiters)


def iter_segment_batches(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[SegmentBatch]:
    """The file's segments in batches, checked against ISA/IEA, GS/GE and ST/SE as it streams.

    At the first envelope fault the segments before it are yielded, then X12Error is raised:
    a consumer sees exactly the segments `iter_segments` would have shown it before raising.
    At the end of the file it raises when the file stops inside an interchange, group or set.
    """
    envelope = _Envelope(source)
    valid_ids = envelope.valid_ids
    number = 0
    last: list[str] | None = None
    last_delimiters: Delimiters | None = None
    for batch, delimiters in _raw_segments(_text_chunks(data, source), source):
        first = number + 1
        last, last_delimiters = batch[-1], delimiters
        if envelope.in_set and set(map(_first, batch)) <= valid_ids:
            # the common case inside a large set: no envelope segment and no new segment id
            number += len(batch)
            envelope.in_set += len(batch)
            yield SegmentBatch(batch, first, delimiters)
            continue
        for index, elements in enumerate(batch):
            number += 1
            if envelope.in_set and elements[0] in valid_ids:
                envelope.in_set += 1
                continue
            try:
                envelope.check(elements, number, delimiters)
            except X12Error:
                if index:
                    yield SegmentBatch(batch[:index], first, delimiters)
                raise
        yield SegmentBatch(batch, first, delimiters)
    if envelope.state not in ("start", "done"):
        closing = {"set": "SE", "group": "GE", "interchange": "IEA"}[envelope.state]
        problem = "the file is truncated"
        if last is None or last_delimiters is None:
            raise X12Error(
                source,
                problem,
                code=X12ReadErrorCode.TRUNCATED,
                expected=f"{closing} before the end of the file",
            )
        segment = Segment(tuple(last), number, envelope.in_set, last_delimiters)
        raise segment_error(
            source,
            segment,
            problem,
            f"{closing} before the end of the file",
            code=X12ReadErrorCode.TRUNCATED,
        )
    if last is None:
        raise X12Error(
            source, "the file holds no segments", code=X12ReadErrorCode.NOT_X12, expected="ISA"
        )


def iter_segments(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[Segment]:
    """Every segment of the file, checked against ISA/IEA, GS/GE and ST/SE as it streams.

    Raises X12Error at the first envelope fault; at the end of the file when it stops inside
    an interchange, group or transaction set.
    """
    in_set = 0
    for batch, number, delimiters in iter_segment_batches(data, source=source):
        for elements in batch:
            segment_id = elements[0]
            if segment_id == "ST":
                in_set = 1
            elif in_set:
                in_set += 1
            yield Segment(tuple(elements), number, in_set, delimiters)
            number += 1
            if segment_id == "SE":
                in_set = 0


class _Envelope:
    """Where the stream stands in ISA/GS/ST nesting, with the counts and control numbers to
    check at each closing segment.

    `in_set` counts the segments of the open transaction set (ST is 1) and is 0 outside one;
    `valid_ids` collects the body segment ids already seen to be well formed, so the batch
    loop can pass them without a call.
    """

    __slots__ = (
        "groups",
        "gs_control",
        "in_set",
        "isa_control",
        "sets",
        "source",
        "st_control",
        "state",
        "valid_ids",
    )

    def __init__(self, source: str) -> None:
        self.source = source
        self.isa_control = self.gs_control = self.st_control = ""
        self.groups = self.sets = self.in_set = 0
        # start -> interchange -> group -> set -> group -> interchange -> done
        self.state = "start"
        self.valid_ids: set[str] = set()

    def check(self, elements: list[str], number: int, delimiters: Delimiters) -> None:
        source = self.source
        segment_id = elements[0]
        if self.in_set:
            self.in_set += 1
        segment = Segment(tuple(elements), number, self.in_set, delimiters)
        state = self.state
        if state == "set":
            if segment_id == "SE":
                _check_se(source, segment, self.in_set, self.st_control)
                self.state, self.in_set = "group", 0
                return
            if segment_id in _ENVELOPE_IDS:
                raise _envelope_error(
                    source, segment, f"{segment_id} came before the set's SE", "SE"
                )
            if not _SEGMENT_ID.match(segment_id):
                raise segment_error(
                    source,
                    segment,
                    "the segment id is not 2-3 capital letters or digits",
                    "a segment id",
                    code=X12ReadErrorCode.BAD_SEGMENT,
                )
            self.valid_ids.add(segment_id)
            return
        if segment_id == "ISA":
            if state not in ("start", "done"):
                raise _envelope_error(source, segment, "a new ISA came before the IEA", "IEA")
            if len(elements) != _ISA_ELEMENT_COUNT + 1:
                raise _envelope_error(
                    source, segment, f"the ISA has {len(elements) - 1} elements", "16 elements"
                )
            self.isa_control, self.groups, self.state = elements[13], 0, "interchange"
        elif segment_id == "IEA":
            if state != "interchange":
                raise _envelope_error(source, segment, f"IEA came while a {state} was open", "GE")
            _check_count(source, segment, self.groups, "functional groups", 5)
            _check_control(source, segment, 2, self.isa_control, "ISA13")
            self.state = "done"
        elif segment_id == "GS":
            if state != "interchange":
                raise _envelope_error(source, segment, "GS came outside an interchange", "ISA")
            self.gs_control, self.sets, self.state = segment.get(6), 0, "group"
            self.groups += 1
        elif segment_id == "GE":
            if state != "group":
                raise _envelope_error(source, segment, "GE came without a GS", "GS")
            _check_count(source, segment, self.sets, "transaction sets", 6)
            _check_control(source, segment, 2, self.gs_control, "GS06")
            self.state = "interchange"
        elif segment_id == "ST":
            if state != "group":
                raise _envelope_error(source, segment, "ST came outside a functional group", "GS")
            self.st_control, self.state, self.in_set = segment.get(2), "set", 1
            self.sets += 1
        else:
            expected = {
                "start": "ISA",
                "interchange": "GS or IEA",
                "group": "ST or GE",
                "done": "ISA or the end of the file",
            }[state]
            raise _envelope_error(
                source, segment, f"{shown_id(segment_id)} came outside a transaction set", expected
            )


def _envelope_error(source: str, segment: Segment, problem: str, expected: str) -> X12Error:
    """An envelope segment where the ISA/GS/ST nesting does not allow it, or a malformed ISA."""
    return segment_error(source, segment, problem, expected, code=X12ReadErrorCode.BAD_ENVELOPE)


def _check_se(source: str, segment: Segment, counted: int, st_control: str) -> None:
    _check_count(source, segment, counted, "segments from ST to SE", 10)
    _check_control(source, segment, 2, st_control, "ST02")


def _check_count(source: str, segment: Segment, counted: int, what: str, digits: int) -> None:
    """SE01, GE01 or IEA01 (N0 1/10, 1/6, 1/5) against the count; a number is shown, other
    text is described."""
    declared = count_value(segment.get(1), digits)
    if declared is None:
        problem = number_problem(segment.get(1), digits, "a whole number")
        raise segment_error(
            source, segment, problem, f"the number of {what}", 1, code=X12ReadErrorCode.BAD_ELEMENT
        )
    if declared != counted:
        raise segment_error(
            source,
            segment,
            f"{segment.id}01 says {declared} but there are {counted}",
            f"the number of {what}",
            code=X12ReadErrorCode.COUNT_MISMATCH,
        )


def _check_control(source: str, segment: Segment, position: int, opened: str, where: str) -> None:
    closing = segment.get(position)
    if closing.strip() != opened.strip() or not closing:
        raise segment_error(
            source,
            segment,
            f"{segment.id}{position:02d} does not match {where}",
            f"the control number of the matching {where[:-2]}",
            code=X12ReadErrorCode.CONTROL_NUMBER_MISMATCH,
        )


def check_transaction(source: str, start: Segment, transaction_set: str) -> None:
    """Refuse a set of another kind than the reader's (ST01 is not `transaction_set`)."""
    found = start.get(1)
    if found != transaction_set:
        raise segment_error(
            source,
            start,
            f"found transaction set {shown_code(found)}",
            transaction_set,
            1,
            code=X12ReadErrorCode.WRONG_TRANSACTION,
        )


class TransactionSet(NamedTuple):
    """One transaction set as a reader meets it: ST02, its guide, and the segments after ST."""

    control_number: str
    implementation_guide: str
    """ST03, or the group's GS08 when ST03 is empty (it is optional in 5010)."""
    body: Iterator[Segment]
    """The set's segments after ST up to and including SE."""


def transaction_sets(
    data: bytes | BinaryIO | Path, *, source: str, transaction_set: str
) -> Iterator[TransactionSet]:
    """A file's transaction sets one at a time, each refused unless ST01 is `transaction_set`.

    The body is an iterator over the same checked stream, so a set is never held whole: the
    271, 277, 999 and 837P readers turn segments into values as they pass (decision 0240).
    A consumer that stops early leaves the rest of the body to be skipped here.
    """
    segments = iter_segments(data, source=source)
    group: Segment | None = None
    for segment in segments:
        segment_id = segment.id
        if segment_id == "GS":
            group = segment
        elif segment_id == "ST" and group is not None:
            check_transaction(source, segment, transaction_set)
            guide = segment.get(3) or group.get(8)
            yield TransactionSet(segment.get(2), guide, _through_se(segments))


def _through_se(segments: Iterator[Segment]) -> Iterator[Segment]:
    for segment in segments:
        yield segment
        if segment.id == "SE":
            return
