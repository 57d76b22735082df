"""The owner's audit page: recent events and a check of the whole chain."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cleannote.apps.audit.selectors import audit_events_of, verify_chain
from cleannote.apps.organisations.access import staff_view
from cleannote.apps.organisations.roles import Capability

PAGE_SIZE = 100


@staff_view(Capability.REVIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    events = audit_events_of(organisation).order_by("-sequence")
    patient = request.GET.get("patient", "").strip()
    if patient.isdigit():
        events = events.filter(patient_id=int(patient))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    verified = "verify" in request.GET
    chain_break = verify_chain(organisation) if verified else None
    return render(
        request,
        "audit/log.html",
        {"page": page, "verified": verified, "chain_break": chain_break, "patient": patient},
    )
