"""Recording an outcome measure on a case: a form that scores through the core (ADR 0541);
correcting or removing a result entered wrongly, with the reason (ADR 0592).

A therapist picks the instrument, the day it was measured, and types either every answer
(LEFS's 20, separated by spaces) or the result (a timed test, a licensed form's total). A
refusal is shown next to the field it concerns, with what was typed kept.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients import selectors
from cleannote.apps.patients.measure_actions import (
    MeasureRecordError,
    change_refusal,
    do_correct_outcome_measure,
    do_record_outcome_measure,
    do_remove_outcome_measure,
)
from cleannote.apps.patients.models import OutcomeMeasureResult
from cleannote.platform.request_params import SaneDatesMixin
from cleannote.rules.outcome_measures import all_instruments

_SEPARATORS = re.compile(r"[\s,;]+")
MAX_ANSWERS_TEXT = 400


def _instrument_choices() -> list[tuple[str, object]]:
    scored = [(i.code, f"{i.code}: {i.name}") for i in all_instruments() if i.scored_in_full]
    licensed = [(i.code, f"{i.code}: {i.name}") for i in all_instruments() if not i.scored_in_full]
    return [
        ("", "Choose an instrument"),
        ("Scored here from the answers", scored),
        ("Licensed forms: enter the total you obtained", licensed),
    ]


class MeasureForm(SaneDatesMixin, forms.Form):
    instrument = forms.ChoiceField(choices=_instrument_choices)
    measured_on = forms.DateField(
        label="Measured on", widget=forms.DateInput(attrs={"type": "date"})
    )
    answers = forms.CharField(
        label="Answers, in item order",
        required=False,
        max_length=MAX_ANSWERS_TEXT,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text="Separated by spaces: LEFS 20 answers 0-4, Berg 14 answers 0-4, "
        "DHI 25 answers 0/2/4, PSFS 1-5 ratings 0-10; a timed test's one result.",
    )
    total = forms.CharField(
        label="Or the total",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "decimal"}),
        help_text="A licensed form's total, or a free form scored on paper.",
    )


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["GET", "POST"])
def record_measure(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    case = (
        selectors.cases_of(staff.organisation)
        .select_related("patient")
        .filter(pk=case_id, patient_id=patient_id)
        .first()
    )
    if case is None:
        raise Http404("no such case")
    today = timezone.localdate()
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        initial={"measured_on": today, "instrument": request.GET.get("instrument", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure = do_record_outcome_measure(
                actor_of(request),
                case=case,
                recorded_by=staff,
                instrument_code=data["instrument"],
                measured_on=data["measured_on"],
                today=today,
                answers=_answers(data["answers"]),
                total=data["total"].strip(),
            )
        except MeasureRecordError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(
                request, f"Recorded {measure.instrument} for {measure.measured_on:%d %b %Y}."
            )
            chart = reverse("patients:chart", kwargs={"patient_id": case.patient_id})
            return redirect(f"{chart}#measures-{case.pk}")
    return render(
        request,
        "patients/record_measure.html",
        {"case": case, "form": form, "instruments": all_instruments()},
    )


def _answers(text: str) -> list[str]:
    return [a for a in _SEPARATORS.split(text) if a]


REASON_FIELD = forms.CharField(
    label="Why",
    max_length=200,
    help_text="Kept in the audit trail, e.g. a typing slip, or the wrong patient's form.",
)


class CorrectMeasureForm(forms.Form):
    answers = MeasureForm.base_fields["answers"]
    total = MeasureForm.base_fields["total"]
    reason = REASON_FIELD


class RemoveMeasureForm(forms.Form):
    reason = REASON_FIELD


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["GET", "POST"])
def change_measure(
    request: HttpRequest, patient_id: int, case_id: int, measure_id: int
) -> HttpResponse:
    """Correct a result's value or remove it, each with the reason; then back to the chart."""
    staff = request.staff  # type: ignore[attr-defined]
    measure = (
        OutcomeMeasureResult.objects.filter(
            pk=measure_id,
            case_id=case_id,
            case__patient_id=patient_id,
            case__patient__organisation=staff.organisation,
        )
        .select_related("case__patient", "recorded_by__user")
        .first()
    )
    if measure is None:
        raise Http404("no such measure")
    refusal = change_refusal(staff, measure)
    if refusal is not None:
        raise PermissionDenied(f"measure {measure.pk}: {refusal}")
    action = request.POST.get("action") if request.method == "POST" else None
    correct = CorrectMeasureForm(request.POST if action == "correct" else None, prefix="correct")
    remove = RemoveMeasureForm(request.POST if action == "remove" else None, prefix="remove")
    chart = reverse("patients:chart", kwargs={"patient_id": patient_id}) + f"#measures-{case_id}"
    form = correct if action == "correct" else remove if action == "remove" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "correct":
                do_correct_outcome_measure(
                    actor_of(request),
                    measure,
                    staff=staff,
                    reason=data["reason"],
                    answers=_answers(data["answers"]),
                    total=data["total"].strip(),
                )
                done = "Corrected"
            else:
                do_remove_outcome_measure(
                    actor_of(request),
                    measure,
                    staff=staff,
                    reason=data["reason"],
                    at=timezone.now(),
                )
                done = "Removed"
        except MeasureRecordError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request, f"{done} {measure.instrument} of {measure.measured_on:%d %b %Y}."
            )
            return redirect(chart)
    if request.method == "GET":
        do_record_audit_event(
            actor_of(request),
            AuditAction.VIEW,
            "outcome_measure",
            measure.pk,
            patient_id=patient_id,
        )
    return render(
        request,
        "patients/change_measure.html",
        {
            "measure": measure,
            "case": measure.case,
            "correct": correct,
            "remove": remove,
            "chart": chart,
            "posted": form,
        },
        status=200 if form is None else 422,
    )
