"""Writing the chart through the API (ADR 0915): register a patient, change demographics, add
a coverage, end one. Each goes through the patients app's own actions, so the API keeps the
rules the chart pages keep (a reason on every change, no two primary coverages in force on one
day) and writes the same audit rows; a refusal is the one error shape naming the field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Status

from cleannote.apps.api.auth import WRITE, access_of
from cleannote.apps.api.errors import WRITE_ERRORS, ApiError
from cleannote.apps.api.reading import one
from cleannote.apps.api.records import coverage_out, patient_out, router
from cleannote.apps.api.schemas import (
    CoverageOut,
    EndCoverage,
    Id,
    NewCoverage,
    NewPatient,
    PatientChange,
    PatientOut,
)
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.chart_actions import (
    ChartChangeRefused,
    do_add_coverage_to_chart,
    do_end_coverage,
    do_update_patient,
)
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.patients.selectors import patients_of

# The operations join the records router: one router per path, so GET and POST /patients are
# one path's two methods.

# The API's address fields as the model's columns, and the columns as the API's field paths.
_ADDRESS = {
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "city",
    "state": "state",
    "zip": "zip",
}
_FIELD_PATHS = {column: f"address.{key}" for key, column in _ADDRESS.items()}


def _columns(body: dict[str, Any]) -> dict[str, Any]:
    """The request's fields as the model's columns: the nested address flattened."""
    address = body.pop("address", None) or {}
    columns = {key: value for key, value in body.items() if value is not None}
    columns.update({_ADDRESS[key]: value for key, value in address.items() if value is not None})
    return columns


def _invalid(error: ValidationError) -> ApiError:
    """A model's refusal as 422 naming the first field it names (never the value sent)."""
    if hasattr(error, "error_dict"):
        column, problems = next(iter(error.message_dict.items()))
        field = None if column == "__all__" else _FIELD_PATHS.get(column, column)
        return ApiError(422, "invalid", "; ".join(problems), field)
    return ApiError(422, "invalid", "; ".join(error.messages))


def _refused(error: ChartChangeRefused) -> ApiError:
    """A clash with the chart as it stands (another coverage holds the place) is 409; a value
    the chart cannot take is 422."""
    if error.field == "priority":
        return ApiError(409, "coverage_overlap", error.message, "priority")
    return ApiError(
        422, "chart_change_refused", error.message, _FIELD_PATHS.get(error.field, error.field)
    )


@router.post("/patients", response={201: PatientOut, **WRITE_ERRORS}, auth=WRITE)
def register_patient(request: HttpRequest, payload: NewPatient) -> Status[dict[str, Any]]:
    """Register a patient (a chart number is given); no coverage or case yet."""
    access = access_of(request)
    patient = Patient(**_columns(payload.model_dump()))
    try:
        patient = do_register_patient(access.actor, patient=patient)
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, patient_out(patient))


@router.patch("/patients/{patient_id}", response={200: PatientOut, **WRITE_ERRORS}, auth=WRITE)
def change_patient(
    request: HttpRequest, patient_id: Id, payload: PatientChange
) -> Status[dict[str, Any]]:
    """Change demographics and contact details with a reason; each changed field is its own
    audit row carrying the reason, never the values."""
    access = access_of(request)
    patient = one(patients_of(access.organisation), patient_id, "patient")
    changes = _columns(payload.model_dump(exclude_unset=True))
    reason = changes.pop("reason")
    try:
        do_update_patient(access.actor, patient, reason=reason, **changes)
    except ChartChangeRefused as error:
        raise _refused(error) from None
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(200, patient_out(patient))


def _coverages(access_org: Any) -> Any:
    return Coverage.objects.filter(patient__in=patients_of(access_org))


@router.post("/coverages", response={201: CoverageOut, **WRITE_ERRORS}, auth=WRITE)
def add_coverage(request: HttpRequest, payload: NewCoverage) -> Status[dict[str, Any]]:
    """Add a coverage to a chart: the payer is found in (or added to) the organisation's
    directory by its claims id; a place in the order another coverage holds on these dates
    is 409 (end that one first)."""
    access = access_of(request)
    patient = patients_of(access.organisation).filter(pk=payload.patient_id).first()
    if patient is None:
        raise ApiError(
            422, "unknown_reference", "no such patient in this organisation", "patient_id"
        )
    fields = payload.model_dump(exclude={"patient_id", "reason"})
    try:
        coverage = do_add_coverage_to_chart(
            access.actor, patient, Coverage(**fields), reason=payload.reason
        )
    except ChartChangeRefused as error:
        raise _refused(error) from None
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, coverage_out(coverage))


@router.post(
    "/coverages/{coverage_id}/end", response={200: CoverageOut, **WRITE_ERRORS}, auth=WRITE
)
def end_coverage(
    request: HttpRequest, coverage_id: Id, payload: EndCoverage
) -> Status[dict[str, Any]]:
    """End a coverage on its last day in force; visits after it bill the next in the order."""
    access = access_of(request)
    coverage = one(_coverages(access.organisation), coverage_id, "coverage")
    try:
        coverage = do_end_coverage(
            access.actor, coverage, ended_on=payload.ended_on, reason=payload.reason
        )
    except ChartChangeRefused as error:
        raise _refused(error) from None
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(200, coverage_out(coverage))
