"""The chart's edit screens: demographics, coverages (add, edit, end, reorder), cases (open,
edit, close or discharge). Owners, therapists and the front desk (`edit_chart`), one
organisation. Each screen is a full page, or its form alone when the chart asks for it inline
(htmx); a save returns to the chart at the section it changed (ADR 0501)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients import selectors
from cleannote.apps.patients.benefit_limits import (
    do_attach_exhaustion_letter,
    do_record_pip_exhausted,
)
from cleannote.apps.patients.chart_actions import (
    CASE_FIELDS,
    COVERAGE_FIELDS,
    PATIENT_FIELDS,
    REASON_LIMIT,
    do_add_coverage_to_chart,
    do_close_case,
    do_end_coverage,
    do_open_case_on_chart,
    do_reorder_coverages,
    do_update_case,
    do_update_coverage,
    do_update_patient,
)
from cleannote.apps.patients.chart_edit import edit_screen
from cleannote.apps.patients.chart_forms import (
    ChartCaseForm,
    ChartCoverageForm,
    CloseCaseForm,
    DemographicsForm,
    EndCoverageForm,
    PipExhaustedForm,
    ReorderForm,
)
from cleannote.apps.patients.models import Case, CaseAttachment, CaseClosure, Coverage, Patient

edit_view = staff_view(Capability.EDIT_CHART)
T = TypeVar("T")


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    patient = selectors.patients_of(request.staff.organisation).filter(pk=patient_id).first()  # type: ignore[attr-defined]
    if patient is None:
        raise Http404("no such patient")
    return patient


def _coverage(patient: Patient, coverage_id: int) -> Coverage:
    coverage = patient.coverages.select_related("payer_record").filter(pk=coverage_id).first()
    if coverage is None:
        raise Http404("no such coverage")
    return coverage


def _case(patient: Patient, case_id: int) -> Case:
    case = patient.cases.filter(pk=case_id).first()
    if case is None:
        raise Http404("no such case")
    return case


def _to_chart(patient: Patient, anchor: str) -> HttpResponseRedirect:
    url = reverse("patients:chart", kwargs={"patient_id": patient.pk})
    return HttpResponseRedirect(f"{url}#{anchor}")


def _screen(
    request: HttpRequest,
    patient: Patient,
    form: BaseForm,
    change: Callable[[], T],
    *,
    title: str,
    anchor: str,
    said: str | Callable[[T], str],
    then: Callable[[T], HttpResponse] | None = None,
    sections: Any = None,
    extra: dict[str, Any] | None = None,
    renamed: dict[str, str] | None = None,
) -> HttpResponse:
    """A chart edit screen: its form posts back to the screen's own address; a save returns to
    the chart at `anchor` (or where `then` says, from what the action made)."""
    return edit_screen(
        request,
        form,
        change,
        said=said,
        then=then or _to_chart(patient, anchor),
        renamed=renamed,
        page=lambda: _page(
            request, patient, title=title, form=form, anchor=anchor, sections=sections, extra=extra
        ),
    )


def _page(
    request: HttpRequest,
    patient: Patient,
    *,
    title: str,
    form: BaseForm,
    anchor: str,
    sections: Any = None,
    template: str = "patients/chart_edit.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    grouped = _sections(form, sections)
    first = next((fields[0] for _, fields in grouped if fields), None)
    if first is not None and not form.errors:
        first.field.widget.attrs["autofocus"] = True
    context = {
        "patient": patient,
        "title": title,
        "form": form,
        "action": request.path,
        "back": f"{reverse('patients:chart', kwargs={'patient_id': patient.pk})}#{anchor}",
        "sections": grouped,
        **(extra or {}),
    }
    inline = request.headers.get("HX-Request") == "true" and request.method == "GET"
    if inline:
        return render(request, "patients/_chart_form.html", context)
    return render(request, template, context)


def _sections(form: BaseForm, sections: Any) -> list[tuple[str, list[Any]]]:
    """The form's fields grouped as the form lays them out; the reason last, on its own."""
    if not sections:
        return [("", [form[name] for name in form.fields if name != "reason"])]
    return [
        (legend, [form[name] for name in names if name in form.fields])
        for legend, names in sections
    ]


def _changes(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The posted values of the fields an update action takes."""
    return {f: data[f] for f in fields if f in data}


# --- demographics -----------------------------------------------------------------------------


@edit_view
@require_http_methods(["GET", "POST"])
def edit_details(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = DemographicsForm(request.POST or None, instance=Patient.objects.get(pk=patient.pk))
    return _screen(
        request,
        patient,
        form,
        lambda: do_update_patient(
            actor_of(request),
            patient,
            reason=form.cleaned_data["reason"],
            **_changes(form.cleaned_data, PATIENT_FIELDS),
        ),
        title="Details and contact",
        anchor="details",
        said=lambda changed: _saved(changed, "details"),
        sections=DemographicsForm.SECTIONS,
    )


def _saved(changed: list[str], what: str) -> str:
    if not changed:
        return f"Nothing changed in the {what}."
    return f"Saved the {what}: {', '.join(f.replace('_', ' ') for f in changed)}."


# --- coverages --------------------------------------------------------------------------------


@edit_view
@require_http_methods(["GET", "POST"])
def add_coverage(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    taken = {c.priority for c in patient.coverages.all() if c.is_active_on(timezone.localdate())}
    free = next((p for p in ("primary", "secondary", "tertiary") if p not in taken), "secondary")
    form = ChartCoverageForm(
        request.POST or None,
        organisation=request.staff.organisation,  # type: ignore[attr-defined]
        initial={"priority": free, "active_from": timezone.localdate()},
    )
    return _screen(
        request,
        patient,
        form,
        lambda: do_add_coverage_to_chart(
            actor_of(request), patient, form.save(commit=False), reason=form.cleaned_data["reason"]
        ),
        title="Add a coverage",
        anchor="coverage",
        said=lambda added: f"Added {added.payer_name} as {added.get_priority_display()}.",
        sections=ChartCoverageForm.SECTIONS,
    )


@edit_view
@require_http_methods(["GET", "POST"])
def edit_coverage(request: HttpRequest, patient_id: int, coverage_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    coverage = _coverage(patient, coverage_id)
    form = ChartCoverageForm(
        request.POST or None,
        instance=_coverage(patient, coverage_id),
        organisation=request.staff.organisation,  # type: ignore[attr-defined]
        editing=True,
    )
    return _screen(
        request,
        patient,
        form,
        lambda: do_update_coverage(
            actor_of(request),
            coverage,
            reason=form.cleaned_data["reason"],
            **_changes(form.cleaned_data, COVERAGE_FIELDS),
        ),
        title=f"Coverage: {coverage.payer_name}",
        anchor=f"coverage-{coverage.pk}",
        said=lambda changed: _saved(changed, f"{coverage.payer_name} coverage"),
        sections=ChartCoverageForm.SECTIONS,
    )


@edit_view
@require_http_methods(["GET", "POST"])
def end_coverage(request: HttpRequest, patient_id: int, coverage_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    coverage = _coverage(patient, coverage_id)
    form = EndCoverageForm(
        request.POST or None,
        initial={"ended_on": coverage.active_through or timezone.localdate()},
    )
    return _screen(
        request,
        patient,
        form,
        lambda: do_end_coverage(
            actor_of(request),
            coverage,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
        ),
        title=f"End coverage: {coverage.payer_name}",
        anchor="coverage",
        said=lambda _: f"{coverage.payer_name} ends on {coverage.active_through}.",
        renamed={"active_through": "ended_on"},
    )


@edit_view
@require_http_methods(["GET", "POST"])
def reorder_coverages(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    today = timezone.localdate()
    current = [
        c for c in patient.coverages.all() if c.active_through is None or c.active_through >= today
    ]
    form = ReorderForm(request.POST or None, coverages=current)
    msp = [f for f in form.fields if f.startswith("msp_")]
    return _screen(
        request,
        patient,
        form,
        lambda: do_reorder_coverages(
            actor_of(request),
            patient,
            form.order(),
            reason=form.cleaned_data["reason"],
            medicare_secondary_types=form.medicare_secondary_types(),
        ),
        title="Order of the coverages",
        anchor="coverage",
        said="Saved the order of the coverages.",
        extra={"intro": "Who pays first on a claim from today: 1st is the primary payer."},
        renamed={"medicare_secondary_type": msp[0]} if msp else None,
    )


# --- cases ------------------------------------------------------------------------------------


@edit_view
@require_http_methods(["GET", "POST"])
def open_case(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = ChartCaseForm(
        request.POST or None, patient=patient, initial={"opened_on": timezone.localdate()}
    )
    return _screen(
        request,
        patient,
        form,
        lambda: do_open_case_on_chart(
            actor_of(request), patient, form.save(commit=False), reason=form.cleaned_data["reason"]
        ),
        title="Open a new case",
        anchor="cases",
        said=lambda case: f"Opened the case “{case.title}”.",
        then=lambda case: _to_chart(patient, f"case-{case.pk}"),
        sections=ChartCaseForm.SECTIONS,
    )


@edit_view
@require_http_methods(["GET", "POST"])
def edit_case(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    case = _case(patient, case_id)
    form = ChartCaseForm(request.POST or None, instance=_case(patient, case_id), patient=patient)
    return _screen(
        request,
        patient,
        form,
        lambda: do_update_case(
            actor_of(request),
            case,
            reason=form.cleaned_data["reason"],
            **_changes(form.cleaned_data, CASE_FIELDS),
        ),
        title=f"Case: {case.title}",
        anchor=f"case-{case.pk}",
        said=lambda changed: _saved(changed, "case"),
        sections=ChartCaseForm.SECTIONS,
    )


def _closure_offered(request: HttpRequest) -> dict[str, object]:
    """The close-or-discharge form filled in as a link offers it (a signed discharge summary
    links here with its date and reason, ADR 0580); today, when nothing is offered. The form
    checks every value when it is posted."""
    offered: dict[str, object] = {"closed_on": timezone.localdate()}
    # a date that does not parse is not offered; today stands
    with contextlib.suppress(ValueError):
        offered["closed_on"] = dt.date.fromisoformat(request.GET.get("closed_on", ""))
    if request.GET.get("closure") in CaseClosure.values:
        offered["closure"] = request.GET["closure"]
    reason = request.GET.get("reason", "").strip()
    if reason:
        offered["reason"] = reason[:REASON_LIMIT]
    return offered


@edit_view
@require_http_methods(["GET", "POST"])
def close_case(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    case = _case(patient, case_id)
    if not case.is_open:
        messages.error(request, f"“{case.title}” is already {case.get_closure_display()}.")
        return _to_chart(patient, f"case-{case.pk}")
    form = CloseCaseForm(request.POST or None, initial=_closure_offered(request))
    return _screen(
        request,
        patient,
        form,
        lambda: do_close_case(
            actor_of(request),
            case,
            closed_on=form.cleaned_data["closed_on"],
            closure=form.cleaned_data["closure"],
            reason=form.cleaned_data["reason"],
        ),
        title=f"Close or discharge: {case.title}",
        anchor=f"case-{case.pk}",
        said=lambda _: f"“{case.title}”: {case.get_closure_display().lower()} on {case.closed_on}.",
        extra={"suggestions": CloseCaseForm.SUGGESTIONS, "suggestions_id": "discharge-reasons"},
    )


@edit_view
@require_http_methods(["GET", "POST"])
def pip_exhausted(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    """Record the auto carrier's exhaustion letter: the next claims bill the next payer."""
    patient = _patient(request, patient_id)
    case = _case(patient, case_id)
    form = PipExhaustedForm(request.POST or None, request.FILES or None)

    @transaction.atomic
    def record() -> Case:
        actor, on = actor_of(request), form.cleaned_data["exhausted_on"]
        row = do_record_pip_exhausted(actor, case, on=on, note=form.cleaned_data["note"])
        letter = form.cleaned_data.get("letter")
        if letter is not None:
            do_attach_exhaustion_letter(
                actor,
                case,
                data=letter.read(),
                file_name=letter.name or "letter",
                letter_date=on,
                transmission=form.cleaned_data["transmission"] or "FX",
            )
        return row

    return _screen(
        request,
        patient,
        form,
        record,
        title=f"PIP/MedPay exhausted: {case.title}",
        anchor=f"case-{case.pk}",
        said=lambda _: (
            f"“{case.title}”: PIP/MedPay exhausted; the next claims bill the next payer."
        ),
    )


@staff_view(Capability.SEE_PATIENTS)
@require_http_methods(["GET"])
def case_attachment(
    request: HttpRequest, patient_id: int, case_id: int, attachment_id: int
) -> HttpResponse:
    """A letter kept on the case (the PIP/MedPay exhaustion letter), as it was scanned."""
    patient = _patient(request, patient_id)
    case = _case(patient, case_id)
    attachment = CaseAttachment.objects.filter(pk=attachment_id, case=case).first()
    if attachment is None:
        raise Http404("no such attachment")
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "case_attachment", attachment.pk, patient_id=patient.pk
    )
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.control_number}"'
    return response
