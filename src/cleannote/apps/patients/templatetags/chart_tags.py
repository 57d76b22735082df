"""Chart template helpers: the coordination-of-benefits order a case bills today, and the
chart screen that fixes a scrub finding (`patients.fix_links`, the one map)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from cleannote.apps.patients.benefit_limits import PipUse
from cleannote.apps.patients.benefit_limits import pip_use as case_pip_use
from cleannote.apps.patients.coverage_order import claim_order
from cleannote.apps.patients.fix_links import FixLink, chart_fix_link
from cleannote.apps.patients.models import Case, Coverage

register = template.Library()


@register.simple_tag
def billed_today(case: Case, coverages: Iterable[Coverage]) -> list[Coverage]:
    """The payers a visit in `case` today would bill, first to last (ADR 0500)."""
    return claim_order(case, coverages, timezone.localdate())


@register.simple_tag
def visit_payers(note: Any) -> list[Coverage]:
    """`{% visit_payers note as payers %}`: who the note's claim bills, first to last, on its
    date of service (ADR 0500; duck-typed, the notes app sits above this one)."""
    return claim_order(note.case, note.patient.coverages.all(), note.date_of_service)


@register.simple_tag
def visit_chart_fix(rule: str, note: Any, message: str = "") -> FixLink | None:
    """`{% visit_chart_fix finding.rule note message=finding.message as fix %}` on the note
    page: the chart screen for the note's patient, case and the coverage its claim would bill
    (duck-typed: the notes app sits above this one)."""
    order = claim_order(note.case, note.patient.coverages.all(), note.date_of_service)
    return chart_fix_link(
        rule,
        patient_id=note.patient_id,
        case_id=note.case_id,
        coverage_id=order[0].pk if order else None,
        message=message,
    )


@register.simple_tag
def chart_fix(
    rule: str,
    patient_id: int,
    case_id: int | None = None,
    coverage_id: int | None = None,
    message: str = "",
) -> FixLink | None:
    """`{% chart_fix finding.rule patient.pk case.pk coverage.pk message=finding.message as fix %}`
    (the message lets an ABN's offer start from the finding's code and reason)."""
    return chart_fix_link(
        rule, patient_id=patient_id, case_id=case_id, coverage_id=coverage_id, message=message
    )


@register.simple_tag
def pip_use(case: Case) -> PipUse | None:
    """`{% pip_use case as pip %}`: the case's PIP/MedPay limit, paid and remaining (ADR 0770)."""
    return case_pip_use(case)
