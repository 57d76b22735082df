"""`{% coverage_status patient coverages %}`: the newest check and manual verification, for
the chart of someone who may check eligibility (front desk, billers, owners); for everyone
else it renders nothing and costs no query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from cleannote.apps.eligibility.selectors import latest_by_patient
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.edi.x12_271 import code_label

register = template.Library()


@register.inclusion_tag("eligibility/coverage_status.html", takes_context=True)
def coverage_status(
    context: template.Context, patient: Patient, coverages: Sequence[Coverage]
) -> dict[str, Any]:
    can = context.get("can") or {}
    if not can.get(Capability.CHECK_ELIGIBILITY.value):
        return {"shown": False}
    statuses = latest_by_patient(patient.organisation_id, [patient.pk])
    return {
        "shown": True,
        "status": statuses.get(patient.pk),
        "coverages": coverages,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def service_type_label(code: str) -> str:
    """`PT` → `physical therapy (PT)`: an EB03/EQ01 service type in words."""
    return f"{code_label('service_types', code)} ({code})"
