"""The rejections worklist (`/claims/rejections/`) and "resubmit" (ADR 0702).

Every claim a 999 or a 277CA rejected, with the reasons in plain words and a link to the screen
that fixes each (the chart's, through `patients.fix_links`, or the note's); "Resubmit" sends it
again as a new original claim once the fix is made.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims import selectors
from cleannote.apps.claims.access import biller_view
from cleannote.apps.claims.acknowledgments import do_resubmit_rejected_claim
from cleannote.apps.claims.errors import ClaimError, ClaimRefusedError
from cleannote.apps.organisations.access import actor_of
from cleannote.rules.findings import Severity


@biller_view
def rejections(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    claims = list(selectors.rejected_claims(organisation))
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "claim_rejections",
        "worklist",
        shown_patient_ids=sorted({c.patient_id for c in claims}),
    )
    return render(request, "claims/rejections.html", {"claims": claims})


@require_POST
@biller_view
def resubmit(request: HttpRequest, claim_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    claim = selectors.claim_detail(organisation, claim_id)
    if claim is None:
        raise Http404("no such claim")
    try:
        fresh = do_resubmit_rejected_claim(actor_of(request), claim)
    except ClaimRefusedError as exc:
        messages.error(request, f"Not resubmitted: {exc.problem}.")
        for finding in exc.findings:
            if finding.severity is Severity.ERROR:
                messages.error(request, f"{finding.rule}: {finding.message} Fix: {finding.fix}")
        return redirect("claims:rejections")
    except ClaimError as exc:
        messages.error(request, f"Not resubmitted: {exc}")
        return redirect("claims:rejections")
    messages.success(
        request,
        f"Claim {claim.patient_control_number} closed; new claim "
        f"{fresh.patient_control_number} (original, frequency 1) created as a draft.",
    )
    return redirect("claims:detail", fresh.pk)
