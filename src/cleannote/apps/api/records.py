"""Patients, coverages, cases, outcome-measure results and RTM days of data (ADR 0901).

Coverages carry member ids and payers: the billing scope. Reads go through the patients app's
selectors; the RTM import through `rtm_actions.do_import_rtm_csv`, acting for the enrolment's
supervising clinician.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from cleannote.apps.api.auth import BILLING, READ, WRITE, access_of
from cleannote.apps.api.errors import COMMON_ERRORS, WRITE_ERRORS, ApiError
from cleannote.apps.api.reading import audit_view, list_for_patient, one, read_one
from cleannote.apps.api.schemas import (
    Address,
    CaseOut,
    CoverageOut,
    Id,
    Limit,
    MeasureOut,
    Offset,
    Page,
    PatientOut,
    RtmDayOut,
    RtmImport,
    RtmImported,
)
from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.models import (
    Case,
    Coverage,
    OutcomeMeasureResult,
    Patient,
    RtmEnrolment,
)
from cleannote.apps.patients.rtm_actions import RtmImportRefused, do_import_rtm_csv
from cleannote.apps.patients.selectors import cases_of, patients_of

router = Router(tags=["record"])


def patient_out(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "chart_number": patient.chart_number,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "preferred_name": patient.preferred_name,
        "birth_date": patient.birth_date,
        "sex": patient.sex,
        "phone": patient.phone,
        "email": patient.email,
        "address": Address(
            line1=patient.address_line1,
            line2=patient.address_line2,
            city=patient.city,
            state=patient.state,
            zip=patient.zip,
        ),
        "is_active": patient.is_active,
    }


def coverage_out(coverage: Coverage) -> dict[str, Any]:
    fields = ("priority", "payer_name", "payer_id", "kind", "member_id", "group_number")
    return {
        "id": coverage.pk,
        "patient_id": coverage.patient_id,
        **{name: getattr(coverage, name) for name in fields},
        "active_from": coverage.active_from,
        "active_through": coverage.active_through,
    }


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "patient_id": case.patient_id,
        "discipline": case.discipline,
        "title": case.title,
        "onset_date": case.onset_date,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "closure": case.closure,
    }


def measure_out(result: OutcomeMeasureResult) -> dict[str, Any]:
    return {
        "id": result.pk,
        "patient_id": result.case.patient_id,
        "case_id": result.case_id,
        "instrument": result.instrument,
        "measured_on": result.measured_on,
        "score": f"{result.score:.2f}",
    }


def _own_id(patient: Patient) -> int:
    return int(patient.pk)


def _case_patient_id(result: OutcomeMeasureResult) -> int:
    return int(result.case.patient_id)


@router.get("/patients", response={200: Page[PatientOut], **COMMON_ERRORS}, auth=READ)
def list_patients(
    request: HttpRequest, limit: Limit = 50, offset: Offset = 0
) -> Status[dict[str, Any]]:
    access = access_of(request)
    rows = patients_of(access.organisation)
    return list_for_patient(
        access, rows, "patient", patient_out, limit=limit, offset=offset, patient_of=_own_id
    )


@router.get("/patients/{patient_id}", response={200: PatientOut, **COMMON_ERRORS}, auth=READ)
def read_patient(request: HttpRequest, patient_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    rows = patients_of(access.organisation)
    return read_one(access, rows, patient_id, "patient", patient_out, patient_of=_own_id)


def _coverages(access_org: Any) -> Any:
    return Coverage.objects.filter(patient__in=patients_of(access_org))


@router.get("/coverages", response={200: Page[CoverageOut], **COMMON_ERRORS}, auth=BILLING)
def list_coverages(
    request: HttpRequest,
    patient_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    access = access_of(request)
    return list_for_patient(
        access,
        _coverages(access.organisation),
        "coverage",
        coverage_out,
        limit=limit,
        offset=offset,
        patient_id=patient_id,
    )


@router.get("/coverages/{coverage_id}", response={200: CoverageOut, **COMMON_ERRORS}, auth=BILLING)
def read_coverage(request: HttpRequest, coverage_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    return read_one(access, _coverages(access.organisation), coverage_id, "coverage", coverage_out)


@router.get("/cases", response={200: Page[CaseOut], **COMMON_ERRORS}, auth=READ)
def list_cases(
    request: HttpRequest,
    patient_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    access = access_of(request)
    return list_for_patient(
        access,
        cases_of(access.organisation),
        "case",
        case_out,
        limit=limit,
        offset=offset,
        patient_id=patient_id,
    )


@router.get("/cases/{case_id}", response={200: CaseOut, **COMMON_ERRORS}, auth=READ)
def read_case(request: HttpRequest, case_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    return read_one(access, cases_of(access.organisation), case_id, "case", case_out)


@router.get("/outcome-measures", response={200: Page[MeasureOut], **COMMON_ERRORS}, auth=READ)
def list_measures(
    request: HttpRequest,
    case_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    """Outcome-measure results in force (a removed one is left out), oldest id first."""
    access = access_of(request)
    rows = OutcomeMeasureResult.objects.filter(
        case__in=cases_of(access.organisation)
    ).select_related("case")
    return list_for_patient(
        access,
        rows,
        "outcome_measure",
        measure_out,
        limit=limit,
        offset=offset,
        patient_of=_case_patient_id,
        case_id=case_id,
    )


def _enrolment(access_org: Any, enrolment_id: int) -> RtmEnrolment:
    rows = RtmEnrolment.objects.filter(case__in=cases_of(access_org)).select_related(
        "case__patient", "supervising__user"
    )
    return one(rows, enrolment_id, "RTM enrolment")


@router.get(
    "/rtm/enrolments/{enrolment_id}/days",
    response={200: list[RtmDayOut], **COMMON_ERRORS},
    auth=READ,
)
def list_rtm_days(request: HttpRequest, enrolment_id: Id) -> Status[list[dict[str, Any]]]:
    """The days the enrolment's device or app recorded data, in order."""
    access = access_of(request)
    enrolment = _enrolment(access.organisation, enrolment_id)
    days = [{"day": row.day, "source": row.source} for row in enrolment.data_days.order_by("day")]
    audit_view(access, "rtm-data", enrolment.pk, enrolment.case.patient_id)
    return Status(200, days)


@router.post(
    "/rtm/enrolments/{enrolment_id}/days",
    response={200: RtmImported, **WRITE_ERRORS},
    auth=WRITE,
)
def import_rtm_days(
    request: HttpRequest, enrolment_id: Id, payload: RtmImport
) -> Status[dict[str, Any]]:
    """Import the monitoring app's days-of-data CSV: all rows or, when any is bad, none (422
    naming the first bad line). Days already recorded are skipped, so sending a file twice adds
    nothing. The import acts for the enrolment's supervising clinician."""
    access = access_of(request)
    enrolment = _enrolment(access.organisation, enrolment_id)
    actor = Actor(
        user=enrolment.supervising.user,
        organisation=access.organisation,
        ip_address=access.actor.ip_address,
        via=access.actor.via,
    )
    today = timezone.localdate()
    try:
        added = do_import_rtm_csv(actor, enrolment, payload.csv, today=today)
    except RtmImportRefused as refused:
        first = refused.problems[0]
        raise ApiError(422, "rtm_csv_invalid", f"{refused}: {first}", "csv") from None
    except ValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages), "csv") from None
    return Status(200, {"enrolment_id": enrolment.pk, "added": added})
