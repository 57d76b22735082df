"""The payer directory for owners and billers: the list, add, and edit (ADR 0330).

Input is checked by the form; writes go through `actions`; another organisation's payer is a
404, another role a 403 (the access gate).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.payers import selectors
from cleannote.apps.payers.actions import PayerChangeRefused, do_create_payer, do_update_payer
from cleannote.apps.payers.forms import PayerForm, shown_override
from cleannote.apps.payers.models import KIND_LABELS, Payer
from cleannote.rules.payer_overrides import OVERRIDE_FIELD_BY_NAME


@dataclass(frozen=True, slots=True)
class FilingShown:
    """The timely-filing limits that apply to a payer's claims, each with where it comes from:
    the payer's record, or its kind's default in the table the scrubber reads (ADRs 0370,
    0391), never a blank."""

    limit: str
    limit_from: str
    corrected: str
    corrected_from: str


def filing_shown(payer: Payer) -> FilingShown:
    policy = payer.policy  # the kind's defaults with this payer's overrides, as scrubbed
    kind = KIND_LABELS.get(payer.kind, payer.kind)
    default = f"{kind} default"
    if payer.timely_filing_days:
        limit, limit_from = f"{payer.timely_filing_days} days", "this payer's record"
    elif policy.timely_filing_days is not None:
        limit, limit_from = f"{policy.timely_filing_days} days", default
    else:
        limit, limit_from = "not checked", f"{default}: none (set the contract's limit)"
    if "corrected_claim_days" in (payer.policy_overrides or {}):
        corrected_from = "this payer's record"
    else:
        corrected_from = default
    if policy.corrected_claim_days is not None:
        corrected = f"corrected claims: {policy.corrected_claim_days} days from the decision"
    else:
        corrected = "corrected claims: the filing limit"
    return FilingShown(limit, limit_from, corrected, corrected_from)


@staff_view(Capability.MANAGE_PAYERS)
def payer_list(request: HttpRequest) -> HttpResponse:
    payers = list(selectors.directory_with_counts(request.staff.organisation))  # type: ignore[attr-defined]
    rows = [
        (
            p,
            [
                f"{OVERRIDE_FIELD_BY_NAME[name].label}: {shown_override(value)}"
                for name, value in (p.policy_overrides or {}).items()
                if name in OVERRIDE_FIELD_BY_NAME
            ],
            filing_shown(p),
        )
        for p in payers
    ]
    return render(request, "payers/payer_list.html", {"rows": rows})


@staff_view(Capability.MANAGE_PAYERS)
@require_http_methods(["GET", "POST"])
def payer_add(request: HttpRequest) -> HttpResponse:
    form = PayerForm(request.POST or None, initial={"kind": "commercial", "is_active": True})
    if request.method == "POST" and form.is_valid():
        payer = Payer(**form.changes())
        try:
            do_create_payer(actor_of(request), payer)
        except PayerChangeRefused as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, "Payer added to the directory.")
            return redirect("payers:edit", payer_id=payer.pk)
    return render(request, "payers/payer_form.html", {"form": form, "payer": None})


@staff_view(Capability.MANAGE_PAYERS)
@require_http_methods(["GET", "POST"])
def payer_edit(request: HttpRequest, payer_id: int) -> HttpResponse:
    payer = selectors.payer_of(request.staff.organisation, payer_id)  # type: ignore[attr-defined]
    if payer is None:
        raise Http404("no such payer in this organisation")
    # The form writes what was posted onto its instance: a copy, so the page's heading and the
    # action see the payer as stored.
    form = PayerForm(request.POST or None, instance=copy.copy(payer))
    if request.method == "POST" and form.is_valid():
        try:
            changed = do_update_payer(actor_of(request), payer, **form.changes())
        except PayerChangeRefused as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, "Saved." if changed else "No changes.", fail_silently=True)
            return redirect("payers:edit", payer_id=payer.pk)
    return render(request, "payers/payer_form.html", {"form": form, "payer": payer})
