"""The denial of one claim (its state, assignee and history, with the actions), its appeal
packet, and A/R aging. Billers and owners only (ADR 0730, 0731, 0732)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.remittance import denial_actions, denial_selectors
from cleannote.apps.remittance.appeal_packet import render_appeal_packet
from cleannote.apps.remittance.denial_models import DenialStep, WriteOffReason
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.platform.request_params import bounded_message


def _claim_or_404(request: HttpRequest, claim_id: int) -> Claim:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    claim = denial_selectors.claim_of(organisation, claim_id)
    if claim is None:
        raise Http404("no such claim")
    return claim


@staff_view(Capability.POST_PAYMENTS)
def denial_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(request, claim_id)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "claim", claim.pk, patient_id=claim.patient_id
    )
    denial = denial_selectors.denial_of(claim)
    state = denial.state if denial else "open"
    steps = [s for s in DenialStep if denial_actions.can_take(state, s)]
    return render(
        request,
        "remittance/denial_detail.html",
        {
            "claim": claim,
            "denial": denial,
            "history": list(denial.actions.all()) if denial else [],
            "steps": [s.value for s in steps],
            "staff": denial_selectors.billers_of(claim.organisation),
            "reasons": WriteOffReason.choices,
        },
    )


@staff_view(Capability.POST_PAYMENTS)
@require_POST
def denial_step(request: HttpRequest, claim_id: int, step: str) -> HttpResponse:
    claim = _claim_or_404(request, claim_id)
    actor = actor_of(request)
    note = request.POST.get("note", "").strip()[:300]
    acts: dict[str, Callable[[], object]] = {
        DenialStep.APPEAL: lambda: denial_actions.do_appeal_denial(actor, claim, note=note),
        DenialStep.RESUBMIT: lambda: denial_actions.do_resubmit_denial(actor, claim, note=note),
        DenialStep.RESOLVE: lambda: denial_actions.do_resolve_denial(actor, claim, note=note),
        DenialStep.WRITE_OFF: lambda: denial_actions.do_write_off_denial(
            actor, claim, request.POST.get("reason", ""), note=note
        ),
        DenialStep.ASSIGN: lambda: _assign(request, claim, note),
    }
    act = acts.get(step)
    if act is None:
        raise Http404("no such step")
    try:
        act()
    except (RemittanceError, ClaimError) as exc:
        messages.error(request, bounded_message(f"Not done: {exc}"))
    else:
        messages.success(request, f"Claim {claim.pk}: {DenialStep(step).label.lower()}.")
    return redirect("remittance:denial", claim.pk)


def _assign(request: HttpRequest, claim: Claim, note: str) -> object:
    try:
        staff_id = int(request.POST.get("staff", ""))
    except ValueError:
        raise RemittanceError(
            f"denial of claim {claim.pk}", "choose whom to assign it to"
        ) from None
    staff = Staff.objects.filter(pk=staff_id, organisation=claim.organisation).first()
    if staff is None:
        raise RemittanceError(f"denial of claim {claim.pk}", "no such staff member of the clinic")
    return denial_actions.do_assign_denial(actor_of(request), claim, staff, note=note)


@staff_view(Capability.POST_PAYMENTS)
def packet(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The appeal letter with the audit-defense packet; `letter=0` gives the packet alone."""
    claim = _claim_or_404(request, claim_id)
    with_letter = request.GET.get("letter", "1") != "0"
    pdf = render_appeal_packet(claim, with_letter=with_letter)
    do_record_audit_event(
        actor_of(request), AuditAction.EXPORT, "claim", claim.pk, patient_id=claim.patient_id,
        reason="appeal packet",
    )  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    kind = "appeal" if with_letter else "packet"
    name = f"{kind}-{claim.patient_control_number or claim.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view(Capability.POST_PAYMENTS)
def aging(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    report = denial_selectors.ar_aging(organisation, timezone.localdate())
    do_record_audit_event(
        actor_of(request), AuditAction.LIST, "claim", "aging",
        shown_patient_ids=sorted({row.patient_id for row in report.rows}),
    )  # fmt: skip
    return render(request, "remittance/aging.html", {"report": report})
