"""The chart's medication list: the panel (anyone who sees the chart reads it), and adding,
changing and stopping a medication (the front desk and the clinicians: `clinical_access.
medication_refusal`). Each form is a full page, or the form alone when the panel asks for it
inline (htmx); a save returns to the chart's list (ADR 0964)."""

from __future__ import annotations

from typing import Any

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
from cleannote.apps.patients.chart_edit import edit_screen
from cleannote.apps.patients.clinical_access import medication_refusal, require_medication_writer
from cleannote.apps.patients.medication_actions import (
    do_add_medication,
    do_change_medication,
    do_stop_medication,
)
from cleannote.apps.patients.medication_forms import (
    MEDICATION_FIELDS,
    ChangeMedicationForm,
    MedicationForm,
    StopMedicationForm,
)
from cleannote.apps.patients.models import Medication, Patient

see_view = staff_view(Capability.SEE_PATIENTS)


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    patient = selectors.patients_of(request.staff.organisation).filter(pk=patient_id).first()  # type: ignore[attr-defined]
    if patient is None:
        raise Http404("no such patient")
    return patient


def _medication(patient: Patient, medication_id: int) -> Medication:
    row = Medication.objects.filter(pk=medication_id, patient=patient).first()
    if row is None:
        raise Http404("no such medication")
    return row


def _to_list(patient: Patient) -> HttpResponseRedirect:
    url = reverse("patients:chart", kwargs={"patient_id": patient.pk})
    return HttpResponseRedirect(f"{url}#h-medications")


@see_view
@require_http_methods(["GET"])
def medications(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The list: what the patient takes now, then what they stopped."""
    patient = _patient(request, patient_id)
    rows = selectors.medications_of(patient)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "medication_list", patient.pk, patient_id=patient.pk
    )
    context = {
        "patient": patient,
        "current": [m for m in rows if m.is_current],
        "stopped": [m for m in rows if not m.is_current],
        "may_edit": medication_refusal(request.staff, patient) is None,  # type: ignore[attr-defined]
    }
    inline = request.headers.get("HX-Request") == "true"
    return render(
        request, "patients/_medications.html" if inline else "patients/medications.html", context
    )


def _form_page(
    request: HttpRequest, patient: Patient, form: BaseForm, *, title: str
) -> HttpResponse:
    first = next(iter(form.visible_fields()), None)
    if first is not None and not form.errors:
        first.field.widget.attrs["autofocus"] = True
    context: dict[str, Any] = {
        "patient": patient,
        "title": title,
        "form": form,
        "action": request.path,
        "back": f"{reverse('patients:chart', kwargs={'patient_id': patient.pk})}#h-medications",
    }
    if request.headers.get("HX-Request") == "true" and request.method == "GET":
        return render(request, "patients/_medication_form.html", context)
    return render(request, "patients/medication_form.html", context)


@see_view
@require_http_methods(["GET", "POST"])
def add_medication(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    require_medication_writer(actor_of(request), patient)
    form = MedicationForm(request.POST or None)
    return edit_screen(
        request,
        form,
        lambda: do_add_medication(
            actor_of(request),
            patient,
            today=timezone.localdate(),
            **{f: form.cleaned_data[f] for f in MEDICATION_FIELDS},
        ),
        said=lambda row: f"Added {row.name} to the medications.",
        then=_to_list(patient),
        page=lambda: _form_page(request, patient, form, title="Add a medication"),
    )


@see_view
@require_http_methods(["GET", "POST"])
def change_medication(request: HttpRequest, patient_id: int, medication_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    require_medication_writer(actor_of(request), patient)
    row = _medication(patient, medication_id)
    # The form gets its own copy: validating writes the posted values onto its instance, and
    # the action compares them with the row as stored to know what changed.
    form = ChangeMedicationForm(request.POST or None, instance=_medication(patient, medication_id))
    return edit_screen(
        request,
        form,
        lambda: do_change_medication(
            actor_of(request),
            row,
            reason=form.cleaned_data["reason"],
            today=timezone.localdate(),
            **{f: form.cleaned_data[f] for f in MEDICATION_FIELDS},
        ),
        said=lambda changed: (
            f"Saved {row.name}: {', '.join(f.replace('_', ' ') for f in changed)}."
            if changed
            else f"Nothing changed in {row.name}."
        ),
        then=_to_list(patient),
        page=lambda: _form_page(request, patient, form, title=f"Change {row.name}"),
    )


@see_view
@require_http_methods(["GET", "POST"])
def stop_medication(request: HttpRequest, patient_id: int, medication_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    require_medication_writer(actor_of(request), patient)
    row = _medication(patient, medication_id)
    form = StopMedicationForm(request.POST or None, initial={"stopped_on": timezone.localdate()})
    return edit_screen(
        request,
        form,
        lambda: do_stop_medication(
            actor_of(request),
            row,
            stopped_on=form.cleaned_data["stopped_on"],
            reason=form.cleaned_data["reason"],
            today=timezone.localdate(),
        ),
        said=f"Stopped {row.name}.",
        then=_to_list(patient),
        page=lambda: _form_page(request, patient, form, title=f"Stop {row.name}"),
    )
