"""Chart template helpers for the clinical part (ADR 0521): a diagnosis code's problem, as the
command line's ICD-10-CM check states it."""

from __future__ import annotations

from django import template

from cleannote.rules.icd10 import check as icd_check

register = template.Library()


@register.filter
def icd_problem(code: str) -> str:
    """Why `code` cannot be billed (retired, not billable, a 7th character missing), or ""."""
    result = icd_check(code)
    return "" if result.valid else str(result.problem or "not billable")
