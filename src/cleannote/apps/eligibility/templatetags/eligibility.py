"""`{% coverage_status patient %}`: the newest check and manual verification, for the chart."""

from __future__ import annotations

from typing import Any

from django import template

from cleannote.apps.eligibility.selectors import latest_by_patient
from cleannote.apps.patients.models import Patient

register = template.Library()


@register.inclusion_tag("eligibility/coverage_status.html", takes_context=True)
def coverage_status(context: template.Context, patient: Patient) -> dict[str, Any]:
    statuses = latest_by_patient(patient.organisation_id, [patient.pk])
    return {
        "status": statuses.get(patient.pk),
        "patient": patient,
        "can": context.get("can", {}),
        "csrf_token": context.get("csrf_token"),
    }
