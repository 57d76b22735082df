"""835 health care claim payment/advice (005010X221A1) read into remittance value objects.

Money is Decimal, dates are `date`. Patient names and member ids in the NM1 segments are not
kept: posting matches on CLP01 (our own patient control number) and the payer's claim number.
Each claim payment, service line and PLB pair carries the number of its segment in the file
(CLP, SVC, PLB; counted from 1 as errors count them), so a refusal or a flag can point at it
without a second read of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, TypeVar

from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import (
    Delimiters,
    Segment,
    X12Error,
    batch_segment,
    check_transaction,
    iter_segment_batches,
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
_BLANKS = [""] * 24


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
    # where the SVC is in the file (counted from 1); not part of the line's value
    segment_number: int = field(compare=False)

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
    # where the CLP is in the file (counted from 1); not part of the payment's value
    segment_number: int = field(compare=False)
    # AMT*I: interest the payer added (reported for information; paid through PLB L6).
    interest: Decimal | None = None
    # NM1*TT: the payer the claim was forwarded to (crossover), an organisation's name.
    crossover_payer: str = ""

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
    # where the PLB is in the file (one PLB holds up to six pairs); not part of the value
    segment_number: int = field(compare=False)


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


class _Values:
    """Element conversions for one walk, with caches in front of the strict parsers.

    A remittance repeats the same amounts, dates, procedure composites and CAS segments on
    claim after claim, so each distinct text is parsed once (by the shared strict parsers in
    `cleannote.edi.tokenizer`, which also word the errors) and then looked up. The caches are
    emptied when they grow past `_CACHE_LIMIT`, so memory stays flat on any file, and when the
    delimiters change, because a composite's meaning depends on ISA16.
    """

    __slots__ = (
        "adjustments",
        "amounts",
        "claims",
        "dates",
        "delimiters",
        "procedures",
        "services",
        "source",
    )

    def __init__(self, source: str, delimiters: Delimiters) -> None:
        self.source = source
        self.delimiters = delimiters
        self.amounts: dict[str, Decimal] = {}
        self.dates: dict[str, date] = {}
        self.procedures: dict[str, Procedure] = {}
        self.adjustments: dict[str, tuple[Adjustment, ...]] = {}
        self.services: dict[str, _ServiceValues] = {}
        self.claims: dict[tuple[str, str, str], tuple[Decimal, Decimal, Decimal]] = {}

    def segment(self, elements: list[str], number: int) -> Segment:
        return batch_segment(elements, number, self.delimiters)

    def amount(self, elements: list[str], number: int, position: int) -> Decimal:
        return self._element(self.amounts, parse_amount, elements, number, position)

    def date(self, elements: list[str], number: int, position: int) -> date:
        return self._element(self.dates, parse_date, elements, number, position)

    def procedure(self, elements: list[str], number: int, position: int) -> Procedure:
        return self._element(self.procedures, _procedure, elements, number, position)

    def _element(
        self,
        cache: dict[str, _V],
        parse: Callable[[str, Segment, int], _V],
        elements: list[str],
        number: int,
        position: int,
    ) -> _V:
        """The element at `position` converted by `parse`, through `cache` (an element the
        segment does not reach is parsed, so the parser words the error)."""
        try:
            return cache[elements[position]]
        except (KeyError, IndexError):
            pass
        value = parse(self.source, self.segment(elements, number), position)
        _remember(cache, elements[position], value)
        return value

    def cas(self, elements: list[str], number: int) -> tuple[Adjustment, ...]:
        key = self.delimiters.element.join(elements)
        found = self.adjustments.get(key)
        if found is None:
            found = tuple(_adjustments(self.source, self.segment(elements, number)))
            _remember(self.adjustments, key, found)
        return found

    def service(self, elements: list[str], number: int) -> _ServiceValues:
        """SVC01-SVC07 converted in element order (so the first bad one is reported)."""
        key = self.delimiters.element.join(elements)
        found = self.services.get(key)
        if found is None:
            count = len(elements)
            found = (
                self.procedure(elements, number, 1),
                self.amount(elements, number, 2),
                self.amount(elements, number, 3),
                self.amount(elements, number, 5) if count > 5 and elements[5] else _ONE,
                self.procedure(elements, number, 6) if count > 6 and elements[6] else None,
                self.amount(elements, number, 7) if count > 7 and elements[7] else None,
            )
            _remember(self.services, key, found)
        return found

    def claim(self, elements: list[str], number: int) -> tuple[Decimal, Decimal, Decimal]:
        """CLP03 charge, CLP04 paid and CLP05 patient responsibility (zero when blank)."""
        padded = elements + _BLANKS if len(elements) < 6 else elements
        key = (padded[3], padded[4], padded[5])
        found = self.claims.get(key)
        if found is None:
            found = (
                self.amount(elements, number, 3),
                self.amount(elements, number, 4),
                self.amount(elements, number, 5) if padded[5] else _ZERO,
            )
            _remember(self.claims, key, found)
        return found

    def switch(self, delimiters: Delimiters) -> None:
        if delimiters != self.delimiters:
            self.procedures.clear()
            self.services.clear()
            self.adjustments.clear()
        self.delimiters = delimiters


_CACHE_LIMIT = 2048
_ServiceValues = tuple[Procedure, Decimal, Decimal, Decimal, Procedure | None, Decimal | None]
_K = TypeVar("_K")
_V = TypeVar("_V")


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


class _Draft:
    """A CLP or SVC loop whose values are converted when it closes (the next SVC, CLP, PLB or
    SE): its segment, and the CAS adjustments, remarks and dates gathered until then.

    Adjustments and remarks are tuples grown by concatenation rather than lists: most lines
    carry one CAS and no LQ, and `() + cached` is `cached` itself, so the common line allocates
    nothing for them (fewer container allocations also means fewer garbage collector passes).
    Concatenation is quadratic in the count, so the guide's limit of 99 CAS and 99 LQ segments
    per loop is enforced (`_REPEAT_LIMIT`, decision 0240).
    """

    __slots__ = ("adjustments", "cas_count", "elements", "end", "number", "remarks", "start")

    def __init__(self, elements: list[str], number: int) -> None:
        self.elements = elements
        self.number = number
        self.adjustments: tuple[Adjustment, ...] = ()
        self.cas_count = 0
        self.remarks: tuple[str, ...] = ()
        self.start: date | None = None
        self.end: date | None = None


class _ServiceDraft(_Draft):
    """An SVC: a service line of the claim payment."""

    __slots__ = ("allowed", "line_control")

    def __init__(self, elements: list[str], number: int) -> None:
        super().__init__(elements, number)
        self.line_control = ""
        self.allowed: Decimal | None = None


class _ClaimDraft(_Draft):
    """A CLP: a claim payment, with its finished service lines."""

    __slots__ = ("crossover", "interest", "received", "remark_segments", "services")

    def __init__(self, elements: list[str], number: int) -> None:
        super().__init__(elements, number)
        self.interest: Decimal | None = None
        self.crossover = ""
        self.remark_segments: tuple[str, ...] = ()
        self.received: date | None = None
        self.services: list[ServicePayment] = []


def _walk(
    data: bytes | BinaryIO | Path, source: str, *, collect: bool
) -> Iterator[Remittance | ClaimPayment]:
    """One pass over checked segment batches, dispatching on the segment id.

    The branches are ordered by how often the segment occurs in a remittance (CAS and DTM
    first; NM1 gets an empty branch so it leaves the chain early; CLP shares one branch with
    the rare PLB and SE, since each closes the open claim). Envelope segments other than ST and
    SE match no branch: the batches are already checked, and every other segment id can only
    occur inside a transaction set, which here is always an 835.
    """
    header: dict[str, Segment] = {}
    payer: Party | None = None
    payee: Party | None = None
    claims: list[ClaimPayment] = []
    plb: list[ProviderAdjustment] = []
    claim: _ClaimDraft | None = None
    service: _ServiceDraft | None = None
    paid_total = _ZERO
    values: _Values | None = None
    for batch, first, delimiters in iter_segment_batches(data, source=source):
        if values is None:
            values = _Values(source, delimiters)
        elif delimiters is not values.delimiters:
            values.switch(delimiters)
        for number, elements in enumerate(batch, first):
            sid = elements[0]
            if sid == "CAS":
                target = service if service is not None else claim
                if target is None:
                    raise _before_any_clp(source, values.segment(elements, number))
                target.cas_count += 1
                if target.cas_count > _REPEAT_LIMIT:
                    raise _too_many(source, values.segment(elements, number), target is service)
                target.adjustments += values.cas(elements, number)
            elif sid == "DTM":
                qualifier = elements[1] if len(elements) > 1 else ""
                if service is not None:
                    if qualifier == "472":
                        service.start = service.end = values.date(elements, number, 2)
                    elif qualifier == "150":
                        service.start = values.date(elements, number, 2)
                    elif qualifier == "151":
                        service.end = values.date(elements, number, 2)
                elif claim is not None:
                    if qualifier == "232":
                        claim.start = values.date(elements, number, 2)
                    elif qualifier == "233":
                        claim.end = values.date(elements, number, 2)
                    elif qualifier == "050":
                        claim.received = values.date(elements, number, 2)
                elif qualifier == "405":
                    header["DTM405"] = values.segment(elements, number)
            elif sid == "SVC":
                if claim is None:
                    raise _before_any_clp(source, values.segment(elements, number))
                if service is not None:
                    claim.services.append(_finish_service(values, service))
                service = _ServiceDraft(elements, number)
            elif sid == "REF":
                if service is not None and len(elements) > 1 and elements[1] == "6R":
                    service.line_control = elements[2] if len(elements) > 2 else ""
            elif sid == "AMT":
                if service is not None and len(elements) > 1 and elements[1] == "B6":
                    service.allowed = values.amount(elements, number, 2)
                elif service is None and claim is not None and elements[1:2] == ["I"]:
                    claim.interest = values.amount(elements, number, 2)
            elif sid == "NM1":
                # names and member ids are PHI and are not kept; NM1*TT names a payer
                if claim is not None and len(elements) > 3 and elements[1] == "TT":
                    claim.crossover = elements[3]
            elif sid == "CLP" or sid == "PLB" or sid == "SE":
                if claim is not None:  # each of these closes the open claim
                    finished = _finish_claim(values, claim, service)
                    paid_total += finished.paid
                    if collect:
                        claims.append(finished)
                    yield finished
                    claim = service = None
                if sid == "CLP":
                    claim = _ClaimDraft(elements, number)
                elif sid == "PLB":
                    plb.extend(_provider_adjustments(source, values.segment(elements, number)))
                else:
                    closing = values.segment(elements, number)
                    yield _remittance(
                        source, header, payer, payee, claims, plb, paid_total, closing
                    )
            elif sid == "LQ":
                if service is not None and len(elements) > 1 and elements[1] == "HE":
                    if len(service.remarks) >= _REPEAT_LIMIT:
                        raise _too_many(source, values.segment(elements, number), True)
                    service.remarks += (elements[2] if len(elements) > 2 else "",)
            elif sid == "MOA" or sid == "MIA":
                if claim is not None:
                    if sid in claim.remark_segments:  # one MOA and one MIA per claim
                        raise segment_error(
                            source,
                            values.segment(elements, number),
                            f"this is the claim's second {sid}",
                            f"at most one {sid} per claim",
                            code=X12ReadErrorCode.TOO_MANY,
                        )
                    claim.remark_segments += (sid,)
                    positions = (3, 4, 5, 6, 7) if sid == "MOA" else (5, 20, 21, 22, 23)
                    padded = elements + _BLANKS
                    claim.remarks += tuple(c for p in positions if (c := padded[p]))
            elif sid == "N1":
                segment = values.segment(elements, number)
                party = Party(segment.get(2), segment.get(3), segment.get(4))
                code = segment.get(1)
                if code == "PR":
                    payer = party
                elif code == "PE":
                    payee = party
            elif sid == "BPR" or sid == "TRN":
                header[sid] = values.segment(elements, number)
            elif sid == "ST":
                segment = values.segment(elements, number)
                check_transaction(source, segment, "835")
                header, payer, payee, claims, plb = {"ST": segment}, None, None, [], []
                claim = service = None
                paid_total = _ZERO


# CAS in loops 2100 and 2110, and LQ in 2110, repeat at most 99 times (005010X221A1).
_REPEAT_LIMIT = 99


def _before_any_clp(source: str, segment: Segment) -> X12Error:
    """A CAS or SVC before the first CLP: an adjustment or a service line needs a claim."""
    return segment_error(
        source,
        segment,
        f"{segment.id} came before any CLP",
        "CLP",
        code=X12ReadErrorCode.OUT_OF_ORDER,
    )


def _too_many(source: str, segment: Segment, line: bool) -> X12Error:
    where = "service line" if line else "claim"
    return segment_error(
        source,
        segment,
        f"this is the {_REPEAT_LIMIT + 1}th {segment.id} segment of one {where}",
        f"at most {_REPEAT_LIMIT} {segment.id} segments per {where}",
        code=X12ReadErrorCode.TOO_MANY,
    )


def _finish_service(values: _Values, draft: _ServiceDraft) -> ServicePayment:
    procedure, charge, paid, units, original, original_units = values.service(
        draft.elements, draft.number
    )
    # positional arguments: a keyword call of a 13-field dataclass costs half as much again
    return ServicePayment(
        procedure,
        charge,
        paid,
        units,
        original,
        original_units,
        draft.start,
        draft.end,
        draft.adjustments,
        draft.line_control,
        draft.allowed,
        draft.remarks,
        draft.number,
    )


def _finish_claim(
    values: _Values, draft: _ClaimDraft, service: _ServiceDraft | None
) -> ClaimPayment:
    if service is not None:
        draft.services.append(_finish_service(values, service))
    elements = draft.elements
    charge, paid, responsibility = values.claim(elements, draft.number)
    padded = elements + _BLANKS if len(elements) < 10 else elements
    return ClaimPayment(
        padded[1],
        padded[2],
        charge,
        paid,
        responsibility,
        padded[6],
        padded[7],
        padded[9],
        draft.adjustments,
        draft.remarks,
        draft.start,
        draft.end,
        draft.received,
        tuple(draft.services),
        draft.number,
        draft.interest,
        draft.crossover,
    )


def _procedure(source: str, segment: Segment, position: int) -> Procedure:
    parts = segment.components(position)
    if len(parts) < 2:
        raise segment_error(
            source,
            segment,
            f"it is not split by the component separator {segment.delimiters.component!r} of ISA16",
            "a composite qualifier:code[:modifiers]",
            position,
            code=X12ReadErrorCode.BAD_ELEMENT,
        )
    return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))


def _adjustments(source: str, segment: Segment) -> Iterator[Adjustment]:
    elements = segment.elements
    group = elements[1] if len(elements) > 1 else ""
    if not group:
        raise segment_error(
            source,
            segment,
            "CAS01 is empty",
            "a claim adjustment group code",
            code=X12ReadErrorCode.BAD_ELEMENT,
        )
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
            segment.number,
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
        raise segment_error(
            source,
            closing,
            "the set has no BPR segment",
            "BPR after ST",
            code=X12ReadErrorCode.MISSING_SEGMENT,
        )
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
