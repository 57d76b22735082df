"""Fill a clinical report's own parts the way a therapist would: each section of its type with
text, each plan goal with a status, so a test can sign it (rules/note_types.py, ADR 0580)."""

from __future__ import annotations

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_update_note
from cleannote.apps.notes.clinical_reports import plan_goals
from cleannote.apps.notes.models import Note


def fill_report(actor: Actor, note: Note, *, status: str = "active", **fields: object) -> Note:
    """Write every section of the note's type and give each plan goal `status`; `fields`
    are further note fields (complexity, assessment...)."""
    template = note.template
    report: dict[str, object] = {
        "sections": {s.key: f"{s.label} as written by the therapist." for s in template.sections}
    }
    if template.reports_goals:
        report["goal_report"] = [
            {"goal": g.pk, "status": status, "current": g.target} for g in plan_goals(note)
        ]
    return do_update_note(actor, note, **report, **fields)
