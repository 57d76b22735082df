"""What the API reads and writes: pydantic models through django-ninja. Inputs are bounded
(ids positive and in range, texts without control characters and of limited length) so a bad
value is a 422 naming its field, never a database error."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import StringConstraints

# A database id: positive, and within a 32-bit key so no database refuses the lookup.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
# Text without control characters (PostgreSQL refuses NUL), of bounded length.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)]
LongText = Annotated[str, StringConstraints(max_length=100_000, pattern=NO_CONTROL)]

# A page of a list: at most 100 rows, from an offset.
Limit = Annotated[int, Field(ge=1, le=100)]
Offset = Annotated[int, Field(ge=0, le=1_000_000_000)]

T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Address(Schema):
    line1: str
    line2: str
    city: str
    state: str
    zip: str


class PatientOut(Schema):
    id: int
    chart_number: str
    first_name: str
    last_name: str
    preferred_name: str
    birth_date: dt.date
    sex: str
    phone: str
    email: str
    address: Address
    is_active: bool


class CoverageOut(Schema):
    id: int
    patient_id: int
    priority: str
    payer_name: str
    payer_id: str
    kind: str
    member_id: str
    group_number: str
    active_from: dt.date
    active_through: dt.date | None


class CaseOut(Schema):
    id: int
    patient_id: int
    discipline: str
    title: str
    onset_date: dt.date | None
    opened_on: dt.date
    closed_on: dt.date | None
    closure: str


class AppointmentOut(Schema):
    id: int
    patient_id: int
    staff_id: int
    location_id: int
    appointment_type_id: int | None
    room_id: int | None
    start: dt.datetime
    end: dt.datetime
    status: str
    cancel_reason: str


class BookAppointment(Schema):
    patient_id: Id
    staff_id: Id
    location_id: Id
    start: dt.datetime = Field(description="with its UTC offset, e.g. 2026-12-08T09:00:00-06:00")
    end: dt.datetime | None = None
    appointment_type_id: Id | None = None
    room_id: Id | None = None
    note: ShortText = ""


class CancelAppointment(Schema):
    reason: Literal["patient", "clinic", "late"]
    note: ShortText = ""


class BlockOut(Schema):
    code: str
    minutes: int | None
    assistant_minutes: int
    body_regions: list[str]
    laterality: str


class NoteOut(Schema):
    id: int
    patient_id: int
    case_id: int
    therapist_id: int
    location_id: int
    date_of_service: dt.date
    note_type: str
    status: str
    signed_at: dt.datetime | None
    assessment: str
    plan: str
    blocks: list[BlockOut]


class DraftNote(Schema):
    case_id: Id
    therapist_id: Id
    location_id: Id
    visit: dict[str, Any] = Field(
        description="one visit in the visit format, cleannote.visit/1 (docs/visit-format.md): "
        "its date of service and services become the draft's date and treatment blocks"
    )


class ClaimOut(Schema):
    id: int
    patient_id: int
    note_id: int
    date_of_service: dt.date
    payer_name: str
    payer_id: str
    status: str
    first_sent_on: dt.date | None
    payer_claim_number: str


class PaymentOut(Schema):
    id: int
    patient_id: int
    amount: str = Field(description="dollars to the cent, e.g. 25.00")
    method: str
    received_at: dt.datetime
    receipt_number: str


class MeasureOut(Schema):
    id: int
    patient_id: int
    case_id: int
    instrument: str
    measured_on: dt.date
    score: str = Field(description="the instrument's score, e.g. 42.50")


class RtmDayOut(Schema):
    day: dt.date
    source: str


class RtmImport(Schema):
    csv: LongText = Field(
        description="the monitoring app's days-of-data CSV (the format rules/rtm_csv.py reads)"
    )


class RtmImported(Schema):
    enrolment_id: int
    added: int


# --- writes of the chart (ADR 0915) ----------------------------------------------------------

Name = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=NO_CONTROL)]
SexCode = Literal["F", "M", "U"]
Reason = Annotated[
    str,
    Field(description="why the change is made, in a person's words (kept on the audit row)"),
    StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL),
]


class AddressIn(Schema):
    line1: ShortText = ""
    line2: ShortText = ""
    city: ShortText = ""
    state: ShortText = Field("", description="two letters, e.g. TX")
    zip: ShortText = ""


class AddressChange(Schema):
    line1: ShortText | None = None
    line2: ShortText | None = None
    city: ShortText | None = None
    state: ShortText | None = None
    zip: ShortText | None = None


class NewPatient(Schema):
    first_name: Name
    last_name: Name
    birth_date: dt.date
    sex: SexCode
    preferred_name: ShortText = ""
    phone: ShortText = ""
    email: ShortText = ""
    address: AddressIn | None = None


class PatientChange(Schema):
    """The demographics to change; fields left out stay as they are."""

    reason: Reason
    first_name: Name | None = None
    last_name: Name | None = None
    birth_date: dt.date | None = None
    sex: SexCode | None = None
    preferred_name: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    address: AddressChange | None = None


class NewCoverage(Schema):
    patient_id: Id
    priority: Literal["primary", "secondary", "tertiary"]
    payer_name: Name
    payer_id: ShortText = Field(description="the payer's claims id, e.g. 87726")
    kind: Literal[
        "medicare",
        "medicare_advantage",
        "medicaid",
        "commercial",
        "auto_pip",
        "auto_medpay",
        "auto_liability",
        "workers_comp",
        "self_pay",
    ]
    member_id: ShortText
    group_number: ShortText = ""
    active_from: dt.date
    active_through: dt.date | None = None
    reason: Reason


class EndCoverage(Schema):
    ended_on: dt.date = Field(description="its last day in force")
    reason: Reason
