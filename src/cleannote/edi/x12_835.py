"""835 health care claim payment/advice (005010X221A1) read into remittance value objects.

Money is Decimal, dates are `date`. Patient names and member ids in the NM1 segments are not
kept: posting matches on CLP01 (our own patient control number) and the payer's claim number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from cleannote.edi.tokenizer import (
    Segment,
    X12Error,
    iter_segments,
    parse_amount,
    parse_date,
    parse_optional_date,
    segment_error,
)

IMPLEMENTATION_GUIDE = "005010X221A1"
DENIED_STATUS = "4"
REVERSAL_STATUS = "22"
_ZERO = Decimal("0")
_ONE = Decimal("1")
_BLANKS = ("",) * 16


@dataclass(frozen=True, slots=True)
class Party:
    """A payer or payee as the N1 loop names it (organisations, not patients)."""

    name: str
    id_qualifier: str
    id: str


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CO, PR, OA, PI, CR), reason (CARC), amount, quantity."""

    group_code: str
    reason_code: str
    amount: Decimal
    quantity: Decimal | None


@dataclass(frozen=True, slots=True)
class Procedure:
    """SVC01/SVC06 composite: qualifier (HC, AD, ER...), code and up to four modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServicePayment:
    procedure: Procedure
    charge: Decimal
    paid: Decimal
    units: Decimal
    original_procedure: Procedure | None
    original_units: Decimal | None
    service_date: date | None
    service_end_date: date | None
    adjustments: tuple[Adjustment, ...]
    line_control_number: str
    allowed: Decimal | None
    remark_codes: tuple[str, ...]

    @property
    def adjusted(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), _ZERO)


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    patient_control_number: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    filing_indicator: str
    payer_claim_control_number: str
    frequency_code: str
    adjustments: tuple[Adjustment, ...]
    remark_codes: tuple[str, ...]
    statement_from: date | None
    statement_to: date | None
    received: date | None
    services: tuple[ServicePayment, ...]

    @property
    def denied(self) -> bool:
        return self.status_code == DENIED_STATUS

    @property
    def reversed(self) -> bool:
        return self.status_code == REVERSAL_STATUS

    @property
    def adjusted(self) -> Decimal:
        claim_level = sum((a.amount for a in self.adjustments), _ZERO)
        return claim_level + sum((s.adjusted for s in self.services), _ZERO)

    def all_adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level and line-level adjustments together, for the denials worklist."""
        lines = tuple(a for s in self.services for a in s.adjustments)
        return self.adjustments + lines


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB reason/amount pair. A positive amount reduces the payment."""

    provider_id: str
    fiscal_period_end: date | None
    reason_code: str
    reference: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Remittance:
    control_number: str
    payer: Party | None
    payee: Party | None
    handling_code: str
    payment_amount: Decimal
    credit_debit: str
    payment_method: str
    payment_date: date | None
    trace_number: str
    trace_originator: str
    production_date: date | None
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...]
    balance_warning: str | None

    @property
    def claim_count(self) -> int:
        return len(self.claims)


def read_835(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[Remittance]:
    """Remittances as each transaction set closes (SE checked).

    A later set may still raise X12Error; callers that must not act on part of a file use
    `read_835_file`, which returns only after the whole file is checked.
    """
    for item in _walk(data, source, collect=True):
        if isinstance(item, Remittance):
            yield item


def read_835_file(path: Path, *, source: str | None = None) -> list[Remittance]:
    """Every remittance in the file, or X12Error and nothing at all."""
    return list(read_835(path, source=source or path.name))


def iter_claim_payments(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[ClaimPayment]:
    """Claim payments one by one, in constant memory (for large files and the benchmark).

    Still raises X12Error at the end of a broken file, after the claims before the fault were
    yielded: use it to count or stage, and commit only once the iteration completes.
    """
    for item in _walk(data, source, collect=False):
        if isinstance(item, ClaimPayment):
            yield item


class _ServiceDraft:
    __slots__ = (
        "adjustments",
        "allowed",
        "end",
        "line_control",
        "remarks",
        "segment",
        "start",
    )

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.adjustments: list[Adjustment] = []
        self.start: date | None = None
        self.end: date | None = None
        self.line_control = ""
        self.allowed: Decimal | None = None
        self.remarks: list[str] = []


class _ClaimDraft:
    __slots__ = ("adjustments", "end", "received", "remarks", "segment", "services", "start")

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.adjustments: list[Adjustment] = []
        self.remarks: list[str] = []
        self.start: date | None = None
        self.end: date | None = None
        self.received: date | None = None
        self.services: list[ServicePayment] = []


def _walk(
    data: bytes | BinaryIO | Path, source: str, *, collect: bool
) -> Iterator[Remittance | ClaimPayment]:
    header: dict[str, Segment] = {}
    payer: Party | None = None
    payee: Party | None = None
    claims: list[ClaimPayment] = []
    plb: list[ProviderAdjustment] = []
    claim: _ClaimDraft | None = None
    service: _ServiceDraft | None = None
    paid_total = _ZERO
    in_835 = False
    for segment in iter_segments(data, source=source):
        elements = segment.elements
        sid = elements[0]
        first = elements[1] if len(elements) > 1 else ""
        if sid == "ST":
            in_835 = segment.get(1) == "835"
            if not in_835:
                raise segment_error(
                    source, segment, f"found transaction set {segment.get(1)!r}", "ST01 835"
                )
            header, payer, payee, claims, plb = {"ST": segment}, None, None, [], []
            claim = service = None
            paid_total = _ZERO
            continue
        if not in_835:
            continue
        if sid == "CLP":
            if claim is not None:
                finished = _finish_claim(source, claim, service)
                paid_total += finished.paid
                if collect:
                    claims.append(finished)
                yield finished
            claim, service = _ClaimDraft(segment), None
        elif sid == "SVC":
            if claim is None:
                raise segment_error(source, segment, "SVC came before any CLP", "CLP")
            if service is not None:
                claim.services.append(_finish_service(source, service))
            service = _ServiceDraft(segment)
        elif sid == "CAS":
            target = service if service is not None else claim
            if target is None:
                raise segment_error(source, segment, "CAS came before any CLP", "CLP")
            target.adjustments.extend(_adjustments(source, segment))
        elif sid == "DTM":
            qualifier = first
            if service is not None:
                if qualifier in ("472", "150"):
                    service.start = parse_date(source, segment, 2)
                    if qualifier == "472":
                        service.end = service.start
                elif qualifier == "151":
                    service.end = parse_date(source, segment, 2)
            elif claim is not None:
                if qualifier == "232":
                    claim.start = parse_date(source, segment, 2)
                elif qualifier == "233":
                    claim.end = parse_date(source, segment, 2)
                elif qualifier == "050":
                    claim.received = parse_date(source, segment, 2)
            elif qualifier == "405":
                header["DTM405"] = segment
        elif sid == "REF":
            if service is not None and first == "6R":
                service.line_control = segment.get(2)
        elif sid == "AMT":
            if service is not None and first == "B6":
                service.allowed = parse_amount(source, segment, 2)
        elif sid == "LQ":
            if service is not None and first == "HE":
                service.remarks.append(segment.get(2))
        elif sid == "MOA" or sid == "MIA":
            if claim is not None:
                positions = (3, 4, 5, 6, 7) if sid == "MOA" else (5, 20, 21, 22, 23)
                claim.remarks.extend(c for p in positions if (c := segment.get(p)))
        elif sid == "N1":
            code = segment.get(1)
            party = Party(segment.get(2), segment.get(3), segment.get(4))
            if code == "PR":
                payer = party
            elif code == "PE":
                payee = party
        elif sid == "BPR" or sid == "TRN":
            header[sid] = segment
        elif sid == "PLB":
            if claim is not None:
                finished = _finish_claim(source, claim, service)
                paid_total += finished.paid
                if collect:
                    claims.append(finished)
                yield finished
                claim = service = None
            plb.extend(_provider_adjustments(source, segment))
        elif sid == "SE":
            if claim is not None:
                finished = _finish_claim(source, claim, service)
                paid_total += finished.paid
                if collect:
                    claims.append(finished)
                yield finished
                claim = service = None
            yield _remittance(source, header, payer, payee, claims, plb, paid_total, segment)
            in_835 = False


def _finish_service(source: str, draft: _ServiceDraft) -> ServicePayment:
    segment = draft.segment
    elements = segment.elements + _BLANKS[len(segment.elements) :]
    return ServicePayment(
        procedure=_procedure(source, segment, 1),
        charge=parse_amount(source, segment, 2),
        paid=parse_amount(source, segment, 3),
        units=parse_amount(source, segment, 5) if elements[5] else _ONE,
        original_procedure=_procedure(source, segment, 6) if elements[6] else None,
        original_units=parse_amount(source, segment, 7) if elements[7] else None,
        service_date=draft.start,
        service_end_date=draft.end,
        adjustments=tuple(draft.adjustments),
        line_control_number=draft.line_control,
        allowed=draft.allowed,
        remark_codes=tuple(draft.remarks),
    )


def _finish_claim(source: str, draft: _ClaimDraft, service: _ServiceDraft | None) -> ClaimPayment:
    if service is not None:
        draft.services.append(_finish_service(source, service))
    segment = draft.segment
    elements = segment.elements + _BLANKS[len(segment.elements) :]
    return ClaimPayment(
        patient_control_number=elements[1],
        status_code=elements[2],
        charge=parse_amount(source, segment, 3),
        paid=parse_amount(source, segment, 4),
        patient_responsibility=parse_amount(source, segment, 5) if elements[5] else _ZERO,
        filing_indicator=elements[6],
        payer_claim_control_number=elements[7],
        frequency_code=elements[9],
        adjustments=tuple(draft.adjustments),
        remark_codes=tuple(draft.remarks),
        statement_from=draft.start,
        statement_to=draft.end,
        received=draft.received,
        services=tuple(draft.services),
    )


def _procedure(source: str, segment: Segment, position: int) -> Procedure:
    parts = segment.components(position)
    if len(parts) < 2:
        raise segment_error(
            source,
            segment,
            f"found {segment.get(position)[:20]!r} in element {segment.id}{position:02d}, "
            f"not split by the component separator {segment.delimiters.component!r} of ISA16",
            "a composite qualifier:code[:modifiers]",
        )
    return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))


def _adjustments(source: str, segment: Segment) -> Iterator[Adjustment]:
    elements = segment.elements
    group = elements[1] if len(elements) > 1 else ""
    if not group:
        raise segment_error(source, segment, "CAS01 is empty", "a claim adjustment group code")
    for position in range(2, min(len(elements), 20), 3):
        reason = elements[position]
        if not reason:
            continue
        quantity = elements[position + 2] if position + 2 < len(elements) else ""
        yield Adjustment(
            group,
            reason,
            parse_amount(source, segment, position + 1),
            parse_amount(source, segment, position + 2) if quantity else None,
        )


def _provider_adjustments(source: str, segment: Segment) -> Iterator[ProviderAdjustment]:
    provider = segment.get(1)
    period = parse_optional_date(source, segment, 2)
    for position in range(3, 15, 2):
        parts = segment.components(position)
        if not parts:
            continue
        yield ProviderAdjustment(
            provider,
            period,
            parts[0],
            parts[1] if len(parts) > 1 else "",
            parse_amount(source, segment, position + 1),
        )


def _remittance(
    source: str,
    header: dict[str, Segment],
    payer: Party | None,
    payee: Party | None,
    claims: list[ClaimPayment],
    plb: list[ProviderAdjustment],
    paid_total: Decimal,
    closing: Segment,
) -> Remittance:
    bpr = header.get("BPR")
    if bpr is None:
        raise segment_error(source, closing, "the set has no BPR segment", "BPR after ST")
    trn = header.get("TRN")
    production = header.get("DTM405")
    amount = parse_amount(source, bpr, 2)
    expected = paid_total - sum((p.amount for p in plb), _ZERO)
    warning = None
    if expected != amount:
        warning = (
            f"BPR02 {amount} does not equal the claim payments {paid_total} less provider "
            f"adjustments {paid_total - expected} (= {expected})"
        )
    return Remittance(
        control_number=header["ST"].get(2),
        payer=payer,
        payee=payee,
        handling_code=bpr.get(1),
        payment_amount=amount,
        credit_debit=bpr.get(3),
        payment_method=bpr.get(4),
        payment_date=parse_optional_date(source, bpr, 16),
        trace_number=trn.get(2) if trn else "",
        trace_originator=trn.get(3) if trn else "",
        production_date=parse_date(source, production, 2) if production else None,
        claims=tuple(claims),
        provider_adjustments=tuple(plb),
        balance_warning=warning,
    )


__all__ = [
    "Adjustment",
    "ClaimPayment",
    "Party",
    "Procedure",
    "ProviderAdjustment",
    "Remittance",
    "ServicePayment",
    "X12Error",
    "iter_claim_payments",
    "read_835",
    "read_835_file",
]
