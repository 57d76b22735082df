"""The desk's screens: check-in from an appointment, a patient's ledger with a payment form, and
a payment's receipt (page and PDF). Check-in is the front desk's and the owner's; the ledger
and receipts also the biller's (ADR 0650)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.intake.selectors import missing_for
from cleannote.apps.ledger.account import AGE_BUCKETS, account_of
from cleannote.apps.ledger.actions import do_check_in, do_record_patient_payment
from cleannote.apps.ledger.balance_views import FORMS, move_forms, run_move
from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.forms import CheckInForm, PaymentForm
from cleannote.apps.ledger.models import CheckIn, PatientPayment
from cleannote.apps.ledger.receipt_pdf import receipt_rows, render_receipt_pdf
from cleannote.apps.ledger.selectors import (
    appointment_for_desk,
    desk_view,
    payment_of,
)
from cleannote.apps.ledger.statement_selectors import ledger_statements
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_edit import edit_screen
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.errors import RemittanceError

View = Callable[..., HttpResponse]


def desk_or_biller(view: View) -> View:
    """The ledger's pages: whoever takes payments at the desk, or posts them (the biller)."""

    @staff_view(Capability.SEE_PATIENTS)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        role = request.staff.role  # type: ignore[attr-defined]
        if not (
            has_capability(role, Capability.CHECK_IN)
            or has_capability(role, Capability.POST_PAYMENTS)
        ):
            raise PermissionDenied(f"role {role} takes no payments")
        return view(request, *args, **kwargs)

    return wrapped


def _forget_reference(form: PaymentForm | CheckInForm) -> None:
    """A refused reference is not drawn again: it may be a card number typed by mistake."""
    if form.is_bound and "reference" in form.errors:
        data = QueryDict(mutable=True)
        data.update(form.data)
        data["reference"] = ""
        form.data = data


def _said(check_in: CheckIn) -> str:
    payment = check_in.appointment.payments.order_by("-id").first()
    if payment is None:
        return "Checked in; the appointment is marked arrived."
    return (
        f"Checked in; the appointment is marked arrived. Receipt {payment.receipt_number} "
        f"for ${payment.amount:,.2f}."
    )


@staff_view(Capability.CHECK_IN)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, appointment_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    appointment = appointment_for_desk(staff.organisation, appointment_id)
    if appointment is None:
        raise Http404("no such appointment")
    desk = desk_view(appointment)
    due = desk.copay.remaining
    form = CheckInForm(
        request.POST if request.method == "POST" else None,
        initial={"amount": due if due else None},
    )
    here = reverse("ledger:check_in", args=[appointment.pk])

    def change() -> CheckIn:
        data = form.cleaned_data
        return do_check_in(
            actor_of(request),
            appointment,
            demographics_confirmed=data["demographics_confirmed"],
            coverage=desk.coverage,
            coverage_confirmed=data["coverage_confirmed"],
            intake_complete=data["intake_complete"],
            amount=data["amount"],
            method=data["method"],
            reference=data["reference"],
        )

    def page() -> HttpResponse:
        _forget_reference(form)
        appointment.refresh_from_db(fields=["status"])
        do_record_audit_event(
            actor_of(request),
            AuditAction.VIEW,
            "appointment",
            appointment.pk,
            patient_id=appointment.patient_id,
        )
        return render(
            request,
            "ledger/check_in.html",
            {
                "desk": desk,
                "appointment": appointment,
                "form": form,
                "action": here,
                "intake_missing": missing_for(appointment.patient),
            },
            status=400 if form.is_bound else 200,
        )

    return edit_screen(
        request,
        form,
        change,
        said=_said,
        then=redirect(here),
        page=page,
        catching=(LedgerRefused,),
    )


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    patient = Patient.objects.filter(organisation=organisation, pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient")
    return patient


def _ledger_page(
    request: HttpRequest,
    patient: Patient,
    form: PaymentForm,
    moves: dict[str, Form] | None = None,
) -> HttpResponse:
    _forget_reference(form)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "patient_ledger", patient.pk, patient_id=patient.pk
    )
    staff = request.staff  # type: ignore[attr-defined]
    biller = has_capability(staff.role, Capability.POST_PAYMENTS)
    account = account_of(patient, timezone.localdate())
    forms = move_forms(patient, account, moves) if biller else {}
    bound = form.is_bound or any(f.is_bound for f in (moves or {}).values())
    return render(
        request,
        "ledger/patient.html",
        {
            "patient": patient,
            "account": account,
            "buckets": AGE_BUCKETS,
            "balance": account.patient,
            "form": form,
            "moves": forms,
            "action": reverse("ledger:take_payment", args=[patient.pk]),
            # statements and dunning (ADR 0760)
            "billing": ledger_statements(patient, timezone.localdate()),
            "today": timezone.localdate(),
            "may_statement": has_capability(
                request.staff.role,  # type: ignore[attr-defined]
                Capability.POST_PAYMENTS,
            ),
        },
        status=400 if bound else 200,
    )


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["POST"])
def move_balance(request: HttpRequest, patient_id: int, kind: str) -> HttpResponse:
    """A refund, payer refund, transfer or write-off from the ledger page (billers, owners)."""
    if kind not in FORMS:
        raise Http404("no such move")
    patient = _patient(request, patient_id)
    form = FORMS[kind](request.POST, prefix=kind)
    move_forms(patient, account_of(patient, timezone.localdate()), {kind: form})
    if form.is_valid():
        try:
            said = run_move(kind, actor_of(request), patient, form.cleaned_data)
        except RemittanceError as error:
            form.add_error(error.subject if error.subject in form.fields else None, error.problem)
        else:
            messages.success(request, said)
            return redirect("ledger:patient", patient.pk)
    return _ledger_page(request, patient, PaymentForm(), {kind: form})


@desk_or_biller
@require_http_methods(["GET"])
def patient_ledger(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _ledger_page(request, _patient(request, patient_id), PaymentForm())


@desk_or_biller
@require_http_methods(["POST"])
def take_payment(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = PaymentForm(request.POST)
    return edit_screen(
        request,
        form,
        lambda: do_record_patient_payment(
            actor_of(request),
            patient,
            amount=form.cleaned_data["amount"],
            method=form.cleaned_data["method"],
            reference=form.cleaned_data["reference"],
        ),
        said=lambda p: f"Recorded receipt {p.receipt_number} for ${p.amount:,.2f}.",
        then=lambda p: redirect("ledger:receipt", p.pk),
        page=lambda: _ledger_page(request, patient, form),
        catching=(LedgerRefused,),
    )


def _payment(request: HttpRequest, payment_id: int) -> PatientPayment:
    payment = payment_of(request.staff.organisation, payment_id)  # type: ignore[attr-defined]
    if payment is None:
        raise Http404("no such payment")
    return payment


@desk_or_biller
def receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(request, payment_id)
    do_record_audit_event(
        actor_of(request),
        AuditAction.VIEW,
        "patient_payment",
        payment.pk,
        patient_id=payment.patient_id,
    )
    return render(
        request, "ledger/receipt.html", {"payment": payment, "rows": receipt_rows(payment)}
    )


@desk_or_biller
def receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(request, payment_id)
    do_record_audit_event(
        actor_of(request),
        AuditAction.EXPORT,
        "patient_payment",
        payment.pk,
        patient_id=payment.patient_id,
    )
    response = HttpResponse(render_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response
