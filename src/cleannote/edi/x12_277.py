"""277 claim status (005010X212 answers to a 276, 005010X214 claim acknowledgments).

Each claim is keyed by its trace (TRN02) and, where sent, our patient control number (REF*EJ
in X212; in a 277CA TRN02 itself is the patient control number) and the payer's claim number
(REF*1K). Status sent at the payer, receiver or provider level (a 277CA's batch acceptance)
is kept separately in `level_statuses`; a status at the information receiver level (HL 21) is
also kept with that level's trace (`receiver_statuses`): in a 277CA that trace is the BHT03 of
the 837 transaction set it answers, so a batch rejected whole names the set. A status at the
billing provider level (HL 19) is kept with that provider's NPI (NM1*85 or 1P, XX) and the
receiver trace above it (`provider_statuses`), and each claim carries the receiver trace and
provider NPI it was listed under, so a provider refused whole names the claims it covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from cleannote.edi.tokenizer import (
    Segment,
    parse_optional_amount,
    parse_optional_date,
    parse_period,
    transaction_sets,
)

_CLAIM_LEVELS = {"22", "23", "PT"}
_SOURCE_LEVEL = "20"
_RECEIVER_LEVEL = "21"
_PROVIDER_LEVEL = "19"


@dataclass(frozen=True, slots=True)
class Status:
    """One STC composite (category, status, entity) with the amounts and dates beside it."""

    category: str
    status: str
    entity: str
    effective: date | None
    action: str
    charge: Decimal | None
    paid: Decimal | None


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    procedure: tuple[str, ...]
    charge: Decimal | None
    paid: Decimal | None
    line_control_number: str
    statuses: tuple[Status, ...]
    service_start: date | None
    service_end: date | None


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    trace_number: str
    patient_control_number: str
    payer_claim_control_number: str
    clearinghouse_trace: str
    statuses: tuple[Status, ...]
    service_start: date | None
    service_end: date | None
    services: tuple[ServiceStatus, ...]
    # where the claim was listed: the information receiver level's TRN02 and the billing
    # provider level's NPI above it ("" when the file has none)
    receiver_trace: str = ""
    provider_npi: str = ""


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    """A status at the billing provider level (HL 19): about every claim of that provider in
    the 837 set the receiver trace names."""

    receiver_trace: str
    npi: str
    status: Status


@dataclass(frozen=True, slots=True)
class StatusReport:
    control_number: str
    implementation_guide: str
    level_statuses: tuple[tuple[str, Status], ...]
    claims: tuple[ClaimStatus, ...]
    # (TRN02 of the information receiver level, a status there), in file order
    receiver_statuses: tuple[tuple[str, Status], ...] = ()
    provider_statuses: tuple[ProviderStatus, ...] = ()


def read_277(data: bytes | BinaryIO | Path, *, source: str) -> list[StatusReport]:
    """Every status report in the file, or X12Error and nothing."""
    return [r for r in _walk(data, source, collect=True) if isinstance(r, StatusReport)]


def iter_claim_statuses(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[ClaimStatus]:
    """Claim statuses one by one as each closes, in memory bounded by one claim.

    Still raises X12Error at a fault after the claims before it were yielded: act only once
    the iteration completes (as `read_277` does).
    """
    for item in _walk(data, source, collect=False):
        if isinstance(item, ClaimStatus):
            yield item


def _walk(
    data: bytes | BinaryIO | Path, source: str, *, collect: bool
) -> Iterator[ClaimStatus | StatusReport]:
    for control, guide, body in transaction_sets(data, source=source, transaction_set="277"):
        yield from _read_set(source, control, guide, body, collect)


@dataclass
class _Claim:
    trace: str
    refs: dict[str, str] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    period: tuple[date, date] | None = None
    services: list[ServiceStatus] = field(default_factory=list)
    service: dict[str, object] | None = None


def _read_set(
    source: str, control: str, guide: str, body: Iterable[Segment], collect: bool
) -> Iterator[ClaimStatus | StatusReport]:
    """Each claim as it closes, then the set's report (with the claims when `collect`)."""
    level = ""
    closed: list[ClaimStatus] = []  # claims closed by the segment just read
    level_statuses: list[tuple[str, Status]] = []
    receiver_statuses: list[tuple[str, Status]] = []
    receiver_trace = ""
    provider_statuses: list[ProviderStatus] = []
    provider_npi = ""
    claims: list[ClaimStatus] = []
    claim: _Claim | None = None
    line: Segment | None = None
    line_statuses: list[Status] = []
    line_ref = ""
    line_period: tuple[date, date] | None = None

    def close_line() -> None:
        nonlocal line, line_statuses, line_ref, line_period
        if line is not None and claim is not None:
            start, end = line_period or (None, None)
            claim.services.append(
                ServiceStatus(
                    line.components(1),
                    parse_optional_amount(source, line, 2),
                    parse_optional_amount(source, line, 3),
                    line_ref,
                    tuple(line_statuses),
                    start,
                    end,
                )
            )
        line, line_statuses, line_ref, line_period = None, [], "", None

    def close_claim() -> None:
        nonlocal claim
        close_line()
        if claim is not None:
            start, end = claim.period or (None, None)
            pcn = claim.refs.get("EJ") or claim.trace
            closed.append(
                ClaimStatus(
                    claim.trace,
                    pcn,
                    claim.refs.get("1K", ""),
                    claim.refs.get("D9", ""),
                    tuple(claim.statuses),
                    start,
                    end,
                    tuple(claim.services),
                    receiver_trace,
                    provider_npi,
                )
            )
        claim = None

    for segment in body:
        sid = segment.id
        if sid == "HL":
            close_claim()
            level = segment.get(3)
            if level in (_SOURCE_LEVEL, _RECEIVER_LEVEL):
                receiver_trace = ""
            if level in (_SOURCE_LEVEL, _RECEIVER_LEVEL, _PROVIDER_LEVEL):
                provider_npi = ""
        elif sid == "NM1":
            if level == _PROVIDER_LEVEL and segment.get(1) in ("85", "1P"):
                provider_npi = segment.get(9) if segment.get(8) == "XX" else ""
        elif sid == "TRN":
            if level in _CLAIM_LEVELS and segment.get(1) == "2":
                close_claim()
                claim = _Claim(segment.get(2))
            elif level == _RECEIVER_LEVEL and segment.get(1) == "2":
                receiver_trace = segment.get(2)
        elif sid == "STC":
            status = _status(source, segment)
            if line is not None:
                line_statuses.append(status)
            elif claim is not None:
                claim.statuses.append(status)
            else:
                level_statuses.append((level, status))
                if level == _RECEIVER_LEVEL:
                    receiver_statuses.append((receiver_trace, status))
                elif level == _PROVIDER_LEVEL:
                    provider_statuses.append(ProviderStatus(receiver_trace, provider_npi, status))
        elif sid == "REF":
            if line is not None and segment.get(1) == "FJ":
                line_ref = segment.get(2)
            elif claim is not None and line is None:
                claim.refs.setdefault(segment.get(1), segment.get(2))
        elif sid == "DTP" and segment.get(1) == "472":
            period = parse_period(source, segment, 2)
            if line is not None:
                line_period = period
            elif claim is not None:
                claim.period = period
        elif sid == "SVC" and claim is not None:
            close_line()
            line = segment
        elif sid == "SE":
            close_claim()
        if closed:
            yield from closed
            if collect:
                claims.extend(closed)
            closed.clear()
    yield StatusReport(
        control,
        guide,
        tuple(level_statuses),
        tuple(claims),
        tuple(receiver_statuses),
        tuple(provider_statuses),
    )


def _status(source: str, segment: Segment) -> Status:
    parts = segment.components(1)
    return Status(
        category=parts[0] if parts else "",
        status=parts[1] if len(parts) > 1 else "",
        entity=parts[2] if len(parts) > 2 else "",
        effective=parse_optional_date(source, segment, 2),
        action=segment.get(3),
        charge=parse_optional_amount(source, segment, 4),
        paid=parse_optional_amount(source, segment, 5),
    )


__all__ = [
    "ClaimStatus",
    "ProviderStatus",
    "ServiceStatus",
    "Status",
    "StatusReport",
    "iter_claim_statuses",
    "read_277",
]
