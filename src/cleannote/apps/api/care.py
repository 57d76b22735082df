"""Appointments (list, read, book, cancel through the scheduling actions) and notes (list,
read, a draft made from one visit in the visit format; ADR 0901).

A note is its treating clinician's: the draft is written by the notes actions acting for the
clinician the call names (audit rows name the token), and only that clinician signs it, on the
note page. Its blocks come from the visit's services: code, minutes (or the start/stop span),
assistant minutes, body regions, side and justification.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Status

from cleannote.apps.api.auth import READ, WRITE, access_of
from cleannote.apps.api.errors import COMMON_ERRORS, WRITE_ERRORS, ApiError
from cleannote.apps.api.reading import list_for_patient, one, read_one
from cleannote.apps.api.schemas import (
    AppointmentOut,
    BookAppointment,
    CancelAppointment,
    DraftNote,
    Id,
    Limit,
    NoteOut,
    Offset,
    Page,
)
from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.notes.errors import NoteStateError
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.selectors import notes_of
from cleannote.apps.organisations.api_tokens import TokenAccess
from cleannote.apps.organisations.models import Location, Room, Staff
from cleannote.apps.patients.selectors import cases_of, patients_of
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import Appointment, AppointmentType
from cleannote.rules.visit_format import VisitFormatError, parse_visit

router = Router(tags=["care"])

# A refusal that is about the calendar as it stands (a clash, a state) is 409; one about a
# value sent is 422.
_CLASHES = frozenset(
    {
        SchedulingErrorCode.CLINICIAN_BOOKED,
        SchedulingErrorCode.ROOM_BOOKED,
        SchedulingErrorCode.STATUS,
        SchedulingErrorCode.SLOT_HELD,
        SchedulingErrorCode.OUTSIDE_HOURS,
        SchedulingErrorCode.IN_BREAK,
        SchedulingErrorCode.TIME_OFF,
    }
)


def appointment_out(row: Appointment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "patient_id": row.patient_id,
        "staff_id": row.staff_id,
        "location_id": row.location_id,
        "appointment_type_id": row.appointment_type_id,
        "room_id": row.room_id,
        "start": row.start,
        "end": row.end,
        "status": row.status,
        "cancel_reason": row.cancel_reason,
    }


def note_out(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "patient_id": note.patient_id,
        "case_id": note.case_id,
        "therapist_id": note.therapist_id,
        "location_id": note.location_id,
        "date_of_service": note.date_of_service,
        "note_type": note.note_type,
        "status": note.status,
        "signed_at": note.signed_at,
        "assessment": note.assessment,
        "plan": note.plan,
        "blocks": [
            {
                "code": block.code,
                "minutes": block.minutes,
                "assistant_minutes": block.assistant_minutes,
                "body_regions": list(block.body_regions or []),
                "laterality": block.laterality,
            }
            for block in note.blocks.all()
        ],
    }


def _appointments(access: TokenAccess) -> Any:
    return Appointment.objects.filter(organisation=access.organisation)


def _scheduling_error(error: SchedulingError, field: str | None = None) -> ApiError:
    status = 409 if error.code in _CLASHES else 422
    return ApiError(status, f"scheduling_{error.code}", str(error), field)


def _own(rows: Any, pk: int | None, field: str) -> Any:
    """The organisation's row a body field names, else 422 on that field."""
    if pk is None:
        return None
    row = rows.filter(pk=pk).first()
    if row is None:
        message = f"no such record in this organisation: {pk}"
        raise ApiError(422, "unknown_reference", message, field)
    return row


@router.get("/appointments", response={200: Page[AppointmentOut], **COMMON_ERRORS}, auth=READ)
def list_appointments(
    request: HttpRequest,
    patient_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    access = access_of(request)
    return list_for_patient(
        access,
        _appointments(access),
        "appointment",
        appointment_out,
        limit=limit,
        offset=offset,
        patient_id=patient_id,
    )


@router.get(
    "/appointments/{appointment_id}", response={200: AppointmentOut, **COMMON_ERRORS}, auth=READ
)
def read_appointment(request: HttpRequest, appointment_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    return read_one(access, _appointments(access), appointment_id, "appointment", appointment_out)


@router.post("/appointments", response={201: AppointmentOut, **WRITE_ERRORS}, auth=WRITE)
def book_appointment(request: HttpRequest, payload: BookAppointment) -> Status[dict[str, Any]]:
    """Book through the calendar's own action: no double booking (409), hours and time off
    refused (409; the API never confirms past them), a naive time refused (422)."""
    access = access_of(request)
    organisation = access.organisation
    patient = _own(patients_of(organisation), payload.patient_id, "patient_id")
    staff = _own(Staff.objects.filter(organisation=organisation), payload.staff_id, "staff_id")
    location = _own(
        Location.objects.filter(organisation=organisation), payload.location_id, "location_id"
    )
    kind = _own(
        AppointmentType.objects.filter(organisation=organisation),
        payload.appointment_type_id,
        "appointment_type_id",
    )
    room = _own(Room.objects.filter(organisation=organisation), payload.room_id, "room_id")
    try:
        row = do_book_appointment(
            access.actor,
            patient=patient,
            staff=staff,
            location=location,
            start=payload.start,
            end=payload.end,
            appointment_type=kind,
            room=room,
            note=payload.note,
        )
    except SchedulingError as error:
        raise _scheduling_error(error) from None
    except ValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages)) from None
    return Status(201, appointment_out(row))


@router.post(
    "/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=WRITE,
)
def cancel_appointment(
    request: HttpRequest, appointment_id: Id, payload: CancelAppointment
) -> Status[dict[str, Any]]:
    """Cancel with a reason (patient, clinic, late); one already cancelled or seen is 409."""
    access = access_of(request)
    row = one(_appointments(access), appointment_id, "appointment")
    try:
        row = do_cancel_appointment(
            access.actor, appointment=row, reason=payload.reason, note=payload.note
        )
    except SchedulingError as error:
        field = "reason" if error.code == SchedulingErrorCode.CANCEL_REASON else None
        raise _scheduling_error(error, field) from None
    return Status(200, appointment_out(row))


@router.get("/notes", response={200: Page[NoteOut], **COMMON_ERRORS}, auth=READ)
def list_notes(
    request: HttpRequest,
    patient_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    access = access_of(request)
    rows = notes_of(access.organisation).prefetch_related("blocks")
    return list_for_patient(
        access, rows, "note", note_out, limit=limit, offset=offset, patient_id=patient_id
    )


@router.get("/notes/{note_id}", response={200: NoteOut, **COMMON_ERRORS}, auth=READ)
def read_note(request: HttpRequest, note_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    rows = notes_of(access.organisation).prefetch_related("blocks")
    return read_one(access, rows, note_id, "note", note_out)


@router.post("/notes", response={201: NoteOut, **WRITE_ERRORS}, auth=WRITE)
def draft_note(request: HttpRequest, payload: DraftNote) -> Status[dict[str, Any]]:
    """A draft note for a case from one visit in the visit format: its date of service and its
    services as treatment blocks. The visit is read by the same strict reader as `cleannote
    scrub` (a bad field is 422 naming `visit.<path>`); the draft is the named clinician's to
    finish and sign."""
    access = access_of(request)
    organisation = access.organisation
    case = _own(cases_of(organisation), payload.case_id, "case_id")
    therapist = _own(
        Staff.objects.filter(organisation=organisation).select_related("user"),
        payload.therapist_id,
        "therapist_id",
    )
    location = _own(
        Location.objects.filter(organisation=organisation), payload.location_id, "location_id"
    )
    try:
        visit = parse_visit(payload.visit, source="request body")
    except VisitFormatError as error:
        field = f"visit.{error.field}" if error.field else "visit"
        raise ApiError(422, f"visit_{error.code}", error.problem, field) from None
    actor = Actor(
        user=therapist.user,
        organisation=organisation,
        ip_address=access.actor.ip_address,
        via=access.actor.via,
    )
    try:
        with transaction.atomic():
            note = do_start_note(
                actor,
                case=case,
                therapist=therapist,
                location=location,
                date_of_service=visit.date_of_service,
                carry_forward=False,
            )
            for index, service in enumerate(visit.services):
                try:
                    do_add_treatment_block(
                        actor,
                        note,
                        code=service.code,
                        minutes=service.documented_minutes,
                        assistant_minutes=service.assistant_minutes,
                        body_regions=list(service.body_regions),
                        laterality=service.laterality or "",
                        justification=service.justification or "",
                    )
                except ValidationError as error:
                    raise ApiError(
                        422, "invalid", "; ".join(error.messages), f"visit.services[{index}]"
                    ) from None
    except NoteStateError as error:
        raise ApiError(422, "note_refused", str(error)) from None
    except ValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages), "visit") from None
    created = notes_of(organisation).prefetch_related("blocks").get(pk=note.pk)
    return Status(201, note_out(created))
