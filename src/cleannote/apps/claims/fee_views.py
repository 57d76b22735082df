"""Fee schedules: the rates list per payer with a code search (`/claims/fees/`), the CSV import
with its preview of every problem (`/claims/fees/import/`) and the CSV template (ADR 0720).
Billers and owners only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims import selectors
from cleannote.apps.claims.access import biller_view
from cleannote.apps.claims.contracts import FeeImportError, check_fees, do_import_fees
from cleannote.apps.organisations.access import actor_of
from cleannote.apps.payers.models import Payer
from cleannote.platform.request_params import param_choice, param_text
from cleannote.rules.fee_csv import TEMPLATE

MAX_FEE_BYTES = 2 * 1024 * 1024
RATE_ROWS = 300


def _payers(request: HttpRequest) -> list[tuple[str, str]]:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    rows = Payer.objects.filter(organisation=organisation).order_by("name")
    return [(p.claims_payer_id, f"{p.name} ({p.claims_payer_id})") for p in rows]


class FeeUploadForm(forms.Form):
    payer = forms.ChoiceField(
        label="Payer",
        required=False,
        help_text="blank for the clinic's charge master; a payer for its contracted rates",
    )
    file = forms.FileField(label="CSV file")

    def __init__(self, *args: object, payers: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["payer"].choices = [("", "Charge master (every payer)"), *payers]  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FEE_BYTES:
            raise forms.ValidationError("larger than 2 MB; split it by date")
        return upload


@biller_view
def rates(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    payers = _payers(request)
    payer_id = param_choice(request.GET, "payer", [p for p, _ in payers])
    query = param_text(request.GET, "q", max_length=5).upper()
    entries = selectors.fee_rates(organisation, payer_id=payer_id, code_prefix=query)
    total = entries.count()
    do_record_audit_event(actor_of(request), AuditAction.LIST, "fee_schedule", payer_id or "-")
    return render(
        request,
        "claims/fees.html",
        {
            "payers": payers,
            "payer_id": payer_id,
            "query": query,
            "entries": list(entries[:RATE_ROWS]),
            "total": total,
            "limit": RATE_ROWS,
        },
    )


@biller_view
def import_fees(request: HttpRequest) -> HttpResponse:
    payers = _payers(request)
    problems: tuple[object, ...] = ()
    checked = 0
    if request.method == "POST":
        form = FeeUploadForm(request.POST, request.FILES, payers=payers)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            payer_id = form.cleaned_data["payer"]
            data = upload.read()
            name = (upload.name or "upload.csv")[:100]
            actor = actor_of(request)
            if "load" in request.POST:
                try:
                    made = do_import_fees(actor, data, file_name=name, payer_id=payer_id)
                except FeeImportError as exc:
                    problems = exc.problems
                else:
                    messages.success(
                        request, f"{name} loaded: {len(made)} schedule(s); nothing else changed."
                    )
                    return redirect(f"{_rates_url()}?payer={payer_id}")
            else:
                rows, problems = check_fees(actor, data, file_name=name, payer_id=payer_id)
                checked = len(rows)
    else:
        form = FeeUploadForm(payers=payers)
    return render(
        request,
        "claims/fee_import.html",
        {"form": form, "problems": problems, "checked": checked},
    )


def _rates_url() -> str:
    return reverse("claims:fees")


@biller_view
def fee_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cleannote-fees-template.csv"'
    return response
