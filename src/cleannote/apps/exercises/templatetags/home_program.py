"""`{% case_program case %}` on the chart and `{% plan_adherence plan %}` on the plan of care
page: the home program in force and the patient's adherence, for whoever reads notes; for
everyone else they render nothing and cost no query (ADR 0970). The pages that load them
audit the chart read already."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from cleannote.apps.exercises.selectors import (
    ProgramView,
    adherence_of,
    plan_adherence,
    revisions_by_case,
)
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Case, PlanOfCare

register = template.Library()


def _reads_notes(context: template.Context) -> bool:
    can = context.get("can") or {}
    return bool(can.get(Capability.READ_NOTES.value))


@register.inclusion_tag("exercises/_chart_program.html", takes_context=True)
def case_program(context: template.Context, case: Case) -> dict[str, Any]:
    if not _reads_notes(context):
        return {"shown": False}
    # One read of the patient's programs serves every case the chart shows.
    by_case = context.render_context.get("home_programs")
    if by_case is None or by_case[0] != case.patient_id:
        by_case = (case.patient_id, revisions_by_case(case.patient_id))
        context.render_context["home_programs"] = by_case
    program = ProgramView(case, by_case[1].get(case.pk, []))
    if program.current is None:
        return {"shown": False}
    return {
        "shown": True,
        "case": case,
        "program": program,
        "seen": adherence_of(program, timezone.localdate()),
        "writes": bool((context.get("can") or {}).get(Capability.WRITE_NOTES.value)),
    }


@register.inclusion_tag("exercises/_plan_adherence.html", takes_context=True)
def plan_adherence_of(context: template.Context, plan: PlanOfCare) -> dict[str, Any]:
    if not _reads_notes(context):
        return {"shown": False}
    return {
        "shown": True,
        "plan": plan,
        "seen": plan_adherence(plan, timezone.localdate()),
    }
