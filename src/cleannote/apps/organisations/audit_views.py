"""The owner's audit page: recent events and the last verification of the chain.

The page belongs to the organisation's owner (it needs `staff_view`); the chain it reads is
`apps.audit`'s, the lowest app (ADR 0401). Verifying a chain of millions of events takes tens
of seconds, so the page never does it: it shows the last verification's result and queues a
new one (ADR 0830)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_request_verification
from cleannote.apps.audit.chain import ANCHOR_KIND, key_fingerprint
from cleannote.apps.audit.models import chain_head_of
from cleannote.apps.audit.selectors import audit_events_of, events_about_patient
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
    # Newest written first: an event not yet linked into the chain has no sequence yet.
    page = Paginator(events.order_by("-pk").prefetch_related("shown_patients"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "head": chain_head_of(organisation).first(),
            "anchor_kind": ANCHOR_KIND,
            "key_source": settings.CLEANNOTE_AUDIT_KEY_SOURCE,
            "key_fingerprint": key_fingerprint(settings.CLEANNOTE_AUDIT_KEY),
            "patient": patient,
        },
    )


@staff_view(Capability.REVIEW_AUDIT)
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Queue a verification: the new events since the last one, or the whole chain."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    full = request.POST.get("scope") == "full"
    if not do_request_verification(organisation, full=full):
        messages.info(request, "Verification queued: this page shows its result when it is done.")
    return redirect("audit:log")
