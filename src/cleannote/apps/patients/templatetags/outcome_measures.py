"""`{% case_measures case %}`: a case's outcome measures on the chart, each a series of real
measurements with its change since the first and an inline SVG chart. Reads the case's
prefetched `outcome_measures` (patients.selectors.patient_chart), so it adds no query."""

from __future__ import annotations

from typing import Any

from django import template

from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.measure_chart import measure_series
from cleannote.apps.patients.models import Case

register = template.Library()


@register.inclusion_tag("patients/_measures.html", takes_context=True)
def case_measures(context: template.Context, case: Case) -> dict[str, Any]:
    can = context.get("can") or {}
    return {
        "case": case,
        "series": measure_series(case.outcome_measures.all()),
        "may_record": bool(can.get(Capability.WRITE_NOTES.value)) and case.is_open,
    }
