"""The Bulk Data endpoints (ADR 0911): kick-off, status, files.

Kick-off (`GET /fhir/r4/$export`, `GET /fhir/r4/Patient/<id>/$export`) answers 202 with
`Content-Location` naming the status URL; the status URL answers 202 while the task runs and
200 with the manifest when it is done (with `Expires`: when its files are removed); each file
is served only to a token of the organisation that asked, and each download is an audit row.
`DELETE` on the status URL cancels a running export or deletes a finished one's files (202);
the status URL is then 404 (ADR 0913).
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.fhir.bulk_export import (
    ExportRequestError,
    do_end_export,
    do_start_export,
    file_path,
    requested_types,
)
from cleannote.apps.fhir.models import ExportJob, ExportStatus
from cleannote.apps.fhir.views import authorised, fhir_response, outcome
from cleannote.apps.organisations.api_tokens import TokenAccess
from cleannote.apps.patients.models import Patient

NDJSON = "application/fhir+ndjson"
# Parameters of the Bulk Data kick-off this server does not act on are refused, not ignored.
UNSUPPORTED = ("_since", "_typeFilter", "_elements", "includeAssociatedData", "patient")


def _kick_off(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    grant = authorised(request)
    if isinstance(grant, HttpResponse):
        return grant
    for name in request.GET:
        if name in UNSUPPORTED:
            return outcome(400, "not-supported", f"{name} is not supported by this server", name)
    output_format = request.GET.get("_outputFormat", NDJSON)
    if output_format not in (NDJSON, "application/ndjson", "ndjson"):
        return outcome(400, "not-supported", "only NDJSON is written", "_outputFormat")
    try:
        types = requested_types(request.GET.getlist("_type"), patient)
    except ExportRequestError as error:
        return outcome(400, "invalid", str(error), error.parameter)
    job = do_start_export(
        grant.actor,
        patient=patient,
        types=types,
        request_url=request.build_absolute_uri(),
    )
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:export_status", args=[job.key])
    )
    return response


@require_GET
def export_organisation(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, None)


@require_GET
def export_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    grant = authorised(request)
    if isinstance(grant, HttpResponse):
        return grant
    patient = Patient.objects.filter(organisation=grant.organisation, pk=patient_id).first()
    if patient is None:
        return outcome(404, "not-found", f"Patient/{patient_id} is not found")
    return _kick_off(request, patient)


def _job_for(request: HttpRequest, key: str) -> tuple[TokenAccess, ExportJob] | HttpResponse:
    grant = authorised(request)
    if isinstance(grant, HttpResponse):
        return grant
    job = ExportJob.objects.filter(key=key, organisation=grant.organisation).first()
    if job is None:
        return outcome(404, "not-found", "no such export for this organisation")
    if job.status in _ENDED or _expired(job):
        return outcome(404, "not-found", "this export was cancelled, deleted or has expired")
    return grant, job


# An export the client ended or whose files expired: its status URL is gone.
_ENDED = (ExportStatus.CANCELLED, ExportStatus.DELETED, ExportStatus.EXPIRED)


def _expired(job: ExportJob) -> bool:
    """Past its expiry, even before the nightly sweep removed the files."""
    return job.expires_at is not None and job.expires_at <= timezone.now()


# A token-authenticated call carries no cookie, so the CSRF check (a browser's) does not apply.
@csrf_exempt
@require_http_methods(["GET", "DELETE"])
def export_status(request: HttpRequest, key: str) -> HttpResponse:
    found = _job_for(request, key)
    if isinstance(found, HttpResponse):
        return found
    grant, job = found
    if request.method == "DELETE":
        do_end_export(grant.actor, job)
        return HttpResponse(status=202)
    if job.status == ExportStatus.IN_PROGRESS:
        response = HttpResponse(status=202)
        response["X-Progress"] = "in progress"
        response["Retry-After"] = "5"
        return response
    if job.status == ExportStatus.FAILED:
        return outcome(500, "exception", job.error or "the export failed")
    manifest = {
        "transactionTime": job.requested_at.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": entry["type"],
                "url": request.build_absolute_uri(
                    reverse("fhir:export_file", args=[job.key, entry["type"]])
                ),
                "count": entry["count"],
            }
            for entry in job.output
        ],
        "error": [],
    }
    if job.expires_at is not None:
        manifest["extension"] = {"expires": job.expires_at.isoformat()}
    response = fhir_response(manifest)
    response["Content-Type"] = "application/json"
    if job.expires_at is not None:
        response["Expires"] = http_date(job.expires_at.timestamp())
    return response


@require_GET
def export_file(request: HttpRequest, key: str, resource_type: str) -> HttpResponse | FileResponse:
    found = _job_for(request, key)
    if isinstance(found, HttpResponse):
        return found
    grant, job = found
    if job.status != ExportStatus.COMPLETE or resource_type not in job.types:
        return outcome(404, "not-found", f"no {resource_type} file in this export")
    path = file_path(job, resource_type)
    if not path.is_file():
        return outcome(404, "not-found", f"the {resource_type} file is no longer kept")
    do_record_audit_event(
        grant.actor,
        AuditAction.EXPORT,
        "fhir.export_file",
        f"{job.key}/{resource_type}",
        patient_id=job.patient_id,
    )
    return FileResponse(path.open("rb"), content_type=NDJSON)
