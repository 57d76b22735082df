"""The owner's audit page: recent events and the last verification of the chain.

The page belongs to the organisation's owner (it needs `staff_view`); the chain it reads is
`apps.audit`'s, the lowest app (ADR 0401). Verifying a chain of millions of events takes tens
of seconds, so the page never does it: it shows the last verification's result and queues a
new one (ADR 0830)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_request_verification
from cleannote.apps.audit.chain import ANCHOR_KIND, key_fingerprint
from cleannote.apps.audit.models import chain_head_of
from cleannote.apps.audit.selectors import audit_page
from cleannote.apps.organisations.access import staff_view
from cleannote.apps.organisations.roles import Capability

PAGE_SIZE = 100


def _event_id(raw: str | None) -> int | None:
    """A keyset bound from the address: an event id, or None when absent or not a number."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@staff_view(Capability.REVIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Newest written first, PAGE_SIZE at a time: "Older" reads the events before the page's
    last id, "Newer" those after its first (keyset paging, ADR 0836); no page counts the whole
    log, which grows by millions of rows."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    raw_patient = request.GET.get("patient", "").strip()
    patient = _event_id(raw_patient)
    before, after = _event_id(request.GET.get("before")), _event_id(request.GET.get("after"))
    page = audit_page(organisation, PAGE_SIZE, patient_id=patient, before=before, after=after)
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "head": chain_head_of(organisation).first(),
            "anchor_kind": ANCHOR_KIND,
            "key_source": settings.CLEANNOTE_AUDIT_KEY_SOURCE,
            "key_fingerprint": key_fingerprint(settings.CLEANNOTE_AUDIT_KEY),
            "patient": raw_patient,
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
