"""Patient list with search, the patient chart, and the register-a-patient form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients import selectors
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.forms import CaseForm, CoverageForm, PatientForm, ReferralForm
from cleannote.platform.request_params import param_text

PAGE_SIZE = 50
SEARCH_MAX = 80


@staff_view(Capability.SEE_PATIENTS)
def patient_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    query = param_text(request.GET, "q", max_length=SEARCH_MAX)
    patients = (
        selectors.search_patients(organisation, query)
        if query
        else selectors.patients_of(organisation).order_by("last_name", "first_name", "id")
    )
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    # Who saw which patients' names: the ids shown, and a search's text as a keyed hash only.
    do_record_audit_event(
        actor_of(request),
        AuditAction.SEARCH if query else AuditAction.LIST,
        "patient_list",
        page.number,
        shown_patient_ids=[patient.pk for patient in page.object_list],
        search_text=query or None,
    )
    return render(request, "patients/list.html", {"page": page, "query": query})


@staff_view(Capability.SEE_PATIENTS)
def patient_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    with_notes = has_capability(staff.role, Capability.READ_NOTES)
    chart = selectors.patient_chart(staff.organisation, patient_id, with_notes=with_notes)
    if chart is None:
        raise Http404("no such patient")
    do_record_audit_event(
        actor_of(request),
        AuditAction.VIEW,
        "patient",
        chart.patient.pk,
        patient_id=chart.patient.pk,
    )
    return render(request, "patients/chart.html", {"chart": chart, "with_notes": with_notes})


@staff_view(Capability.REGISTER_PATIENTS)
@require_http_methods(["GET", "POST"])
def register_patient(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    referral_form = ReferralForm(data, prefix="referral", use_required_attribute=False)
    forms: dict[str, Any] = {
        "patient": PatientForm(data, prefix="patient"),
        "coverage": CoverageForm(
            data,
            prefix="coverage",
            initial={"priority": "primary"},
            organisation=request.staff.organisation,  # type: ignore[attr-defined]
        ),
        "case": CaseForm(data, prefix="case"),
        "referral": referral_form,
    }
    if request.method == "POST":
        wanted = ["patient", "coverage", "case"]
        if referral_form.is_filled():
            wanted.append("referral")
        valid = [forms[name].is_valid() for name in wanted]
        if all(valid):
            with transaction.atomic():
                patient = do_register_patient(
                    actor_of(request),
                    patient=forms["patient"].save(commit=False),
                    coverage=forms["coverage"].save(commit=False),
                    case=forms["case"].save(commit=False),
                    referral=(
                        forms["referral"].save(commit=False) if "referral" in wanted else None
                    ),
                )
            messages.success(request, f"Registered chart {patient.chart_number}.")
            return redirect("patients:chart", patient_id=patient.pk)
        messages.error(request, "Some fields need attention; each is marked below.")
    return render(request, "patients/register.html", {"forms": forms}, status=200)
