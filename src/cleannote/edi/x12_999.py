"""999 implementation acknowledgment (005010X231A1): did the receiver accept each set we sent?

IK4 may copy the bad element's data (IK404), which can be PHI, so it is kept in the value
object for matching but never shown by the command line.

A CTX after an IK3 names where the error sits: the business unit context `CTX*CLM01:<patient
control number>` ties the error to one claim of an 837 set (`SegmentError.claim`); a situational
trigger context (`CTX*SITUATIONAL TRIGGER*...`) names the segment whose presence made the
erroneous one required (`SegmentError.trigger`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import (
    Segment,
    parse_count,
    segment_error,
    transaction_sets,
)

ACCEPTED = "A"
ACCEPTED_WITH_ERRORS = "E"
PARTIALLY_ACCEPTED = "P"
REJECTED = "R"
# IK501/AK901 codes that mean the receiver took the set (with errors noted, for E).
ACCEPTING = frozenset({ACCEPTED, ACCEPTED_WITH_ERRORS})


@dataclass(frozen=True, slots=True)
class ElementError:
    position: str
    data_element: str
    error_code: str
    bad_data: str


@dataclass(frozen=True, slots=True)
class SegmentError:
    segment_id: str
    position_in_set: str
    loop_id: str
    error_code: str
    elements: tuple[ElementError, ...]
    claim: str = ""  # CLM01 of the claim the error sits in (CTX business unit), if named
    trigger: str = ""  # the segment id of a situational trigger context, if named


@dataclass(frozen=True, slots=True)
class SetResponse:
    """AK2..IK5 for one transaction set we sent: its id, control number and verdict."""

    set_id: str
    control_number: str
    status: str
    error_codes: tuple[str, ...]
    segment_errors: tuple[SegmentError, ...]

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTING


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    control_number: str
    functional_id: str
    group_control_number: str
    version: str
    status: str
    sets_included: int
    sets_received: int
    sets_accepted: int
    error_codes: tuple[str, ...]
    sets: tuple[SetResponse, ...]

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTING


def read_999(data: bytes | BinaryIO | Path, *, source: str) -> list[Acknowledgment]:
    """Every acknowledgment in the file, or X12Error and nothing."""
    return [a for a in _walk(data, source, collect=True) if isinstance(a, Acknowledgment)]


def iter_set_responses(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[SetResponse]:
    """Set responses (AK2..IK5) one by one, in memory bounded by one response.

    Still raises X12Error at a fault after the responses before it were yielded: act only
    once the iteration completes (as `read_999` does).
    """
    for item in _walk(data, source, collect=False):
        if isinstance(item, SetResponse):
            yield item


def _walk(
    data: bytes | BinaryIO | Path, source: str, *, collect: bool
) -> Iterator[SetResponse | Acknowledgment]:
    for control, _guide, body in transaction_sets(data, source=source, transaction_set="999"):
        yield from _read_set(source, control, body, collect)


@dataclass
class _Set:
    ak2: Segment
    errors: list[SegmentError] = field(default_factory=list)
    ik3: Segment | None = None
    ik4: list[ElementError] = field(default_factory=list)
    claim: str = ""
    trigger: str = ""


def _read_set(
    source: str, control: str, body: Iterable[Segment], collect: bool
) -> Iterator[SetResponse | Acknowledgment]:
    """Each set response as its IK5 closes it, then the acknowledgment (with the responses
    when `collect`)."""
    ak1: Segment | None = None
    last: Segment | None = None
    ak9: Segment | None = None
    sets: list[SetResponse] = []
    current: _Set | None = None

    def close_ik3() -> None:
        if current is not None and current.ik3 is not None:
            ik3 = current.ik3
            current.errors.append(
                SegmentError(
                    ik3.get(1),
                    ik3.get(2),
                    ik3.get(3),
                    ik3.get(4),
                    tuple(current.ik4),
                    current.claim,
                    current.trigger,
                )
            )
            current.ik3, current.ik4, current.claim, current.trigger = None, [], "", ""

    for segment in body:
        last = segment
        sid = segment.id
        if sid == "AK1":
            ak1 = segment
        elif sid == "AK2":
            current = _Set(segment)
        elif sid == "IK3" and current is not None:
            close_ik3()
            current.ik3 = segment
        elif sid == "CTX" and current is not None and current.ik3 is not None:
            context = segment.components(1)
            if context and context[0] == "SITUATIONAL TRIGGER":
                current.trigger = segment.get(2)
            elif context and context[0] == "CLM01" and len(context) > 1:
                current.claim = context[1]
        elif sid == "IK4" and current is not None:
            current.ik4.append(
                ElementError(segment.get(1), segment.get(2), segment.get(3), segment.get(4))
            )
        elif sid == "IK5":
            if current is None:
                raise segment_error(
                    source,
                    segment,
                    "IK5 came without an AK2",
                    "AK2",
                    code=X12ReadErrorCode.OUT_OF_ORDER,
                )
            close_ik3()
            codes = tuple(c for c in segment.elements[2:7] if c)
            ak2 = current.ak2
            response = SetResponse(
                ak2.get(1), ak2.get(2), segment.get(1), codes, tuple(current.errors)
            )
            if collect:
                sets.append(response)
            current = None
            yield response
        elif sid == "AK9":
            ak9 = segment
    if ak1 is None or ak9 is None:
        missing = "AK1" if ak1 is None else "AK9"
        assert last is not None  # the body holds at least its SE
        raise segment_error(
            source,
            last,
            f"the acknowledgment has no {missing}",
            missing,
            code=X12ReadErrorCode.MISSING_SEGMENT,
        )
    yield Acknowledgment(
        control_number=control,
        functional_id=ak1.get(1),
        group_control_number=ak1.get(2),
        version=ak1.get(3),
        status=ak9.get(1),
        # AK902-AK904 are N0 1/6
        sets_included=parse_count(source, ak9, 2, 6),
        sets_received=parse_count(source, ak9, 3, 6),
        sets_accepted=parse_count(source, ak9, 4, 6),
        error_codes=tuple(c for c in ak9.elements[5:10] if c),
        sets=tuple(sets),
    )


__all__ = [
    "Acknowledgment",
    "ElementError",
    "SegmentError",
    "SetResponse",
    "iter_set_responses",
    "read_999",
]
