"""The chart's "Patient portal" link (ADR 0950). The chart (patients) loads it by name, so
the lower app never imports the portal."""

from __future__ import annotations

from typing import Any

from django import template

from cleannote.apps.patients.models import Patient

register = template.Library()


@register.inclusion_tag("portal/_chart_portal_link.html", takes_context=True)
def portal_link(context: dict[str, Any], patient: Patient) -> dict[str, Any]:
    return {"patient": patient, "shown": bool(context.get("can", {}).get("edit_chart"))}
