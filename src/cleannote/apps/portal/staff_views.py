"""The chart's portal page for staff (ADR 0950): who has portal access to this patient, an
invitation by a channel the patient agreed to, and ending an access. Viewing it is audited like
any read of the chart."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Patient
from cleannote.apps.patients.selectors import consented_address, patients_of
from cleannote.apps.portal.actions import ACCESS, do_invite_to_portal, do_revoke_portal_access
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.models import PortalAccess, PortalChannel, Relationship


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    patient = patients_of(request.staff.organisation).filter(pk=patient_id).first()  # type: ignore[attr-defined]
    if patient is None:
        raise Http404("no such patient")
    return patient


@staff_view(Capability.EDIT_CHART)
@require_http_methods(["GET", "POST"])
def portal_access(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    actor = actor_of(request)
    problem, sent = "", ""
    if request.method == "POST":
        channel = request.POST.get("channel", "")
        try:
            do_invite_to_portal(
                actor,
                patient,
                channel=channel,
                relationship=request.POST.get("relationship", Relationship.SELF),
            )
        except PortalRefused as refused:
            problem = f"{refused.field}: {refused.problem}"
        else:
            sent = PortalChannel(channel).label.lower()
    else:
        do_record_audit_event(actor, AuditAction.VIEW, ACCESS, patient.pk, patient_id=patient.pk)
    channels = [
        (channel, label)
        for channel, label in PortalChannel.choices
        if consented_address(patient.pk, channel)
    ]
    accesses = (
        PortalAccess.objects.filter(patient=patient, revoked_at__isnull=True)
        .select_related("account")
        .order_by("id")
    )
    return render(
        request,
        "portal/staff_access.html",
        {
            "patient": patient,
            "channels": channels,
            "relationships": Relationship.choices,
            "accesses": accesses,
            "problem": problem,
            "sent": sent,
        },
        status=400 if problem else 200,
    )


@staff_view(Capability.EDIT_CHART)
@require_POST
def revoke_access(request: HttpRequest, patient_id: int, access_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    access = PortalAccess.objects.filter(pk=access_id, patient=patient).first()
    if access is None:
        raise Http404("no such portal access")
    do_revoke_portal_access(actor_of(request), access)
    return redirect("portal_staff:access", patient_id=patient.pk)
