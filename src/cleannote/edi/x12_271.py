"""271 eligibility response (005010X279A1): one EligibilityResponse per subscriber/dependent.

A rejection (AAA) at the payer or receiver level applies to everyone under it, so it is copied
onto each response beneath; when no subscriber loop follows (the usual case for a 41 or 42),
the reader still returns a response at that level so the rejection is never lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import (
    Segment,
    X12Error,
    parse_optional_amount,
    parse_period,
    segment_error,
    shown_code,
    transaction_sets,
)

IMPLEMENTATION_GUIDE = "005010X279A1"
_LEVELS = {
    "20": ("information source", "2100A"),
    "21": ("information receiver", "2100B"),
    "22": ("subscriber", "2100C"),
    "23": ("dependent", "2100D"),
}


@dataclass(frozen=True, slots=True)
class AaaReason:
    code: str
    meaning: str
    action: str


@dataclass(frozen=True, slots=True)
class FollowUp:
    code: str
    meaning: str
    resubmit: bool


@dataclass(frozen=True, slots=True)
class Rejection:
    """An AAA segment: where it sat (loop id), whether the request was valid, reason, follow-up."""

    loop: str
    valid_request: bool
    reason_code: str
    follow_up_code: str


@dataclass(frozen=True, slots=True)
class DateRange:
    qualifier: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class DeliveryLimit:
    """One HSD segment under an EB: `quantity` of `quantity_qualifier` (VS visits) per
    `periods` × `time_period` (HSD05/06, EB06's codes: 22 service year, 23 calendar year, 29
    remaining...); many payers send a therapy visit limit here instead of in EB09/EB10."""

    quantity_qualifier: str
    quantity: Decimal | None
    time_period: str
    periods: Decimal | None


@dataclass(frozen=True, slots=True)
class RelatedEntity:
    """An NM1 in loop 2120C/D under an EB: another payer (NM101 PR, PRP, SEP, TTP), a primary
    care provider (P3) or whom to contact. Its name is a payer's or a provider's, not PHI."""

    entity_code: str
    name: str
    id_qualifier: str
    identifier: str


@dataclass(frozen=True, slots=True)
class Benefit:
    """One EB segment with the HSD, MSG, DTP and 2120 (LS/NM1/LE) segments that follow it in
    loop 2110."""

    info_code: str
    coverage_level: str
    service_types: tuple[str, ...]
    insurance_type: str
    plan_description: str
    time_period: str
    amount: Decimal | None
    percent: Decimal | None
    quantity_qualifier: str
    quantity: Decimal | None
    authorization_required: str
    in_network: bool | None
    procedure: tuple[str, ...]
    messages: tuple[str, ...]
    dates: tuple[DateRange, ...]
    limits: tuple[DeliveryLimit, ...] = ()
    related: tuple[RelatedEntity, ...] = ()


@dataclass(frozen=True, slots=True)
class EligibilityResponse:
    """What the payer said about one person (or, for a request-level reject, about the request).

    `member_id` is PHI: never log or print it.
    """

    control_number: str
    level: str
    payer_name: str
    payer_id: str
    provider_name: str
    provider_id: str
    member_id: str
    trace_numbers: tuple[str, ...]
    rejections: tuple[Rejection, ...]
    plan_dates: tuple[DateRange, ...]
    benefits: tuple[Benefit, ...]

    @property
    def active(self) -> bool | None:
        """True on an active-coverage EB, False on an inactive one, None when neither came."""
        codes = _codes()
        infos = {b.info_code for b in self.benefits}
        if infos & set(codes["active_codes"]):
            return True
        if infos & set(codes["inactive_codes"]):
            return False
        return None


def read_271(data: bytes | BinaryIO | Path, *, source: str) -> list[EligibilityResponse]:
    """Every response in the file, or X12Error and nothing."""
    return list(iter_271(data, source=source))


def iter_271(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[EligibilityResponse]:
    """Responses one by one as each person's loop closes, in memory bounded by one response.

    Still raises X12Error at a fault after the responses before it were yielded: act only
    once the iteration completes (as `read_271` does).
    """
    for control, _guide, body in transaction_sets(data, source=source, transaction_set="271"):
        yield from _read_set(source, control, body)


@dataclass
class _Person:
    level: str
    loop: str
    inherited: list[Rejection]
    member_id: str = ""
    traces: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    dates: list[DateRange] = field(default_factory=list)
    benefits: list[dict[str, Any]] = field(default_factory=list)


def _read_set(source: str, control: str, body: Iterable[Segment]) -> Iterator[EligibilityResponse]:
    out: list[EligibilityResponse] = []  # responses closed by the segment just read
    names: dict[str, tuple[str, str]] = {"20": ("", ""), "21": ("", "")}
    above: dict[str, list[Rejection]] = {"20": [], "21": []}
    level_code = ""
    person: _Person | None = None
    emitted_below = {"20": False, "21": False}
    subscriber_id = ""
    in_2120 = False  # between LS*2120 and LE*2120: NM1 names an entity of the last EB

    def close() -> None:
        nonlocal person
        if person is not None:
            out.append(_freeze(control, names, person))
            person = None

    def close_upper(code: str) -> None:
        # A payer/receiver level that carried AAA but had nobody under it still reports.
        if above.get(code) and not emitted_below.get(code):
            level, loop = _LEVELS[code]
            out.append(_freeze(control, names, _Person(level, loop, [], rejections=above[code])))

    for segment in body:
        sid = segment.id
        if sid == "HL":
            code = segment.get(3)
            if code not in _LEVELS:
                raise segment_error(
                    source,
                    segment,
                    f"found {shown_code(code)}",
                    "20, 21, 22 or 23",
                    3,
                    code=X12ReadErrorCode.BAD_ELEMENT,
                )
            close()
            in_2120 = False
            if code == "20":
                close_upper("21")
                close_upper("20")
                above = {"20": [], "21": []}
                emitted_below = {"20": False, "21": False}
            elif code == "21":
                close_upper("21")
                above["21"] = []
                emitted_below["21"] = False
            else:
                emitted_below = {"20": True, "21": True}
                level, loop = _LEVELS[code]
                person = _Person(level, loop, [*above["20"], *above["21"]])
                if code == "23":
                    person.member_id = subscriber_id

            level_code = code
        elif sid in ("LS", "LE"):
            in_2120 = sid == "LS" and person is not None and bool(person.benefits)
        elif sid == "NM1" and in_2120 and person is not None:
            person.benefits[-1]["related"].append(
                RelatedEntity(segment.get(1), segment.get(3), segment.get(8), segment.get(9))
            )
        elif sid == "NM1":
            if level_code in ("20", "21") and person is None:
                names[level_code] = (segment.get(3), segment.get(9))
            elif person is not None and not person.benefits and segment.get(9):
                person.member_id = segment.get(9)
                if person.level == "subscriber":
                    subscriber_id = person.member_id
        elif sid == "TRN" and person is not None:
            person.traces.append(segment.get(2))
        elif sid == "AAA":
            if person is None:
                if level_code in above:
                    above[level_code].append(_rejection(_LEVELS[level_code][1], segment))
            else:
                loop = person.loop.replace("2100", "2110") if person.benefits else person.loop
                person.rejections.append(_rejection(loop, segment))
        elif sid == "DTP" and person is not None:
            start, end = parse_period(source, segment, 2)
            dated = DateRange(segment.get(1), start, end)
            (person.benefits[-1]["dates"] if person.benefits else person.dates).append(dated)
        elif sid == "HSD" and person is not None and person.benefits:
            person.benefits[-1]["limits"].append(_delivery_limit(source, segment))
        elif sid == "EB":
            in_2120 = False
            if person is None:
                raise segment_error(
                    source,
                    segment,
                    "EB came outside a person loop",
                    "HL 22/23",
                    code=X12ReadErrorCode.OUT_OF_ORDER,
                )
            person.benefits.append(_benefit_fields(source, segment))
        elif sid == "MSG" and person is not None and person.benefits:
            person.benefits[-1]["messages"].append(segment.get(1))
        elif sid == "SE":
            close()
            close_upper("21")
            close_upper("20")
        if out:
            yield from out
            out.clear()


def _delivery_limit(source: str, segment: Segment) -> DeliveryLimit:
    return DeliveryLimit(
        quantity_qualifier=segment.get(1),
        quantity=parse_optional_amount(source, segment, 2),
        time_period=segment.get(5),
        periods=parse_optional_amount(source, segment, 6),
    )


def _rejection(loop: str, segment: Segment) -> Rejection:
    return Rejection(loop, segment.get(1) == "Y", segment.get(3), segment.get(4))


def _benefit_fields(source: str, segment: Segment) -> dict[str, Any]:
    network = segment.get(12)
    return {
        "info_code": segment.get(1),
        "coverage_level": segment.get(2),
        "service_types": segment.repeats(3),
        "insurance_type": segment.get(4),
        "plan_description": segment.get(5),
        "time_period": segment.get(6),
        "amount": parse_optional_amount(source, segment, 7),
        "percent": parse_optional_amount(source, segment, 8),
        "quantity_qualifier": segment.get(9),
        "quantity": parse_optional_amount(source, segment, 10),
        "authorization_required": segment.get(11),
        "in_network": {"Y": True, "N": False}.get(network),
        "procedure": segment.components(13),
        "messages": [],
        "dates": [],
        "limits": [],
        "related": [],
    }


def _freeze(
    control: str, names: dict[str, tuple[str, str]], person: _Person
) -> EligibilityResponse:
    benefits = tuple(
        Benefit(**{**b, **{k: tuple(b[k]) for k in ("messages", "dates", "limits", "related")}})
        for b in person.benefits
    )
    return EligibilityResponse(
        control_number=control,
        level=person.level,
        payer_name=names["20"][0],
        payer_id=names["20"][1],
        provider_name=names["21"][0],
        provider_id=names["21"][1],
        member_id=person.member_id,
        trace_numbers=tuple(person.traces),
        rejections=(*person.inherited, *person.rejections),
        plan_dates=tuple(person.dates),
        benefits=benefits,
    )


@cache
def _codes() -> dict[str, Any]:
    text = resources.files("cleannote.edi").joinpath("data/eligibility_codes.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _aaa_table() -> dict[str, Any]:
    text = resources.files("cleannote.edi").joinpath("data/aaa_reasons.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


class UnknownAaaCodeError(X12Error):
    def __init__(self, code: str) -> None:
        super().__init__(
            "aaa_reasons.json",
            f"{shown_code(code)} is not an AAA03 reason code we know",
            code=X12ReadErrorCode.UNKNOWN_CODE,
        )


def explain_aaa(code: str) -> AaaReason:
    """Plain words and the next step for an AAA03 reason code."""
    entry = _aaa_table()["reasons"].get(code)
    if entry is None:
        raise UnknownAaaCodeError(code)
    return AaaReason(code, entry["meaning"], entry["action"])


def explain_follow_up(code: str) -> FollowUp | None:
    entry = _aaa_table()["follow_ups"].get(code)
    return FollowUp(code, entry["meaning"], entry["resubmit"]) if entry else None


def code_label(table: str, code: str) -> str:
    """A short label for an eligibility code ('eligibility', 'service_types', 'time_periods',
    'coverage_levels', 'quantity_qualifiers'); the code itself when unlisted."""
    labels: dict[str, str] = _codes()[table]
    return labels.get(code, code)


def labels(table: str, codes: Iterable[str]) -> list[str]:
    return [code_label(table, c) for c in codes]


__all__ = [
    "AaaReason",
    "Benefit",
    "DateRange",
    "DeliveryLimit",
    "EligibilityResponse",
    "FollowUp",
    "Rejection",
    "RelatedEntity",
    "code_label",
    "explain_aaa",
    "explain_follow_up",
    "iter_271",
    "read_271",
]
