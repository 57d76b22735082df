"""The lien ledger page of a case (entries, charges from claims, payments and reductions, the
settlement form) and its report packet PDF for the attorney or case manager (ADR 0771). The
biller's and the owner's (`post_payments`); every view audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.injury.actions import (
    do_post_lien_charges,
    do_record_lien_entry,
    do_record_settlement,
)
from cleannote.apps.injury.errors import InjuryRefused
from cleannote.apps.injury.forms import LienEntryForm, SettlementForm
from cleannote.apps.injury.packet import AUDIENCES, render_case_packet
from cleannote.apps.injury.selectors import lien_case, lien_ledger
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.chart_edit import edit_screen
from cleannote.apps.patients.models import Case


def _case(request: HttpRequest, case_id: int) -> Case:
    case = lien_case(request.staff.organisation, case_id)  # type: ignore[attr-defined]
    if case is None:
        raise Http404("no such case")
    return case


def _page(
    request: HttpRequest,
    case: Case,
    entry_form: LienEntryForm,
    settlement_form: SettlementForm,
    *,
    status: int = 200,
) -> HttpResponse:
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "lien_ledger", case.pk, patient_id=case.patient_id
    )
    return render(
        request,
        "injury/lien_ledger.html",
        {
            "case": case,
            "patient": case.patient,
            "ledger": lien_ledger(case),
            "entry_form": entry_form,
            "settlement_form": settlement_form,
            "audiences": AUDIENCES,
        },
        status=status,
    )


def _today() -> dict[str, object]:
    return {"on": timezone.localdate(), "settled_on": timezone.localdate()}


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["GET"])
def lien_ledger_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return _page(request, case, LienEntryForm(initial=_today()), SettlementForm(initial=_today()))


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["POST"])
def post_charges(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    here = reverse("injury:ledger", args=[case.pk])
    form = LienEntryForm(initial=_today())
    try:
        made = do_post_lien_charges(actor_of(request), case)
    except InjuryRefused as error:
        form.add_error(None, error.message)
        return _page(request, case, form, SettlementForm(initial=_today()), status=400)
    messages.success(request, f"{len(made)} visit charge(s) posted at the full fee.")
    return redirect(here)


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["POST"])
def add_entry(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = LienEntryForm(request.POST)
    return edit_screen(
        request,
        form,
        lambda: do_record_lien_entry(
            actor_of(request),
            case,
            kind=form.cleaned_data["kind"],
            amount=form.cleaned_data["amount"],
            on=form.cleaned_data["on"],
            memo=form.cleaned_data["memo"],
        ),
        said=lambda e: f"{e.get_kind_display()} of ${e.amount:,.2f} posted.",
        then=redirect("injury:ledger", case.pk),
        page=lambda: _page(request, case, form, SettlementForm(initial=_today()), status=400),
        catching=(InjuryRefused,),
    )


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["POST"])
def settle(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = SettlementForm(request.POST)
    return edit_screen(
        request,
        form,
        lambda: do_record_settlement(
            actor_of(request),
            case,
            settled_on=form.cleaned_data["settled_on"],
            settlement_amount=form.cleaned_data["settlement_amount"],
            reduction=form.cleaned_data["reduction"],
            payment=form.cleaned_data["payment"],
            memo=form.cleaned_data["memo"],
        ),
        said=lambda s: f"Settlement recorded: ${s.write_off:,.2f} written off; balance $0.00.",
        then=redirect("injury:ledger", case.pk),
        page=lambda: _page(request, case, LienEntryForm(initial=_today()), form, status=400),
        catching=(InjuryRefused,),
    )


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["GET"])
def packet(request: HttpRequest, case_id: int) -> HttpResponse:
    """`?for=attorney` (the default) or `?for=case_manager`."""
    case = _case(request, case_id)
    audience = request.GET.get("for", "attorney")
    if audience not in AUDIENCES:
        audience = "attorney"
    do_record_audit_event(
        actor_of(request), AuditAction.EXPORT, "case_packet", case.pk, patient_id=case.patient_id
    )
    response = HttpResponse(render_case_packet(case, audience), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="case-{case.pk}-{audience}-packet.pdf"'
    return response
