"""Migration 0004 gives every existing note a type and keeps its data (ADR 0580): a flagged
progress report stays one, a note billing an evaluation or re-evaluation code becomes that
type, every other note a daily note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cleannote.apps.notes.models import Note

BEFORE = [("notes", "0003_rtm_billing_note")]


@pytest.mark.django_db(transaction=True)
def test_existing_notes_get_the_type_they_were():
    # given notes written before types: a flagged report, an evaluation, a re-evaluation, a visit
    executor = MigrationExecutor(connection)
    old = executor.migrate(BEFORE).apps
    org = old.get_model("organisations", "Organisation").objects.create(name="Before Types")
    location = old.get_model("organisations", "Location").objects.create(
        organisation=org, name="Main"
    )
    user = old.get_model("auth", "User").objects.create(username="typed-pt")
    staff = old.get_model("organisations", "Staff").objects.create(
        organisation=org, user=user, role="therapist", credential="PT"
    )
    patient = old.get_model("patients", "Patient").objects.create(
        organisation=org, first_name="Pat", last_name="Before", birth_date=dt.date(1970, 1, 1)
    )
    case = old.get_model("patients", "Case").objects.create(
        patient=patient, discipline="PT", title="Back", opened_on=dt.date(2026, 1, 5)
    )
    OldNote = old.get_model("notes", "Note")
    Block = old.get_model("notes", "TreatmentBlock")

    def note(day: int, codes: tuple[str, ...], report: bool = False) -> int:
        row = OldNote.objects.create(
            patient=patient,
            case=case,
            therapist=staff,
            location=location,
            date_of_service=dt.date(2026, 1, day),
            is_progress_report=report,
            assessment=f"assessment {day}",
        )
        for order, code in enumerate(codes, start=1):
            Block.objects.create(note=row, order=order, code=code)
        return row.pk

    ids = {
        "evaluation": note(5, ("97162", "97110")),
        "daily": note(6, ("97110", "97140")),
        "progress_report": note(7, ("97110",), report=True),
        "re_evaluation": note(8, ("97164",)),
    }
    # when every migration runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # then each note has its type, and its own data is kept
    for note_type, pk in ids.items():
        row = Note.objects.get(pk=pk)
        assert row.note_type == note_type
        assert row.assessment.startswith("assessment ")
    assert Note.objects.get(pk=ids["daily"]).blocks.count() == 2
