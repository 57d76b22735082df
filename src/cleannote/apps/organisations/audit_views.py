"""The owner's audit page: recent events and a check of the whole chain.

The page belongs to the organisation's owner (it needs `staff_view`); the chain it reads is
`apps.audit`'s, the lowest app (ADR 0401)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cleannote.apps.audit.selectors import audit_events_of, check_chain, events_about_patient
from cleannote.apps.organisations.access import staff_view
from cleannote.apps.organisations.roles import Capability

PAGE_SIZE = 100


@staff_view(Capability.REVIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    events = audit_events_of(organisation)
    patient = request.GET.get("patient", "").strip()
    if patient.isascii() and patient.isdigit() and len(patient) <= 18:
        # Its chart, and the lists and searches that showed its name.
        events = events_about_patient(organisation, int(patient))
    page = Paginator(
        events.order_by("-sequence").prefetch_related("shown_patients"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    verified = "verify" in request.GET
    check = check_chain(organisation) if verified else None
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "verified": verified,
            "check": check,
            "chain_break": check.chain_break if check else None,
            "patient": patient,
        },
    )
