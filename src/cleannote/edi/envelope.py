"""X12 5010 envelopes (ISA/IEA, GS/GE, ST/SE) and the one place segments become text.

Every writer in `cleannote.edi` builds segments as tuples of plain strings (a tuple inside a
segment is a composite element) and hands them to `SegmentWriter`, so delimiter checks, upper
casing and the ASCII rule live here once. X12 has no escape mechanism: a value that contains a
delimiter would silently shift every later element, so we refuse it instead.

Control numbers are arguments, never invented here: the shell allocates them from the database
so that a number is never reused, and the core stays free of state and clocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import NotRequired, TypedDict, TypeVar

from cleannote.edi.error_codes import WriteErrorCode, write_code_of
from cleannote.rules.errors import RulesError

Element = str | tuple[str, ...]
Segment = tuple[Element, ...]
Chunk = tuple[str, Sequence[Segment]]
"""Segments written together, with a label (such as "claim V17") that prefixes any error."""

MAX_CONTROL_NUMBER = 999_999_999
# Segments written exactly as given instead of upper-cased: CLM (CLM01 is the clinic's patient
# control number, which the 835 echoes in CLP01) and REF (reference numbers: our line control
# numbers, echoed in the 835, and the payer's or carrier's own claim and authorisation numbers).
# Their other elements are codes the writers build in upper case already
# (docs/decisions/0260-837p-identifiers-as-written.md).
_AS_WRITTEN = frozenset({"CLM", "REF"})
# Distinct segments a writer remembers the text of: about 300 KiB at most, whatever the batch.
_RENDERED_SEGMENTS = 1024


class X12WriteError(RulesError):
    """Data the X12 writers refuse to put on the wire. Messages name elements, never values.

    `rule` names the row of `rules.claim_format_limits` (a scrub rule id, or a `caller.*` id for
    what the caller passes besides the visit) that the scrubber reports first (ADR 0350);
    `code` is what kind of refusal it is (ADR 0420), given where no rule applies (the 270's
    own checks) and otherwise the rule's.
    """

    def __init__(self, message: str, rule: str = "", code: WriteErrorCode | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.code = code if code is not None else write_code_of(rule)

    def __reduce__(self) -> tuple[type[X12WriteError], tuple[str, str, WriteErrorCode]]:
        return (X12WriteError, (str(self), self.rule, self.code))


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators announced in the ISA segment; `line_break` adds a newline after
    each segment terminator, which receivers ignore and people reading a file appreciate."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"
    line_break: bool = False

    def __post_init__(self) -> None:
        chosen = (self.element, self.component, self.repetition, self.segment)
        for name, char in zip(
            ("element", "component", "repetition", "segment"), chosen, strict=True
        ):
            if len(char) != 1 or char.isalnum() or char == " " or not char.isascii():
                raise X12WriteError(
                    f"{name} delimiter {char!r} must be one ASCII punctuation mark",
                    rule="caller.envelope",
                )
        if len(set(chosen)) != 4:
            raise X12WriteError(
                f"delimiters {chosen!r} must be four different characters", rule="caller.envelope"
            )

    @property
    def terminator(self) -> str:
        return self.segment + "\n" if self.line_break else self.segment


DEFAULT_DELIMITERS = Delimiters()


@dataclass(frozen=True, slots=True)
class ControlNumbers:
    """ISA13, GS06 and the first ST02; later transaction sets in the group count up from it."""

    interchange: int
    group: int
    first_transaction: int

    def __post_init__(self) -> None:
        for name in ("interchange", "group", "first_transaction"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= MAX_CONTROL_NUMBER:
                raise X12WriteError(
                    f"control number {name}={value!r} must be an integer 1..{MAX_CONTROL_NUMBER}",
                    rule="caller.envelope",
                )

    def transaction(self, offset: int) -> str:
        """ST02 for the `offset`-th transaction set (0-based), at least four digits."""
        number = self.first_transaction + offset
        if number > MAX_CONTROL_NUMBER:
            raise X12WriteError(
                f"transaction control number {number} exceeds 9 digits", rule="caller.envelope"
            )
        return f"{number:04d}"


@dataclass(frozen=True, slots=True)
class Submitter:
    """Who sends the file: loop 1000A of an 837P, and the ISA/GS sender of every transaction.

    `interchange_id` (ISA06) and `application_code` (GS02) default to `id`, which is what most
    clearinghouses assign; set them when a trading partner agreement says otherwise.
    """

    name: str
    id: str
    contact_name: str
    contact_phone: str
    interchange_qualifier: str = "ZZ"
    interchange_id: str | None = None
    application_code: str | None = None


@dataclass(frozen=True, slots=True)
class Receiver:
    """Who receives the file (a clearinghouse or payer): loop 1000B and the ISA/GS receiver."""

    name: str
    id: str
    interchange_qualifier: str = "ZZ"
    interchange_id: str | None = None
    application_code: str | None = None


class InterchangeOptions(TypedDict):
    """The keyword arguments every X12 writer takes for its envelope (`write_837p`, `write_270`
    and their streaming forms): who sends, who receives, the control numbers the shell
    allocated, when, test or production (ISA15, default "P") and the delimiters."""

    submitter: Submitter
    receiver: Receiver
    control: ControlNumbers
    created: dt.datetime
    usage: NotRequired[str]
    delimiters: NotRequired[Delimiters]


@dataclass(frozen=True, slots=True)
class Envelope:
    """Everything the ISA/GS/ST wrapping needs, gathered once per file."""

    submitter: Submitter
    receiver: Receiver
    control: ControlNumbers
    created: dt.datetime
    usage: str
    functional_id: str
    version: str
    delimiters: Delimiters = DEFAULT_DELIMITERS
    acknowledgment_requested: bool = False

    def __post_init__(self) -> None:
        if self.usage not in ("T", "P"):
            raise X12WriteError(
                f"usage indicator {self.usage!r} must be 'T' (test) or 'P'", rule="caller.envelope"
            )


class SegmentWriter:
    """Turns segment tuples into text, refusing delimiters inside data and non-ASCII text.

    A batch repeats most segments (providers, payers, procedure lines, dates), so each writer
    remembers the text of up to a few thousand distinct segments; a claim then costs mostly
    dictionary look-ups. The memory is bounded, so it stays flat on any batch size.
    """

    __slots__ = (
        "_component",
        "_delimiters",
        "_element",
        "_forbidden",
        "_rendered",
        "_terminator",
    )

    def __init__(self, delimiters: Delimiters = DEFAULT_DELIMITERS) -> None:
        self._delimiters = delimiters
        self._element = delimiters.element
        self._component = delimiters.component
        self._terminator = delimiters.terminator
        self._forbidden = (
            delimiters.element,
            delimiters.component,
            delimiters.repetition,
            delimiters.segment,
        )
        self._rendered: dict[Segment, tuple[str, int, int]] = {}

    def chunk(self, segments: Sequence[Segment]) -> bytes:
        """A run of segments as ASCII bytes, upper-cased as the X12 basic character set wants.

        Trailing empty elements and components are dropped. Delimiters inside data are found by
        counting: the text of a clean chunk holds exactly the separators we put there, so the
        common case costs a few C-level scans per claim instead of a check per element. Any
        doubt (a count off, a non-ASCII value) sends the chunk through `_checked_chunk`, which
        names the element at fault.
        """
        try:
            texts = list(map(self._rendered.get, segments))
            if None in texts:  # one scan; claim ids and HL numbers are new in every claim
                for index, text in enumerate(texts):
                    if text is None:
                        texts[index] = self._remember(segments[index])
        except TypeError:  # an unhashable segment (a list) or a value that is not text
            return self._checked_chunk(segments)
        if not texts:
            return self._checked_chunk(segments)
        lines, counted_elements, counted_components = zip(*texts, strict=True)
        delimiters = self._delimiters
        raw = delimiters.segment.join(lines)
        if (
            raw.count(self._element) != sum(counted_elements)
            or raw.count(delimiters.component) != sum(counted_components)
            or raw.count(delimiters.segment) != len(lines) - 1
            or delimiters.repetition in raw
            or not raw.isascii()
        ):
            return self._checked_chunk(segments)
        terminator = self._terminator
        return (terminator.join(lines) + terminator).encode("ascii")  # upper-cased by _render

    def _remember(self, segment: Segment) -> tuple[str, int, int]:
        """Render a segment and keep its text; the memory is emptied when full, which keeps it
        bounded and costs a batch no more than one re-render of each segment it repeats."""
        rendered = self._rendered
        if len(rendered) >= _RENDERED_SEGMENTS:
            rendered.clear()
        text = rendered[segment] = self._render(segment)
        return text

    def _render(self, segment: Segment) -> tuple[str, int, int]:
        """One segment's text without trailing empty elements, upper-cased unless it is kept as
        written (`_AS_WRITTEN`), and the element and component separators that text holds when
        no value smuggles one in. Text that is not ASCII is not upper-cased: the chunk's check
        refuses it ("ß" would otherwise pass as "SS")."""
        element = self._element
        try:
            line = element.join(segment)  # type: ignore[arg-type]
            components = 0
        except TypeError:
            flat, components = self._flatten(segment)
            line = element.join(flat)
        stripped = line.rstrip(element)
        count = len(segment) - 1 - (len(line) - len(stripped))
        if stripped.isascii() and segment[0] not in _AS_WRITTEN:
            stripped = stripped.upper()
        return stripped, count, components

    def _checked_chunk(self, segments: Sequence[Segment]) -> bytes:
        """The chunk written element by element, raising for the first value X12 cannot carry."""
        element = self._element
        lines: list[str] = []
        elements = 0
        components = 0
        for segment in segments:
            try:
                line = element.join(segment)  # type: ignore[arg-type]
            except TypeError:
                flat, added = self._flatten(segment)
                components += added
                line = element.join(flat)
            elements += len(segment) - 1
            lines.append(line)
        delimiters = self._delimiters
        raw = delimiters.segment.join(lines)
        if (
            raw.count(element) != elements
            or raw.count(delimiters.component) != components
            or raw.count(delimiters.segment) != len(lines) - 1
            or delimiters.repetition in raw
        ):
            for segment in segments:
                self._refuse(segment)
        if not raw.isascii():
            for segment, line in zip(segments, lines, strict=True):
                if not line.isascii():
                    raise X12WriteError(
                        f"{segment[0]} segment holds a non-ASCII character; X12 allows ASCII only",
                        rule="format.x12-characters",
                    )
        terminator = self._terminator
        text = terminator.join(
            [
                line.rstrip(element) if segment[0] in _AS_WRITTEN else line.rstrip(element).upper()
                for segment, line in zip(segments, lines, strict=True)
            ]
        )
        return (text + terminator).encode("ascii")

    def _flatten(self, segment: Segment) -> tuple[list[str], int]:
        """Join the composites of a segment; return its elements and the separators we put in.

        Trailing empty components are dropped, and so are the separators that held them.
        """
        component = self._component
        flat: list[str] = []
        added = 0
        for item in segment:
            if isinstance(item, str):
                flat.append(item)
                continue
            joined = component.join(item)
            stripped = joined.rstrip(component)
            added += len(item) - 1 - (len(joined) - len(stripped))
            flat.append(stripped)
        return flat, added

    def _refuse(self, segment: Segment) -> None:
        names = dict(
            zip(self._forbidden, ("element", "component", "repetition", "segment"), strict=True)
        )
        for position, item in enumerate(segment[1:], start=1):
            for sub, value in enumerate((item,) if isinstance(item, str) else item, start=1):
                for char in self._forbidden:
                    if char in value:
                        where = f"{segment[0]}{position:02d}"
                        if not isinstance(item, str):
                            where += f"-{sub}"
                        raise X12WriteError(
                            f"{where} contains the {names[char]} separator {char!r}; "
                            "X12 cannot escape it, so remove it from the data",
                            rule="format.x12-characters",
                        )


def _isa_id(value: str, what: str) -> str:
    if not value or len(value) > 15:
        raise X12WriteError(
            f"{what} must be 1 to 15 characters, got {len(value)}", rule="caller.envelope"
        )
    return value.ljust(15)


def _gs_code(value: str, what: str) -> str:
    if not 2 <= len(value) <= 15:
        raise X12WriteError(
            f"{what} must be 2 to 15 characters, got {len(value)}", rule="caller.envelope"
        )
    return value


def interchange_header(envelope: Envelope, writer: SegmentWriter) -> bytes:
    """ISA and GS. ISA is fixed width, so its ids are padded here rather than trimmed."""
    sub, rec, d = envelope.submitter, envelope.receiver, envelope.delimiters
    created = envelope.created
    isa = (
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        sub.interchange_qualifier,
        _isa_id(sub.interchange_id or sub.id, "ISA06 sender id"),
        rec.interchange_qualifier,
        _isa_id(rec.interchange_id or rec.id, "ISA08 receiver id"),
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        d.repetition,
        "00501",
        f"{envelope.control.interchange:09d}",
        "1" if envelope.acknowledgment_requested else "0",
        envelope.usage,
    )
    for position, value in enumerate(isa[1:], start=1):
        for char in (d.element, d.segment, d.component):
            if char in value:
                raise X12WriteError(
                    f"ISA{position:02d} contains the separator {char!r}", rule="caller.envelope"
                )
    text = d.element.join(isa) + d.element + d.component + d.terminator
    gs: Segment = (
        "GS",
        envelope.functional_id,
        _gs_code(sub.application_code or sub.id, "GS02 application sender code"),
        _gs_code(rec.application_code or rec.id, "GS03 application receiver code"),
        created.strftime("%Y%m%d"),
        created.strftime("%H%M"),
        str(envelope.control.group),
        "X",
        envelope.version,
    )
    return text.upper().encode("ascii") + writer.chunk([gs])


def interchange_trailer(envelope: Envelope, writer: SegmentWriter, transactions: int) -> bytes:
    """GE and IEA: one functional group per interchange, `transactions` sets inside it."""
    return writer.chunk(
        [
            ("GE", str(transactions), str(envelope.control.group)),
            ("IEA", "1", f"{envelope.control.interchange:09d}"),
        ]
    )


def iter_interchange(
    envelope: Envelope,
    transaction_set_id: str,
    transactions: Iterable[Iterable[Chunk]],
) -> Iterator[bytes]:
    """Wrap transaction sets, each given as chunks of segments, in ST/SE, GS/GE and ISA/IEA.

    Chunks are written as they arrive, so a batch of any size streams through with memory
    bounded by its largest chunk (one claim, one eligibility request).
    """
    writer = SegmentWriter(envelope.delimiters)
    yield interchange_header(envelope, writer)
    count = 0
    for offset, chunks in enumerate(transactions):
        control = envelope.control.transaction(offset)
        yield writer.chunk([("ST", transaction_set_id, control, envelope.version)])
        segments = 1
        for label, chunk in chunks:
            segments += len(chunk)
            try:
                data = writer.chunk(chunk)
            except X12WriteError as exc:
                message = f"{label}: {exc}" if label else str(exc)
                raise X12WriteError(message, exc.rule, exc.code) from None
            yield data
        yield writer.chunk([("SE", str(segments + 1), control)])
        count += 1
    yield interchange_trailer(envelope, writer, count)


_Item = TypeVar("_Item")


def iter_batch(
    items: Iterable[_Item],
    options: InterchangeOptions,
    *,
    transaction_set_id: str,
    functional_id: str,
    version: str,
    per_set: int,
    body: Callable[[int, Iterator[_Item]], Iterable[Chunk]],
    empty: X12WriteError,
) -> Iterator[bytes]:
    """An interchange of `items` in transaction sets of at most `per_set` each, `body(offset,
    items)` writing the set at `offset` (0-based). Items are consumed lazily, so a batch of any
    size streams; no items raises `empty` at once, before anything is written."""
    envelope = Envelope(
        submitter=options["submitter"],
        receiver=options["receiver"],
        control=options["control"],
        created=options["created"],
        usage=options.get("usage", "P"),
        functional_id=functional_id,
        version=version,
        delimiters=options.get("delimiters", DEFAULT_DELIMITERS),
    )
    source = iter(items)
    head = next(source, None)
    if head is None:
        raise empty

    def transactions() -> Iterator[Iterable[Chunk]]:
        first: _Item | None = head
        offset = 0
        while first is not None:
            yield body(offset, chain((first,), islice(source, per_set - 1)))
            offset += 1
            first = next(source, None)

    return iter_interchange(envelope, transaction_set_id, transactions())


def beginning_segment(
    structure: str, purpose: str, options: InterchangeOptions, offset: int, *more: str
) -> Segment:
    """BHT of the transaction set at `offset`: BHT03 is "<ISA13>-<ST02>", then the date and
    time the file was created, then whatever the guide adds (`more`)."""
    control, created = options["control"], options["created"]
    return (
        "BHT",
        structure,
        purpose,
        f"{control.interchange}-{control.transaction(offset)}",
        created.date().isoformat().replace("-", ""),
        f"{created.hour:02d}{created.minute:02d}",
        *more,
    )
