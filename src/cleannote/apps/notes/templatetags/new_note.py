"""The chart's "start today's note" form: the note types the clinician may write, the one
suggested for this visit selected (ADR 0580). The chart (patients) loads it by name, so the
lower app never imports notes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from cleannote.apps.notes.clinical_reports import suggested_note_type
from cleannote.apps.patients.models import Case
from cleannote.rules.note_types import TEMPLATES, NoteType
from cleannote.rules.scope_of_practice import act_refusal
from cleannote.rules.visit import Credential

register = template.Library()


@register.inclusion_tag("notes/_new_note_form.html", takes_context=True)
def new_note_form(context: dict[str, Any], case: Case) -> dict[str, Any]:
    staff = getattr(context["request"], "staff", None)
    credential = Credential(staff.credential) if staff is not None and staff.credential else None
    today = timezone.localdate()
    # The chart has the patient's notes loaded already: the suggestion reads them, so the
    # chart's query count does not grow with its cases.
    chart_notes = getattr(context.get("chart"), "notes", None)
    earlier = (
        [n for n in chart_notes if n.case_id == case.pk and n.date_of_service < today]
        if chart_notes is not None
        else None
    )
    suggested = (
        suggested_note_type(case, staff, today, earlier) if staff is not None else NoteType.DAILY
    )
    return {
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "suggested": suggested.value,
        "choices": [
            (t.value, row.label)
            for t, row in TEMPLATES.items()
            if credential is None or act_refusal(credential, row.act) is None
        ],
    }
