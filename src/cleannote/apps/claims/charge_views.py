"""The charge queue (`/claims/unbilled/`), its refused list (`/claims/refused/`) and the bulk
"Create claims" (ADR 0710).

The queue lists signed notes not yet billed, filtered by date range, location, clinician and
payer; the biller ticks rows (or "every note matching the filter") and creates their claims in
one post. Refused notes move to the refused list with each finding and the chart screen that
fixes it; once fixed, "Create claims" there again empties the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims import selectors
from cleannote.apps.claims.access import biller_view
from cleannote.apps.claims.charges import BULK_LIMIT, do_create_claims_from_notes
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.organisations.access import actor_of
from cleannote.apps.organisations.selectors import staff_of
from cleannote.platform.request_params import (
    BadRequestParameter,
    param_choice,
    param_date,
    param_id,
    param_text,
)

SORT_CHOICES = [*selectors.CHARGE_SORTS, *(f"-{k}" for k in selectors.CHARGE_SORTS)]


def sort_links(params: QueryDict, current: str, keys: Iterable[str]) -> dict[str, str]:
    """For each sortable column, the query string that sorts by it (again: the other way)."""
    links = {}
    for key in keys:
        query = params.copy()
        query["sort"] = f"-{key}" if current == key else key
        links[key] = "?" + query.urlencode()
    return links


def _filters(params: Mapping[str, Any]) -> selectors.ChargeFilter:
    return selectors.ChargeFilter(
        date_from=param_date(params, "from"),
        date_to=param_date(params, "to"),
        location_id=param_id(params, "location"),
        clinician_id=param_id(params, "clinician"),
        payer_id=param_text(params, "payer", max_length=80),
        sort=param_choice(params, "sort", SORT_CHOICES) or "date",
    )


@biller_view
def unbilled(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    filters = _filters(request.GET)
    rows = selectors.unbilled_notes(organisation, filters)
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "charge_queue",
        "unbilled",
        shown_patient_ids=sorted({r.note.patient_id for r in rows}),
    )
    return render(
        request,
        "claims/unbilled.html",
        {
            "rows": rows,
            "filters": filters,
            "sort_links": sort_links(request.GET, filters.sort, selectors.CHARGE_SORTS),
            "locations": organisation.locations.all(),
            "clinicians": staff_of(organisation).select_related("user"),
            "payers": selectors.payers_covered(organisation),
            "sorts": selectors.CHARGE_SORTS,
            "refused_count": selectors.refused_notes(organisation).count(),
        },
    )


@biller_view
def refused(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    refusals = list(selectors.refused_notes(organisation))
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "charge_queue",
        "refused",
        shown_patient_ids=sorted({r.note.patient_id for r in refusals}),
    )
    return render(request, "claims/refused.html", {"refusals": refusals})


def _selected_note_ids(request: HttpRequest) -> list[int]:
    """The ticked notes, or with `all=1` every note the posted filter matches."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    if request.POST.get("all") == "1":
        rows = selectors.unbilled_notes(organisation, _filters(request.POST))
        return [r.note.pk for r in rows]
    ids = []
    for raw in request.POST.getlist("note"):
        note_id = param_id({"note": raw}, "note")
        if note_id is not None:
            ids.append(note_id)
    return ids


@require_POST
@biller_view
def create_claims(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("back") == "refused"
    target = reverse("claims:refused" if back else "claims:unbilled")
    try:
        note_ids = _selected_note_ids(request)
    except BadRequestParameter as exc:
        messages.error(request, f"No claims created: {exc}.")
        return redirect(target)
    if not note_ids:
        messages.error(request, "No claims created: tick at least one note.")
        return redirect(target)
    if len(note_ids) > BULK_LIMIT:
        messages.error(request, f"No claims created: at most {BULK_LIMIT} notes at once.")
        return redirect(target)
    try:
        outcome = do_create_claims_from_notes(actor_of(request), note_ids)
    except ClaimError as exc:
        messages.error(request, f"No claims created: {exc}")
        return redirect(target)
    if outcome.created:
        messages.success(request, f"{len(outcome.created)} draft claim(s) created.")
    if outcome.already_billed:
        messages.info(
            request, f"{len(outcome.already_billed)} note(s) already had a claim: none added."
        )
    if outcome.refused:
        messages.error(
            request,
            f"{len(outcome.refused)} note(s) refused: see the refused list for each finding "
            "and its fix.",
        )
        return redirect("claims:refused")
    return redirect(target)
