"""270 eligibility requests (ASC X12 005010X279A1): is this person covered for therapy today?

A request asks one payer (2000A information source) on behalf of one provider (2000B
information receiver) about one subscriber (2000C) and, when the patient is someone else on
that subscriber's plan, about the dependent (2000D). Choices are recorded in
docs/decisions/0061-270-writer-choices.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Unpack

from cleannote.edi.envelope import (
    Chunk,
    InterchangeOptions,
    Segment,
    X12WriteError,
    beginning_segment,
    iter_batch,
)
from cleannote.edi.error_codes import WriteErrorCode
from cleannote.edi.x12_values import digits, fit, npi, required_text, x12_date
from cleannote.rules.visit import (
    BillingProvider,
    Discipline,
    Payer,
    Person,
    Relationship,
    Visit,
)

__all__ = [
    "VERSION",
    "EligibilityRequest",
    "discipline_asked",
    "iter_270",
    "service_type_for",
    "service_types_for",
    "write_270",
]

VERSION = "005010X279A1"
MAX_REQUESTS_PER_TRANSACTION = 99
MAX_SERVICE_TYPES = 99


@cache
def _service_types() -> tuple[str, dict[str, str]]:
    text = resources.files("cleannote.edi").joinpath("data/service_type_codes.json")
    table = json.loads(text.read_text(encoding="utf-8"))
    return str(table["default"]), {str(k): str(v) for k, v in table["by_discipline"].items()}


def service_type_for(discipline: Discipline | None) -> str:
    """EQ01 for a discipline: PT, AD (occupational therapy), AF, 33, or 30 for anything else."""
    default, by_discipline = _service_types()
    if discipline is None:
        return default
    return by_discipline.get(discipline.value, default)


def discipline_asked(service_type: str) -> Discipline | None:
    """The discipline whose EQ01 is `service_type` (PT for PT, OT for AD...), else None."""
    _, by_discipline = _service_types()
    return next((Discipline(d) for d, code in by_discipline.items() if code == service_type), None)


def service_types_for(discipline: Discipline | None) -> tuple[str, ...]:
    """The EQ loops a visit's 270 asks, in order: the discipline's service type, then 30
    (health benefit plan coverage) for whether the plan is active at all; 30 alone when the
    discipline has no code of its own (massage, or none known). ADR 0630."""
    default = _service_types()[0]
    specific = service_type_for(discipline)
    return (default,) if specific == default else (specific, default)


@dataclass(frozen=True, slots=True)
class EligibilityRequest:
    """One question to one payer. `trace` is our id for it; the 271 echoes it in TRN02.

    `patient` is set only when the patient is not the subscriber (a spouse or child on the
    subscriber's plan).
    """

    trace: str
    payer: Payer
    provider: BillingProvider
    subscriber: Person
    date_of_service: dt.date
    service_types: tuple[str, ...] = ("30",)
    patient: Person | None = None

    @classmethod
    def from_visit(cls, visit: Visit, trace: str) -> EligibilityRequest:
        """Ask about the visit's payer, patient and date for the rendering discipline and
        the plan as a whole."""
        relationship = visit.subscriber.relationship
        dependent = relationship not in (None, Relationship.SELF)
        return cls(
            trace=trace,
            payer=visit.payer,
            provider=visit.billing_provider,
            subscriber=visit.subscriber,
            date_of_service=visit.date_of_service,
            service_types=service_types_for(visit.rendering_provider.discipline),
            patient=visit.patient if dependent else None,
        )


def iter_270(
    requests: Iterable[EligibilityRequest], **options: Unpack[InterchangeOptions]
) -> Iterator[bytes]:
    """The interchange in chunks; at most 99 requests per ST/SE transaction set."""
    return iter_batch(
        requests,
        options,
        transaction_set_id="270",
        functional_id="HS",
        version=VERSION,
        per_set=MAX_REQUESTS_PER_TRANSACTION,
        body=lambda offset, batch: _transaction_body(
            beginning_segment("0022", "13", options, offset), batch
        ),
        empty=X12WriteError(
            "a 270 batch needs at least one request", code=WriteErrorCode.EMPTY_BATCH
        ),
    )


def write_270(
    requests: Iterable[EligibilityRequest], **options: Unpack[InterchangeOptions]
) -> bytes:
    return b"".join(iter_270(requests, **options))


def _transaction_body(bht: Segment, requests: Iterable[EligibilityRequest]) -> Iterator[Chunk]:
    """Consecutive requests to the same payer from the same provider share their HL parents."""
    yield "", [bht]
    hl = 0
    source_hl = receiver_hl = 0
    payer: Payer | None = None
    provider: BillingProvider | None = None
    for request in requests:
        try:
            chunk: list[Segment] = []
            if request.payer != payer:
                payer, provider = request.payer, None
                hl += 1
                source_hl = hl
                chunk.append(("HL", str(hl), "", "20", "1"))
                chunk.append(
                    ("NM1", "PR", "2", required_text(payer.name, 60, "2100A NM103"), "", "", "",
                     "", "PI", required_text(payer.payer_id, 80, "2100A NM109 payer id"))
                )  # fmt: skip
            if request.provider != provider:
                provider = request.provider
                hl += 1
                receiver_hl = hl
                chunk.append(("HL", str(hl), str(source_hl), "21", "1"))
                chunk.append(
                    ("NM1", "1P", "2", required_text(provider.name, 60, "2100B NM103"), "", "",
                     "", "", "XX", npi(provider.npi, "2100B NM109"))
                )  # fmt: skip
            hl = _subscriber(chunk, request, receiver_hl, hl)
        except X12WriteError as exc:
            raise X12WriteError(
                f"eligibility request {request.trace}: {exc}", exc.rule, exc.code
            ) from None
        yield f"eligibility request {request.trace}", chunk


def _subscriber(chunk: list[Segment], request: EligibilityRequest, parent: int, hl: int) -> int:
    subscriber, patient = request.subscriber, request.patient
    hl += 1
    subscriber_hl = hl
    chunk.append(("HL", str(hl), str(parent), "22", "0" if patient is None else "1"))
    trace = _trace(request)
    if patient is None:
        chunk.append(trace)
    chunk.append(
        ("NM1", "IL", "1", required_text(subscriber.last_name, 60, "2100C NM103"),
         fit(subscriber.first_name, 35), "", "", "", "MI",
         required_text(subscriber.member_id, 80, "2100C NM109 member id"))
    )  # fmt: skip
    if patient is None:
        _benefit_inquiry(chunk, subscriber, request)
        return hl
    hl += 1
    chunk.append(("HL", str(hl), str(subscriber_hl), "23", "0"))
    chunk.append(trace)
    chunk.append(
        ("NM1", "03", "1", required_text(patient.last_name, 60, "2100D NM103"),
         fit(patient.first_name, 35))
    )  # fmt: skip
    _benefit_inquiry(chunk, patient, request)
    return hl


def _trace(request: EligibilityRequest) -> Segment:
    """TRN: our trace number, and the provider's EIN prefixed '1' as the originator id."""
    tax_id = digits(
        request.provider.tax_id, (9,), "TRN03 originator tax id", "- ", rule="format.tax-id"
    )
    return ("TRN", "1", required_text(request.trace, 50, "TRN02 trace number"), "1" + tax_id)


def _benefit_inquiry(chunk: list[Segment], person: Person, request: EligibilityRequest) -> None:
    """DMG and DTP*291 for the person asked about, then one EQ per service type (2110C/D)."""
    chunk.append(("DMG", "D8", x12_date(person.birth_date), person.sex.value))
    chunk.append(("DTP", "291", "D8", x12_date(request.date_of_service)))
    if not 1 <= len(request.service_types) <= MAX_SERVICE_TYPES:
        raise X12WriteError(
            f"EQ needs 1 to {MAX_SERVICE_TYPES} service type codes",
            code=WriteErrorCode.SERVICE_TYPE,
        )
    for code in request.service_types:
        if not 1 <= len(code) <= 2 or not code.isalnum():
            raise X12WriteError(
                f"EQ01 service type code {code!r} is not an X12 code",
                code=WriteErrorCode.SERVICE_TYPE,
            )
        chunk.append(("EQ", code))
