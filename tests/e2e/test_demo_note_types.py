"""The demo clinic shows every note type (ADR 0580), each written and signed through the notes
actions: evaluations on first visits, a re-evaluation, a progress report and a discharge
summary whose case is discharged."""

from __future__ import annotations

from cleannote.apps.notes.models import Note
from cleannote.rules.note_types import NoteType
from tests.e2e.conftest import Demo


def test_the_demo_has_a_note_of_every_type(demo: Demo):
    notes = Note.objects.filter(patient__organisation=demo.organisation)
    kinds = set(notes.values_list("note_type", flat=True))
    assert kinds == {t.value for t in NoteType}
    # every evaluation bills its code and states the complexity that code bills
    for evaluation in notes.filter(note_type=NoteType.EVALUATION, status="signed"):
        codes = set(evaluation.blocks.values_list("code", flat=True))
        assert codes & {"97162", "97166", "92523", "99203"}
        assert evaluation.sections["history"]
    # the discharge summary is signed, reports each goal, and its case is discharged
    summary = notes.get(note_type=NoteType.DISCHARGE_SUMMARY)
    assert summary.is_signed
    assert {row["status"] for row in summary.goal_report} <= {"met", "partially_met"}
    assert all(row["text"] for row in summary.goal_report)
    assert summary.case.closure == "discharged"
    assert notes.filter(note_type=NoteType.RE_EVALUATION, status="signed").exists()
