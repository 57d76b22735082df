"""The patient's bills in the portal (ADR 0951): statements with each visit and as the PDF the
clinic sent (the ledger's own rendering, ADR 0923), a payment by reference through the payment
adapter, receipts on the page and as PDF. A statement or receipt is found only among the viewed
patient's own; any other id is a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.ledger.receipt_pdf import receipt_rows, render_receipt_pdf
from cleannote.apps.ledger.statement_pdf import render_statement_pdf
from cleannote.apps.portal.bills import (
    balance_of,
    pay,
    payment_for,
    payments_of,
    statement_for,
    statements_of,
    visits_of,
)
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.pages import RATES, Portal, portal_page, portal_render, too_many
from cleannote.apps.portal.session import put_notice


@require_GET
@portal_page
def bills(request: HttpRequest) -> HttpResponse:
    portal: Portal = request.portal  # type: ignore[attr-defined]
    return portal_render(request, "portal/bills.html", _bills_context(portal))


def _bills_context(portal: Portal) -> dict[str, object]:
    patient = portal.patient
    return {
        "statements": statements_of(patient),
        "payments": payments_of(patient),
        "balance": balance_of(patient),
    }


@require_GET
@portal_page
def statement(request: HttpRequest, statement_id: int) -> HttpResponse:
    portal: Portal = request.portal  # type: ignore[attr-defined]
    found = statement_for(portal.patient, statement_id)
    if found is None:
        raise Http404("no such statement")
    do_record_audit_event(
        portal.actor, AuditAction.VIEW, "statement", found.pk, patient_id=portal.patient.pk
    )
    return portal_render(
        request, "portal/statement.html", {"statement": found, "visits": visits_of(found)}
    )


@require_GET
@portal_page
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    """The statement as the clinic printed and sent it: the staff side's PDF of the same row."""
    portal: Portal = request.portal  # type: ignore[attr-defined]
    found = statement_for(portal.patient, statement_id)
    if found is None:
        raise Http404("no such statement")
    do_record_audit_event(
        portal.actor, AuditAction.EXPORT, "statement", found.pk, patient_id=found.patient_id
    )
    response = HttpResponse(render_statement_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{found.number}.pdf"'
    return response


@require_http_methods(["POST"])
@portal_page
def record_payment(request: HttpRequest) -> HttpResponse:
    limited = too_many(request, "portal.pay", RATES["ask"])
    if limited is not None:
        return limited
    portal: Portal = request.portal  # type: ignore[attr-defined]
    amount, reference = request.POST.get("amount", ""), request.POST.get("reference", "")
    try:
        payment = pay(portal.actor, portal.patient, amount, reference)
    except PortalRefused as refused:
        context = _bills_context(portal)
        context.update({"problem": refused.problem, "field": refused.field, "amount": amount[:20]})
        return portal_render(request, "portal/bills.html", context, status=400)
    put_notice(request, f"Thank you: payment recorded, receipt {payment.receipt_number}.")
    return redirect("portal:receipt", payment_id=payment.pk)


@require_GET
@portal_page
def receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    portal: Portal = request.portal  # type: ignore[attr-defined]
    payment = payment_for(portal.patient, payment_id)
    if payment is None:
        raise Http404("no such receipt")
    do_record_audit_event(
        portal.actor, AuditAction.VIEW, "patient_payment", payment.pk, patient_id=payment.patient_id
    )
    return portal_render(
        request, "portal/receipt.html", {"payment": payment, "rows": receipt_rows(payment)}
    )


@require_GET
@portal_page
def receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    portal: Portal = request.portal  # type: ignore[attr-defined]
    payment = payment_for(portal.patient, payment_id)
    if payment is None:
        raise Http404("no such receipt")
    do_record_audit_event(
        portal.actor,
        AuditAction.EXPORT,
        "patient_payment",
        payment.pk,
        patient_id=payment.patient_id,
    )
    response = HttpResponse(render_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.receipt_number}.pdf"'
    return response
