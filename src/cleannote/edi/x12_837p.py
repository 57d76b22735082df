"""837P professional claims (ASC X12 005010X222A1) from visits and the lines the scrubber kept.

Why the loops look the way they do (SBR09 per payer kind, where DN/DK/DQ go, no line
splitting, one transaction set per 5,000 claims) is recorded in
docs/decisions/0060-837p-writer-choices.md. The writer streams: each claim becomes one chunk
of bytes, so a batch of any size needs the memory of one claim.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Unpack

from cleannote.edi.envelope import (
    Chunk,
    ControlNumbers,
    InterchangeOptions,
    Receiver,
    Segment,
    Submitter,
    X12WriteError,
    beginning_segment,
    iter_batch,
)
from cleannote.edi.x12_values import (
    address_segments,
    amount,
    digits,
    fit,
    npi,
    phone,
    required_text,
    x12_date,
)
from cleannote.rules.addresses import is_po_box, same_place
from cleannote.rules.claim_format_limits import limit_of
from cleannote.rules.findings import ClaimLine
from cleannote.rules.visit import (
    AccidentKind,
    BillingProvider,
    Payer,
    PayerKind,
    Person,
    ReferralQualifier,
    Relationship,
    ServiceFacility,
    Visit,
)

__all__ = [
    "ATTACHMENT_REPORT_TYPES",
    "ATTACHMENT_TRANSMISSIONS",
    "VERSION",
    "Adjustment",
    "Attachment",
    "ClaimToSend",
    "ControlNumbers",
    "PriorLinePayment",
    "PriorPayment",
    "Receiver",
    "Submitter",
    "claim_filing_indicator",
    "iter_837p",
    "write_837p",
]

VERSION = "005010X222A1"
MAX_CLAIMS_PER_TRANSACTION = 5000
# Read from the table the scrubber's checks read too (ADR 0350).
MAX_LINES_PER_CLAIM = limit_of("format.line-count")
MAX_DIAGNOSES = limit_of("format.diagnosis-count")
MAX_MODIFIERS = limit_of("format.modifier-count")
MAX_POINTERS = limit_of("format.pointer-count")
FREQUENCIES = frozenset({"1", "7", "8"})

_RELATIONSHIP_CODES = {
    Relationship.SELF: "18",
    Relationship.SPOUSE: "01",
    Relationship.CHILD: "19",
    Relationship.OTHER: "G8",
}
# Property-and-casualty payers: the 837P names their claim number in REF*Y4, in the patient's
# loop (2010CA when the patient is not the subscriber, else 2010BA), on every claim.
_PROPERTY_CASUALTY = frozenset(
    {PayerKind.AUTO_PIP, PayerKind.AUTO_MEDPAY, PayerKind.AUTO_LIABILITY, PayerKind.WORKERS_COMP}
)
_CALLER = "caller.envelope"  # the submitter and receiver: not the visit's data
_PRIOR = "caller.prior-payment"  # an earlier payer's remittance, from the caller
_RELATED_CAUSES = {AccidentKind.AUTO: "AA", AccidentKind.EMPLOYMENT: "EM", AccidentKind.OTHER: "OA"}


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet from an earlier payer's remittance: group (CO, PR, OA, PI, CR), CARC."""

    group: str
    reason: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PriorLinePayment:
    """What an earlier payer did with one line (2430): `line` is the 0-based index into
    `ClaimToSend.lines`; `paid` plus the adjustments must equal the line charge."""

    line: int
    paid: Decimal
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True, slots=True)
class PriorPayment:
    """An earlier payer's adjudication, sent in loop 2320 when billing the next payer.

    `subscriber` is the person insured by that payer (their member id goes in 2330A).
    `responsibility` is that payer's SBR01 position: P primary, S secondary.
    `remaining_patient_liability` is what that payer left to the patient (its PR adjustments),
    sent as AMT*EAF when known; Medicare as secondary and many supplements price from it.
    """

    payer: Payer
    subscriber: Person
    paid: Decimal
    adjudicated: dt.date
    responsibility: str = "P"
    claim_adjustments: tuple[Adjustment, ...] = ()
    lines: tuple[PriorLinePayment, ...] = ()
    remaining_patient_liability: Decimal | None = None


# 2300 PWK (005010X222A1): the report types (PWK01) and transmission codes (PWK02) we send. One
# table: the writer checks against it and the CMS-1500's box 19 note reads the same codes.
ATTACHMENT_REPORT_TYPES = {
    "EB": "Explanation of benefits: an earlier payer's EOB or its benefits-exhausted letter",
    "OZ": "Support data for the claim",
}
ATTACHMENT_TRANSMISSIONS = {
    "BM": "By mail",
    "FX": "By fax",
    "EM": "By e-mail",
    "EL": "Electronically only (a 275 attachment transaction)",
    "FT": "File transfer",
}
MAX_ATTACHMENTS = 10  # PWK repeats at most 10 times in loop 2300


@dataclass(frozen=True, slots=True)
class Attachment:
    """Paperwork sent apart from the claim (2300 PWK): the payer matches it to the claim by its
    attachment control number (PWK06, qualifier AC), which the paper or fax cover carries."""

    report_type: str
    transmission: str
    control_number: str


@dataclass(frozen=True, slots=True)
class ClaimToSend:
    """One claim: the visit, the lines to bill, and how this claim relates to earlier ones.

    `frequency` is CLM05-3: 1 original, 7 replacement, 8 void; 7 and 8 carry the payer's claim
    control number of the claim they replace (`original_reference`) in REF*F8. A claim to an
    auto or workers' comp carrier carries the carrier's claim number (`visit.payer.claim_number`)
    in REF*Y4 whatever its frequency (docs/decisions/0261-837p-what-payers-need.md).
    `prior_payments` makes this a secondary (or tertiary) claim. `responsibility` is this
    payer's place in the order (SBR01: P, S or T) as the claim records it; empty, it follows
    from the number of earlier payers. `onset` is the onset of the current illness (DTP*431)
    when known.
    """

    visit: Visit
    lines: tuple[ClaimLine, ...]
    frequency: str = "1"
    prior_payments: tuple[PriorPayment, ...] = ()
    onset: dt.date | None = None
    original_reference: str | None = None
    responsibility: str = ""
    attachments: tuple[Attachment, ...] = ()


@cache
def _filing_indicators() -> dict[str, str | None]:
    text = resources.files("cleannote.edi").joinpath("data/claim_filing_indicators.json")
    table: dict[str, str | None] = json.loads(text.read_text(encoding="utf-8"))["indicators"]
    return table


def claim_filing_indicator(kind: PayerKind) -> str:
    """SBR09 for a payer kind; self-pay has none because no payer receives the claim."""
    code = _filing_indicators().get(kind.value)
    if code is None:
        raise X12WriteError(
            f"payer kind {kind.value!r} is not billed on an 837P", rule="format.payer-not-billable"
        )
    return code


def iter_837p(
    claims: Iterable[ClaimToSend], **options: Unpack[InterchangeOptions]
) -> Iterator[bytes]:
    """The interchange as chunks of bytes: envelope headers, one chunk per claim, trailers.

    Claims are consumed lazily; at most 5,000 go in one ST/SE transaction set, and later sets
    take consecutive ST control numbers from `control.first_transaction`. A claim the writer
    refuses raises `X12WriteError` part way through, so write to a temporary file and move it
    into the outbox only once the iterator is exhausted.
    """
    return iter_batch(
        claims,
        options,
        transaction_set_id="837",
        functional_id="HC",
        version=VERSION,
        per_set=MAX_CLAIMS_PER_TRANSACTION,
        body=lambda offset, batch: _transaction_body(_header(options, offset), batch),
        empty=X12WriteError("an 837P batch needs at least one claim", rule="caller.batch"),
    )


def write_837p(claims: Iterable[ClaimToSend], **options: Unpack[InterchangeOptions]) -> bytes:
    """The whole interchange in memory; prefer `iter_837p` when writing a large batch to a file."""
    return b"".join(iter_837p(claims, **options))


def _header(options: InterchangeOptions, offset: int) -> list[Segment]:
    """BHT and loops 1000A/1000B, rebuilt per transaction set (BHT03 names the set)."""
    sub, rec = options["submitter"], options["receiver"]
    return [
        beginning_segment("0019", "00", options, offset, "CH"),
        ("NM1", "41", "2", required_text(sub.name, 60, "1000A NM103", _CALLER), "", "", "",
         "", "46", required_text(sub.id, 80, "1000A NM109", _CALLER)),
        ("PER", "IC", required_text(sub.contact_name, 60, "1000A PER02", _CALLER), "TE",
         phone(sub.contact_phone, "1000A PER04")),
        ("NM1", "40", "2", required_text(rec.name, 60, "1000B NM103", _CALLER), "", "", "",
         "", "46", required_text(rec.id, 80, "1000B NM109", _CALLER)),
    ]  # fmt: skip


def _transaction_body(header: list[Segment], claims: Iterable[ClaimToSend]) -> Iterator[Chunk]:
    yield "", header
    hl = 0
    billing_hl = 0
    billing: BillingProvider | None = None
    for claim in claims:
        visit = claim.visit
        try:
            chunk: list[Segment] = []
            provider = visit.billing_provider
            if provider is not billing and provider != billing:
                billing = provider
                hl += 1
                billing_hl = hl
                chunk.extend(_billing_provider(billing, hl))
            hl = _claim(chunk, claim, billing_hl, hl)
        except X12WriteError as exc:
            raise X12WriteError(f"claim {visit.id}: {exc}", exc.rule, exc.code) from None
        yield f"claim {visit.id}", chunk


def _billing_provider(provider: BillingProvider, hl: int) -> list[Segment]:
    """Loop 2000A: 2010AA (a street address; a person for a sole proprietor) and 2010AB when
    payment goes elsewhere, such as a PO box."""
    if is_po_box(provider.address):
        raise X12WriteError(
            "2010AA billing provider address is a PO box; the 837P needs a street address "
            "there and the PO box as the pay-to address (2010AB)",
            rule="address.billing-po-box",
        )
    n3, n4 = address_segments(
        provider.address, "2010AA", nine_digit_zip=True, zip_rule="format.billing-zip"
    )
    if provider.last_name:
        name: Segment = (
            "NM1", "85", "1", required_text(provider.last_name, 60, "2010AA NM103"),
            fit(provider.first_name or "", 35), "", "", "", "XX",
            npi(provider.npi, "2010AA NM109"),
        )  # fmt: skip
    else:
        name = (
            "NM1", "85", "2", required_text(provider.name, 60, "2010AA NM103"), "", "", "", "",
            "XX", npi(provider.npi, "2010AA NM109"),
        )  # fmt: skip
    segments: list[Segment] = [
        ("HL", str(hl), "", "20", "1"),
        ("PRV", "BI", "PXC", _taxonomy(provider.taxonomy, "2000A PRV03")),
        name,
        n3,
        n4,
        (
            "REF",
            "EI",
            digits(
                provider.tax_id,
                (limit_of("format.tax-id"),),
                "2010AA REF02 tax id",
                "- ",
                rule="format.tax-id",
            ),
        ),
    ]
    pay_to = provider.pay_to_address
    if pay_to is not None and not same_place(pay_to, provider.address):
        segments.append(("NM1", "87", "1" if provider.last_name else "2"))
        segments.extend(address_segments(pay_to, "2010AB"))
    return segments


@lru_cache(maxsize=1024)
def _taxonomy(value: str, where: str) -> str:
    code = value.strip()
    if len(code) != 10 or not code.isalnum():
        raise X12WriteError(
            f"{where} taxonomy code must be 10 letters and digits", rule="format.taxonomy"
        )
    return code


def _relationship(visit: Visit) -> Relationship:
    relationship = visit.subscriber.relationship
    if relationship is None:
        if visit.patient != visit.subscriber:
            raise X12WriteError(
                "subscriber relationship is missing and the patient is not the subscriber",
                rule="format.relationship",
            )
        return Relationship.SELF
    return relationship


def _person_name(person: Person, where: str) -> tuple[str, str]:
    return (
        required_text(person.last_name, 60, f"{where} NM103"),
        fit(person.first_name, 35),
    )


def _demographics(person: Person) -> Segment:
    return ("DMG", "D8", x12_date(person.birth_date), person.sex.value)


def _claim(chunk: list[Segment], claim: ClaimToSend, billing_hl: int, hl: int) -> int:
    """Append loops 2000B (and 2000C) with the claim; return the last HL number used."""
    visit = claim.visit
    payer = visit.payer
    relationship = _relationship(visit)
    is_patient = relationship is Relationship.SELF
    subscriber = visit.subscriber
    responsibility = _responsibility(claim)

    hl += 1
    subscriber_hl = hl
    chunk.append(("HL", str(hl), str(billing_hl), "22", "0" if is_patient else "1"))
    chunk.extend(_subscriber_loop(subscriber, payer, responsibility, is_patient))

    if not is_patient:
        hl += 1
        chunk.append(("HL", str(hl), str(subscriber_hl), "23", "0"))
        chunk.append(("PAT", _RELATIONSHIP_CODES[relationship]))
        patient = visit.patient
        last, first = _person_name(patient, "2010CA")
        chunk.append(("NM1", "QC", "1", last, first))
        address = patient.address or subscriber.address
        if address is None:
            raise X12WriteError("2010CA patient address is required", rule="format.patient-address")
        chunk.extend(address_segments(address, "2010CA"))
        chunk.append(_demographics(patient))
        if payer.claim_number and payer.kind in _PROPERTY_CASUALTY:
            chunk.append(_property_casualty_number(payer.claim_number, "2010CA"))

    _claim_loop(chunk, claim)
    return hl


def _responsibility(claim: ClaimToSend) -> str:
    """SBR01: the claim's own payer sequence, which must match the earlier payers it reports
    (a secondary claim carries the primary's adjudication in 2320, a tertiary both)."""
    priors = len(claim.prior_payments)
    if priors > 2:
        raise X12WriteError(
            "at most two earlier payers can be reported", rule="caller.prior-payment"
        )
    expected = "PST"[priors]
    given = claim.responsibility or expected
    if given != expected:
        raise X12WriteError(
            f"SBR01 {given!r} does not match the {priors} earlier payer(s) reported in loop "
            "2320 (a primary claim reports none, a secondary one, a tertiary two)",
            rule="caller.prior-payment",
        )
    return given


def _property_casualty_number(number: str, loop: str) -> Segment:
    return ("REF", "Y4", required_text(number, 50, f"{loop} REF*Y4"))


def _medicare_secondary_type(payer: Payer, responsibility: str) -> str:
    """SBR05: on a claim to Medicare when Medicare is not the primary payer, the reason another
    payer pays first; nothing on any other claim."""
    if responsibility == "P" or payer.kind is not PayerKind.MEDICARE:
        return ""
    if payer.medicare_secondary_type is None:
        raise X12WriteError(
            "SBR05 Medicare secondary payer type is required when Medicare is not the primary "
            "payer (12-16, 41-43 or 47)",
            rule="caller.prior-payment",
        )
    return payer.medicare_secondary_type.value


@lru_cache(maxsize=256)
def _subscriber_loop(
    subscriber: Person, payer: Payer, responsibility: str, is_patient: bool
) -> tuple[Segment, ...]:
    """SBR and loops 2010BA/2010BB; cached because a batch bills the same patients' plans over
    and over, and the key is the frozen subscriber and payer themselves."""
    chunk: list[Segment] = [
        (
            "SBR",
            responsibility,
            "18" if is_patient else "",
            fit(subscriber.group_number or "", 50),
            "",
            _medicare_secondary_type(payer, responsibility),
            "",
            "",
            "",
            claim_filing_indicator(payer.kind),
        )
    ]
    last, first = _person_name(subscriber, "2010BA")
    member_id = required_text(subscriber.member_id, 80, "2010BA NM109 member id")
    chunk.append(("NM1", "IL", "1", last, first, "", "", "", "MI", member_id))
    if is_patient:
        if subscriber.address is None:
            raise X12WriteError(
                "2010BA subscriber address is required when the subscriber is the patient",
                rule="format.patient-address",
            )
        chunk.extend(address_segments(subscriber.address, "2010BA"))
        chunk.append(_demographics(subscriber))
    elif subscriber.address is not None:
        chunk.extend(address_segments(subscriber.address, "2010BA"))
    if is_patient and payer.claim_number and payer.kind in _PROPERTY_CASUALTY:
        # The carrier's own claim number for the accident or injury; a dependent's goes in the
        # patient loop (2010CA) instead.
        chunk.append(_property_casualty_number(payer.claim_number, "2010BA"))
    chunk.append(_payer_name(payer.name, payer.payer_id, "2010BB"))
    return tuple(chunk)


def _claim_loop(chunk: list[Segment], claim: ClaimToSend) -> None:
    """Loop 2300 with its provider loops, earlier payers (2320) and service lines (2400)."""
    visit = claim.visit
    lines = claim.lines
    if not lines:
        raise X12WriteError("a claim needs at least one service line", rule="format.no-lines")
    if len(lines) > MAX_LINES_PER_CLAIM:
        raise X12WriteError(
            f"{len(lines)} service lines exceed the 837P limit of {MAX_LINES_PER_CLAIM}; "
            "split the visit into separate claims before writing",
            rule="format.line-count",
        )
    if claim.frequency not in FREQUENCIES:
        raise X12WriteError(
            f"CLM05-3 frequency {claim.frequency!r} must be 1, 7 or 8", rule="caller.frequency"
        )
    claim_id = visit.id.strip()
    if not 1 <= len(claim_id) <= 38:
        raise X12WriteError(
            f"CLM01 patient control number must be 1 to 38 characters, got {len(claim_id)}",
            rule="format.claim-id",
        )
    pos = visit.place_of_service
    if len(pos) != 2 or not pos.isdigit():
        raise X12WriteError(
            f"CLM05-1 place of service {pos!r} must be two digits", rule="format.place-of-service"
        )
    total = sum((line.charge for line in lines), Decimal("0"))

    accident = visit.accident
    related: tuple[str, ...] | str = ""
    if accident is not None:
        cause = _RELATED_CAUSES[accident.kind]
        if accident.kind is AccidentKind.AUTO:
            state = (accident.state or "").strip().upper()
            if len(state) != 2 or not state.isalpha():
                raise X12WriteError(
                    "CLM11-4 auto accident state must be a two-letter code",
                    rule="format.accident-state",
                )
            related = (cause, "", "", state)
        else:
            related = (cause,)
    chunk.append(
        ("CLM", claim_id, amount(total, "CLM02"), "", "", (pos, "B", claim.frequency),
         "Y", "A", "Y", "Y", "", related)
    )  # fmt: skip
    if claim.onset is not None:
        chunk.append(("DTP", "431", "D8", x12_date(claim.onset)))
    if visit.initial_treatment is not None:
        chunk.append(("DTP", "454", "D8", x12_date(visit.initial_treatment)))
    if accident is not None and accident.date is not None:
        chunk.append(("DTP", "439", "D8", x12_date(accident.date)))
    if claim.attachments:
        chunk += _paperwork(claim.attachments)
    if visit.prior_authorization:
        chunk.append(("REF", "G1", required_text(visit.prior_authorization, 50, "2300 REF*G1")))
    if claim.frequency != "1":
        if not claim.original_reference:
            raise X12WriteError(
                f"frequency {claim.frequency} needs the payer's claim number for REF*F8 "
                "(the claim control number of the claim it replaces)",
                rule="caller.frequency",
            )
        reference = required_text(claim.original_reference, 50, "2300 REF*F8", "caller.frequency")
        chunk.append(("REF", "F8", reference))
    chunk.append(_diagnoses(visit.diagnoses))

    referral = visit.referral
    if referral is not None and referral.qualifier is ReferralQualifier.REFERRING:
        chunk.append(
            _provider_name("DN", referral.last_name, referral.first_name, referral.npi, "2310A")
        )
    rendering = visit.rendering_provider
    billing = visit.billing_provider
    if rendering.npi != billing.npi:
        # 2310B only when the rendering provider is not the billing provider (a solo
        # clinician billing under their own NPI is both).
        chunk.append(
            _provider_name("82", rendering.last_name, rendering.first_name, rendering.npi, "2310B")
        )
        chunk.append(("PRV", "PE", "PXC", _taxonomy(rendering.taxonomy, "2310B PRV03")))
    facility = visit.service_facility
    if facility is not None and not same_place(facility.address, billing.address):
        chunk.extend(_service_facility(facility))
    if referral is not None and referral.qualifier is ReferralQualifier.SUPERVISING:
        chunk.append(
            _provider_name("DQ", referral.last_name, referral.first_name, referral.npi, "2310D")
        )

    for prior in claim.prior_payments:
        _other_payer(chunk, prior, visit)

    ordering: Segment | None = None
    if referral is not None and referral.qualifier is ReferralQualifier.ORDERING:
        ordering = _provider_name(
            "DK", referral.last_name, referral.first_name, referral.npi, "2420E"
        )
    line_payments = [{p.line: p for p in prior.lines} for prior in claim.prior_payments]
    # Loop 2400, inline because it runs for every line of every claim.
    service_date = ("DTP", "472", "D8", x12_date(visit.date_of_service))
    services = visit.services
    diagnoses = len(visit.diagnoses)
    for index, line in enumerate(lines):
        number = index + 1
        if not 0 <= line.service_index < len(services):
            raise X12WriteError(
                f"line {number} points at service {line.service_index}, which the visit lacks",
                rule="caller.lines",
            )
        rendering_npi = services[line.service_index].rendering_npi
        if rendering_npi and rendering_npi != rendering.npi:
            raise X12WriteError(
                f"line {number} was rendered by another NPI; "
                "per-line rendering (2420A) is not written yet",
                rule="format.line-rendering",
            )
        lx, sv1 = _procedure_segments(
            number,
            line.code,
            line.modifiers,
            line.charge,
            line.units,
            line.diagnosis_pointers,
            diagnoses,
        )
        chunk += (lx, sv1, service_date, ("REF", "6R", f"{claim_id}-{number}"))
        if ordering is not None:
            chunk.append(ordering)
        if line_payments:
            _prior_line_payments(chunk, claim, index, line, sv1, line_payments)


@lru_cache(maxsize=256)
def _paperwork(attachments: tuple[Attachment, ...]) -> list[Segment]:
    """One PWK per attachment, after the 2300 dates and before its references."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise X12WriteError(
            f"{len(attachments)} attachments; 2300 PWK repeats at most {MAX_ATTACHMENTS} times",
            rule="caller.attachment",
        )
    out: list[Segment] = []
    for attachment in attachments:
        if attachment.report_type not in ATTACHMENT_REPORT_TYPES:
            raise X12WriteError(
                f"PWK01 report type {attachment.report_type!r} is not one we send",
                rule="caller.attachment",
            )
        if attachment.transmission not in ATTACHMENT_TRANSMISSIONS:
            raise X12WriteError(
                f"PWK02 transmission {attachment.transmission!r} must be one of "
                + ", ".join(ATTACHMENT_TRANSMISSIONS),
                rule="caller.attachment",
            )
        number = attachment.control_number.strip()
        if not 2 <= len(number) <= 50:
            raise X12WriteError(
                f"PWK06 attachment control number must be 2 to 50 characters, got {len(number)}",
                rule="caller.attachment",
            )
        out.append(("PWK", attachment.report_type, attachment.transmission, "", "", "AC", number))
    return out


def _service_facility(facility: ServiceFacility) -> tuple[Segment, ...]:
    """Loop 2310C: where the visit took place, when that is not the billing provider's address
    (Medicare prices by it). A street address with the ZIP+4, like 2010AA."""
    if is_po_box(facility.address):
        raise X12WriteError(
            "2310C service facility address is a PO box; it must be a street",
            rule="address.service-facility",
        )
    name = required_text(facility.name, 60, "2310C NM103")
    number: tuple[str, ...] = ()
    if facility.npi:
        number = ("XX", npi(facility.npi, "2310C NM109"))
    return (
        ("NM1", "77", "2", name, "", "", "", "", *number),
        *address_segments(
            facility.address, "2310C", nine_digit_zip=True, zip_rule="address.service-facility"
        ),
    )


@lru_cache(maxsize=1024)
def _diagnoses(codes: tuple[str, ...]) -> Segment:
    """HI; cached per diagnosis list, which a patient's plan of care repeats visit after visit."""
    if not codes:
        raise X12WriteError("HI needs at least one diagnosis", rule="format.diagnosis-count")
    if len(codes) > MAX_DIAGNOSES:
        raise X12WriteError(
            f"{len(codes)} diagnoses exceed the 837P limit of {MAX_DIAGNOSES}",
            rule="format.diagnosis-count",
        )
    elements: list[tuple[str, str]] = []
    for position, code in enumerate(codes):
        bare = code.replace(".", "").strip().upper()
        if not 3 <= len(bare) <= limit_of("format.diagnosis-code") or not bare.isalnum():
            raise X12WriteError(
                f"HI{position + 1:02d} diagnosis {code!r} is not an ICD-10-CM code",
                rule="format.diagnosis-code",
            )
        elements.append(("ABK" if position == 0 else "ABF", bare))
    return ("HI", *elements)


@lru_cache(maxsize=1024, typed=True)
def _procedure_segments(
    number: int,
    code: str,
    modifiers: tuple[str, ...],
    charge: Decimal,
    units: int,
    pointers: tuple[int, ...],
    diagnoses: int,
) -> tuple[Segment, Segment]:
    """LX and SV1 for line `number` of a claim with `diagnoses` codes in HI, after the checks
    that depend on nothing else. Cached because a clinic bills a short fee schedule, so the same
    line comes back claim after claim; a refusal is raised again on every call (never cached).
    Typed, so a float charge equal to a cached Decimal one still meets the check in `amount`."""
    if len(modifiers) > MAX_MODIFIERS:
        raise X12WriteError(
            f"line {number} SV101 carries {len(modifiers)} modifiers; at most {MAX_MODIFIERS}",
            rule="format.modifier-count",
        )
    if not 1 <= len(pointers) <= MAX_POINTERS:
        raise X12WriteError(
            f"line {number} SV107 needs 1 to {MAX_POINTERS} diagnosis pointers",
            rule="format.pointer-count",
        )
    for pointer in pointers:
        if not 1 <= pointer <= diagnoses:
            raise X12WriteError(
                f"line {number} SV107 pointer {pointer} has no diagnosis in HI",
                rule="format.pointer-target",
            )
    if units < 1:
        raise X12WriteError(
            f"line {number} SV104 units {units} must be at least 1", rule="format.units"
        )
    if len(code) != 5 or not code.isalnum():
        raise X12WriteError(
            f"line {number} SV101-2 procedure code {code!r} is not a CPT/HCPCS code",
            rule="format.procedure-code",
        )
    procedure = ("HC", code, *modifiers)
    return (
        ("LX", str(number)),
        ("SV1", procedure, amount(charge, f"line {number} SV102"), "UN", str(units), "", "",
         _pointers(pointers)),
    )  # fmt: skip


@lru_cache(maxsize=256)
def _pointers(pointers: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(map(str, pointers))


@lru_cache(maxsize=4096)
def _payer_name(name: str, payer_id: str, loop: str) -> Segment:
    """NM1*PR; cached, like the provider names below, because a batch repeats a few payers."""
    return (
        "NM1",
        "PR",
        "2",
        required_text(name, 60, f"{loop} NM103"),
        "",
        "",
        "",
        "",
        "PI",
        required_text(payer_id, 80, f"{loop} NM109 payer id"),
    )


@lru_cache(maxsize=4096)
def _provider_name(entity: str, last: str, first: str, number: str, loop: str) -> Segment:
    return (
        "NM1",
        entity,
        "1",
        required_text(last, 60, f"{loop} NM103"),
        fit(first, 35),
        "",
        "",
        "",
        "XX",
        npi(number, f"{loop} NM109"),
    )


def _adjustments(adjustments: tuple[Adjustment, ...], where: str) -> list[Segment]:
    """CAS segments: one per group code, at most six reason/amount pairs each."""
    by_group: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        group = adjustment.group.strip().upper()
        if group not in ("CO", "CR", "OA", "PI", "PR"):
            raise X12WriteError(
                f"{where} CAS01 group code {adjustment.group!r} is not CO/CR/OA/PI/PR",
                rule="caller.prior-payment",
            )
        by_group.setdefault(group, []).append(adjustment)
    segments: list[Segment] = []
    for group, items in by_group.items():
        for start in range(0, len(items), 6):
            elements: list[str] = [group]
            for item in items[start : start + 6]:
                reason = item.reason.strip().upper()
                if not 1 <= len(reason) <= 5 or not reason.isalnum():
                    raise X12WriteError(
                        f"{where} CAS reason code {item.reason!r} is not a CARC",
                        rule="caller.prior-payment",
                    )
                elements.extend((reason, amount(item.amount, f"{where} CAS amount", _PRIOR), ""))
            segments.append(("CAS", *elements))
    return segments


def _other_payer(chunk: list[Segment], prior: PriorPayment, visit: Visit) -> None:
    """Loop 2320 with 2330A (the other subscriber) and 2330B (the other payer)."""
    if prior.responsibility not in ("P", "S", "T"):
        raise X12WriteError(
            f"2320 SBR01 {prior.responsibility!r} must be P, S or T", rule="caller.prior-payment"
        )
    other = prior.subscriber
    relationship = other.relationship or Relationship.SELF
    chunk.append(
        ("SBR", prior.responsibility, _RELATIONSHIP_CODES[relationship],
         fit(other.group_number or "", 50), "", "", "", "", "",
         claim_filing_indicator(prior.payer.kind))
    )  # fmt: skip
    chunk.extend(_adjustments(prior.claim_adjustments, "2320"))
    chunk.append(("AMT", "D", amount(prior.paid, "2320 AMT*D", _PRIOR)))
    liability = prior.remaining_patient_liability
    if liability is not None:
        chunk.append(("AMT", "EAF", amount(liability, "2320 AMT*EAF", _PRIOR)))
    chunk.append(("OI", "", "", "Y", "", "", "Y"))
    last, first = _person_name(other, "2330A")
    member_id = required_text(other.member_id, 80, "2330A NM109 member id", _PRIOR)
    chunk.append(("NM1", "IL", "1", last, first, "", "", "", "MI", member_id))
    chunk.append(_payer_name(prior.payer.name, prior.payer.payer_id, "2330B"))
    if not prior.lines:
        # The adjudication date sits with the payer when no 2430 line carries it (DTP*573).
        chunk.append(("DTP", "573", "D8", x12_date(prior.adjudicated)))
    if prior.lines:
        paid = sum((line.paid for line in prior.lines), Decimal("0"))
        if paid != prior.paid:
            raise X12WriteError(
                f"2320 AMT*D {prior.paid} differs from the {paid} the earlier payer's lines paid",
                rule="caller.prior-payment",
            )


def _prior_line_payments(
    chunk: list[Segment],
    claim: ClaimToSend,
    index: int,
    line: ClaimLine,
    sv1: Segment,
    line_payments: list[dict[int, PriorLinePayment]],
) -> None:
    """Loop 2430 per earlier payer that reported on this line; SVD repeats the SV1 procedure."""
    number = index + 1
    for prior, payments in zip(claim.prior_payments, line_payments, strict=True):
        payment = payments.get(index)
        if payment is None:
            continue
        where = f"line {number}"
        adjusted = sum((a.amount for a in payment.adjustments), Decimal("0"))
        if payment.paid + adjusted != line.charge:
            raise X12WriteError(
                f"{where} 2430 does not balance: paid {payment.paid} plus adjustments "
                f"{adjusted} must equal the charge {line.charge}",
                rule="caller.prior-payment",
            )
        chunk.append(
            ("SVD", required_text(prior.payer.payer_id, 80, f"{where} SVD01", _PRIOR),
             amount(payment.paid, f"{where} SVD02", _PRIOR), sv1[1], "", str(line.units))
        )  # fmt: skip
        chunk.extend(_adjustments(payment.adjustments, f"{where} 2430"))
        chunk.append(("DTP", "573", "D8", x12_date(prior.adjudicated)))
