"""The staff pages of a patient's whole record (ADR 0912): made from the chart's button, listed
and downloaded here. Who may: a role that reads notes and posts payments (the owner, billers),
since the archive holds both."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.fhir.models import RecordArchive
from cleannote.apps.fhir.whole_record import archive_path, do_make_whole_record
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Patient

may_release = staff_view(Capability.READ_NOTES, Capability.POST_PAYMENTS)


@may_release
@require_http_methods(["GET", "POST"])
def whole_record(request: HttpRequest, patient_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    patient = Patient.objects.filter(organisation=staff.organisation, pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient")
    if request.method == "POST":
        record = do_make_whole_record(actor_of(request), patient)
        messages.success(
            request,
            f"Whole record made: {record.contents.get('notes', 0)} notes, "
            f"{record.contents.get('statements', 0)} statements.",
        )
        return redirect("records:whole_record", patient_id=patient.pk)
    do_record_audit_event(
        actor_of(request), AuditAction.LIST, "whole_record", patient.pk, patient_id=patient.pk
    )
    archives = RecordArchive.objects.filter(organisation=staff.organisation, patient=patient)
    return render(
        request, "fhir/whole_record.html", {"patient": patient, "archives": archives[:20]}
    )


@may_release
@require_http_methods(["GET"])
def download(request: HttpRequest, key: str) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    record = RecordArchive.objects.filter(organisation=staff.organisation, key=key).first()
    if record is None or not archive_path(record).is_file():
        raise Http404("no such archive")
    do_record_audit_event(
        actor_of(request),
        AuditAction.EXPORT,
        "whole_record",
        record.key,
        patient_id=record.patient_id,
    )
    response = HttpResponse(archive_path(record).read_bytes(), content_type="application/zip")
    name = f"record-{record.patient.chart_number}-{record.made_at:%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
