"""837P professional claims (005010X222A1) read back: ours for round trips, others' for import.

The reader keeps what billing needs to match and check a claim: the hierarchy (billing
provider, subscriber, patient), CLM, HI diagnoses, provider loops and SV1 lines. Names and
member ids are kept in the value objects (they are the claim's data) but never put in messages.
Segments for coordination of benefits (loop 2320 onward, until the first LX) are read only for
the other payers' names and filing indicators.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import (
    Segment,
    count_value,
    parse_amount,
    parse_count,
    parse_optional_amount,
    parse_period,
    segment_error,
    to_date,
    transaction_sets,
)

_PROVIDER_ROLES = {
    "DN": "referring",
    "P3": "referring",
    "82": "rendering",
    "77": "service_facility",
    "DQ": "supervising",
    "DK": "ordering",
}


@dataclass(frozen=True, slots=True)
class Provider:
    entity_code: str
    name: str
    first_name: str
    npi: str


@dataclass(frozen=True, slots=True)
class Person:
    """Subscriber or patient. PHI: for claim data only, never for messages or logs."""

    last_name: str
    first_name: str
    member_id: str
    birth_date: date | None
    gender: str


@dataclass(frozen=True, slots=True)
class Diagnosis:
    qualifier: str
    code: str


@dataclass(frozen=True, slots=True)
class DatedEvent:
    qualifier: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class OtherPayer:
    responsibility: str
    filing_indicator: str
    name: str
    id: str


@dataclass(frozen=True, slots=True)
class ServiceLine:
    line_number: int
    qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    unit_basis: str
    units: Decimal | None
    place_of_service: str
    diagnosis_pointers: tuple[int, ...]
    service_start: date | None
    service_end: date | None
    line_control_number: str
    rendering: Provider | None


@dataclass(frozen=True, slots=True)
class ProfessionalClaim:
    control_number: str
    implementation_guide: str
    billing_provider: Provider
    billing_tax_id: str
    payer_responsibility: str
    relationship: str
    group_number: str
    filing_indicator: str
    payer_name: str
    payer_id: str
    subscriber: Person
    patient: Person | None
    patient_relationship: str
    patient_control_number: str
    total_charge: Decimal
    place_of_service: str
    frequency_code: str
    signature: str
    assignment: str
    benefits_assignment: str
    release: str
    related_causes: tuple[str, ...]
    accident_state: str
    dates: tuple[DatedEvent, ...]
    references: tuple[tuple[str, str], ...]
    diagnoses: tuple[Diagnosis, ...]
    providers: tuple[tuple[str, Provider], ...]
    other_payers: tuple[OtherPayer, ...]
    lines: tuple[ServiceLine, ...]

    @property
    def lines_total(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0"))

    @property
    def charge_mismatch(self) -> str | None:
        """CLM02 must equal the sum of SV102; a file that breaks this is read but flagged."""
        if self.total_charge == self.lines_total:
            return None
        return f"CLM02 {self.total_charge} differs from the SV102 total {self.lines_total}"

    def provider(self, role: str) -> Provider | None:
        """'referring', 'rendering', 'service_facility', 'supervising' or 'ordering'."""
        return next((p for r, p in self.providers if r == role), None)


def read_837p(data: bytes | BinaryIO | Path, *, source: str) -> list[ProfessionalClaim]:
    """Every claim in the file, or X12Error and nothing."""
    return list(iter_837p(data, source=source))


def iter_837p(data: bytes | BinaryIO | Path, *, source: str) -> Iterator[ProfessionalClaim]:
    """Claims one by one as each closes, in memory bounded by one claim.

    Still raises X12Error at a fault after the claims before it were yielded: use it to count
    or stage, and act only once the iteration completes (as `read_837p` does).
    """
    for control, guide, body in transaction_sets(data, source=source, transaction_set="837"):
        yield from _read_set(source, control, guide, body)


@dataclass
class _Context:
    billing: Provider | None = None
    tax_id: str = ""
    sbr: Segment | None = None
    payer: tuple[str, str] = ("", "")
    subscriber: Person | None = None
    patient: Person | None = None
    patient_relationship: str = ""
    person_nm1: Segment | None = None


@dataclass
class _Claim:
    clm: Segment
    context: _Context
    dates: list[DatedEvent] = field(default_factory=list)
    refs: list[tuple[str, str]] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    providers: list[tuple[str, Provider]] = field(default_factory=list)
    other_payers: list[OtherPayer] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)


def _read_set(
    source: str, control: str, guide: str, body: Iterable[Segment]
) -> Iterator[ProfessionalClaim]:
    out: list[ProfessionalClaim] = []  # claims closed by the segment just read
    ctx = _Context()
    hl_level = ""
    claim: _Claim | None = None
    in_other_payer = False
    lx: Segment | None = None
    sv1: Segment | None = None
    line_period: tuple[date, date] | None = None
    line_ref = ""
    line_rendering: Provider | None = None

    def close_line() -> None:
        nonlocal lx, sv1, line_period, line_ref, line_rendering
        if sv1 is not None and claim is not None:
            claim.lines.append(
                _line(source, lx, sv1, line_period, line_ref, line_rendering, len(claim.lines))
            )
        lx = sv1 = None
        line_period, line_ref, line_rendering = None, "", None

    def close_claim() -> None:
        nonlocal claim
        close_line()
        if claim is not None:
            out.append(_freeze(source, control, guide, claim))
        claim = None

    for segment in body:
        sid = segment.id
        if sid == "HL":
            close_claim()
            hl_level = segment.get(3)
            in_other_payer = False
            if hl_level == "20":
                ctx = _Context()
            elif hl_level == "22":
                ctx = _Context(ctx.billing, ctx.tax_id)
            elif hl_level == "23":
                ctx = _Context(ctx.billing, ctx.tax_id, ctx.sbr, ctx.payer, ctx.subscriber)
        elif sid == "CLM":
            close_claim()
            in_other_payer = False
            claim = _Claim(segment, ctx)
        elif sid == "LX":
            close_line()
            in_other_payer = False
            lx = segment
        elif sid == "SV1":
            sv1 = segment
        elif sid == "SBR":
            if claim is None:
                ctx.sbr = segment
            else:
                in_other_payer = True
                claim.other_payers.append(OtherPayer(segment.get(1), segment.get(9), "", ""))
        elif sid == "NM1":
            entity = segment.get(1)
            if claim is None:
                if entity == "85":
                    ctx.billing = _provider(segment)
                elif entity == "PR":
                    ctx.payer = (segment.get(3), segment.get(9))
                elif entity in ("IL", "QC"):
                    ctx.person_nm1 = segment
                    if entity == "IL":
                        ctx.subscriber = _person(segment, None)
                    else:
                        ctx.patient = _person(segment, None)
            elif in_other_payer:
                if entity == "PR" and claim.other_payers:
                    last = claim.other_payers[-1]
                    claim.other_payers[-1] = OtherPayer(
                        last.responsibility, last.filing_indicator, segment.get(3), segment.get(9)
                    )
            elif entity in _PROVIDER_ROLES:
                if sv1 is not None and entity == "82":
                    line_rendering = _provider(segment)
                elif sv1 is None:
                    claim.providers.append((_PROVIDER_ROLES[entity], _provider(segment)))
        elif sid == "DMG" and claim is None and ctx.person_nm1 is not None:
            birth = to_date(source, segment, segment.get(2), 2) if segment.get(2) else None
            person = _person(ctx.person_nm1, birth, segment.get(3))
            if ctx.person_nm1.get(1) == "IL":
                ctx.subscriber = person
            else:
                ctx.patient = person
        elif sid == "PAT":
            ctx.patient_relationship = segment.get(1)
        elif sid == "REF":
            if claim is None:
                if segment.get(1) == "EI" and hl_level == "20":
                    ctx.tax_id = segment.get(2)
            elif sv1 is not None:
                if segment.get(1) == "6R":
                    line_ref = segment.get(2)
            elif not in_other_payer:
                claim.refs.append((segment.get(1), segment.get(2)))
        elif sid == "DTP" and claim is not None and not in_other_payer:
            start, end = parse_period(source, segment, 2)
            if sv1 is not None:
                if segment.get(1) == "472":
                    line_period = (start, end)
            else:
                claim.dates.append(DatedEvent(segment.get(1), start, end))
        elif sid == "HI" and claim is not None:
            for position in range(1, 13):
                parts = segment.components(position)
                if len(parts) >= 2:
                    claim.diagnoses.append(Diagnosis(parts[0], parts[1]))
        elif sid == "SE":
            close_claim()
        if out:
            yield from out
            out.clear()


def _provider(segment: Segment) -> Provider:
    return Provider(segment.get(1), segment.get(3), segment.get(4), segment.get(9))


def _person(segment: Segment, birth: date | None, gender: str = "") -> Person:
    return Person(segment.get(3), segment.get(4), segment.get(9), birth, gender)


def _line(
    source: str,
    lx: Segment | None,
    sv1: Segment,
    period: tuple[date, date] | None,
    line_ref: str,
    rendering: Provider | None,
    index: int,
) -> ServiceLine:
    procedure = sv1.components(1)
    if len(procedure) < 2:
        raise segment_error(
            source,
            sv1,
            f"it is not split by the component separator {sv1.delimiters.component!r}",
            "a composite HC:code[:modifiers]",
            1,
            code=X12ReadErrorCode.BAD_ELEMENT,
        )
    pointers = []
    for pointer in sv1.components(7):
        value = count_value(pointer, 2)
        if value is None or not 1 <= value <= 12:
            raise segment_error(
                source,
                sv1,
                "it holds a pointer that is not a number 1-12",
                "pointers 1-12",
                7,
                code=X12ReadErrorCode.BAD_ELEMENT,
            )
        pointers.append(value)
    # LX01 is N0 1/6; a line without an LX is numbered by its place in the claim
    number = index + 1
    if lx is not None and lx.get(1):
        number = parse_count(source, lx, 1, 6, "a line number")
    start, end = period or (None, None)
    return ServiceLine(
        line_number=number,
        qualifier=procedure[0],
        procedure_code=procedure[1],
        modifiers=tuple(m for m in procedure[2:6] if m),
        charge=parse_amount(source, sv1, 2),
        unit_basis=sv1.get(3),
        units=parse_optional_amount(source, sv1, 4),
        place_of_service=sv1.get(5),
        diagnosis_pointers=tuple(pointers),
        service_start=start,
        service_end=end,
        line_control_number=line_ref,
        rendering=rendering,
    )


def _freeze(source: str, control: str, guide: str, claim: _Claim) -> ProfessionalClaim:
    clm = claim.clm
    ctx = claim.context
    if ctx.billing is None or ctx.subscriber is None or ctx.sbr is None:
        missing = "billing provider (NM1*85)" if ctx.billing is None else "subscriber (SBR, NM1*IL)"
        raise segment_error(
            source,
            clm,
            f"the claim has no {missing}",
            f"a {missing} before CLM",
            code=X12ReadErrorCode.MISSING_SEGMENT,
        )
    facility = clm.components(5)
    causes = clm.components(11)
    sbr = ctx.sbr
    return ProfessionalClaim(
        control_number=control,
        implementation_guide=guide,
        billing_provider=ctx.billing,
        billing_tax_id=ctx.tax_id,
        payer_responsibility=sbr.get(1),
        relationship=sbr.get(2),
        group_number=sbr.get(3),
        filing_indicator=sbr.get(9),
        payer_name=ctx.payer[0],
        payer_id=ctx.payer[1],
        subscriber=ctx.subscriber,
        patient=ctx.patient,
        patient_relationship=ctx.patient_relationship,
        patient_control_number=clm.get(1),
        total_charge=parse_amount(source, clm, 2),
        place_of_service=facility[0] if facility else "",
        frequency_code=facility[2] if len(facility) > 2 else "",
        signature=clm.get(6),
        assignment=clm.get(7),
        benefits_assignment=clm.get(8),
        release=clm.get(9),
        related_causes=tuple(c for c in causes[:3] if c),
        accident_state=causes[3] if len(causes) > 3 else "",
        dates=tuple(claim.dates),
        references=tuple(claim.refs),
        diagnoses=tuple(claim.diagnoses),
        providers=tuple(claim.providers),
        other_payers=tuple(claim.other_payers),
        lines=tuple(claim.lines),
    )


__all__ = [
    "DatedEvent",
    "Diagnosis",
    "OtherPayer",
    "Person",
    "ProfessionalClaim",
    "Provider",
    "ServiceLine",
    "iter_837p",
    "read_837p",
]
