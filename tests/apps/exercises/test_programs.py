"""Programs from notes (ADR 0970): revisions and their changes, the note's panel, the log,
adherence on the chart, the plan of care and the note's suggestion, the PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.exercises.actions import (
    DoseInput,
    EntryInput,
    ExerciseRefused,
    do_log_session,
    do_prescribe,
)
from cleannote.apps.exercises.models import ProgramRevision
from cleannote.apps.exercises.selectors import adherence_of, plan_adherence, program_of
from cleannote.rules.home_program import ChangeKind
from tests.apps.exercises.conftest import Library, next_note
from tests.personas import TODAY, client_for

pytestmark = pytest.mark.django_db


def _log(lib: Library, days_ago: int, *, pain: int = 3) -> None:
    revision = program_of(lib.clinic.case).current
    assert revision is not None
    patient = lib.clinic.patient
    via = Actor(user=None, organisation=lib.clinic.organisation, via=f"patient {patient.pk}")
    do_log_session(
        via, patient, revision, done_on=TODAY - dt.timedelta(days=days_ago),
        entries=[EntryInput(p.pk, True, p.sets, p.reps) for p in revision.lines.all()],
        pain=pain, difficulty="right",
    )  # fmt: skip


def test_the_next_note_makes_a_revision_with_its_changes(prescribed: Library):
    lib = prescribed
    client = client_for(lib.clinic.therapist)
    note = next_note(lib)
    url = reverse("exercises:note_program", args=[note.pk])
    # the panel shows revision 1 and offers the next
    panel = client.get(url).content.decode()
    assert "a change here makes revision 2" in panel
    # change the bridge's dose, add cat and camel, stop the clamshell
    dose = {"sets": "3", "reps": "15", "times": "1", "per": "day", "progression": "single leg"}
    assert client.post(url, {"exercise": lib.bridge.pk, **dose}).status_code == 302
    client.post(url, {"exercise": lib.cat.pk, "sets": "1", "reps": "10", "hold_seconds": "5",
                      "times": "2", "per": "day"}, HTTP_HX_REQUEST="true")  # fmt: skip
    stopped = client.post(
        reverse("exercises:stop", args=[note.pk, lib.clam.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Revision 2, made on this visit" in stopped
    program = program_of(lib.clinic.case)
    assert [r.number for r in program.revisions] == [1, 2]
    assert [(c.kind, c.name) for c in program.latest_changes] == [
        (ChangeKind.CHANGED, "Bridge"),
        (ChangeKind.ADDED, "Cat and camel"),
        (ChangeKind.REMOVED, "Clamshell"),
    ]
    # revision 1 is as it was
    assert [p.exercise.name for p in program.revisions[0].lines.all()] == ["Bridge", "Clamshell"]
    # a dose out of range is refused at its field, nothing saved
    bad = client.post(
        url, {"exercise": lib.bridge.pk, **dose, "sets": "40"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="program-sets-error"' in bad.content.decode()


def test_only_the_treating_clinician_on_a_draft_prescribes(prescribed: Library):
    lib = prescribed
    with pytest.raises(ExerciseRefused, match="signed"):
        do_prescribe(lib.therapist, lib.clinic.draft_note, lib.cat, DoseInput(1, 10))
    owner = Actor(user=lib.clinic.owner.user, organisation=lib.clinic.organisation)
    with pytest.raises(ExerciseRefused, match="treating clinician"):
        do_prescribe(owner, next_note(lib), lib.cat, DoseInput(1, 10))
    url = reverse("exercises:note_program", args=[next_note(lib).pk])
    refused = client_for(lib.clinic.biller).post(url, {"exercise": lib.cat.pk})
    assert refused.status_code == 403
    assert ProgramRevision.objects.count() == 1


def test_the_log_gives_adherence_on_chart_plan_and_suggestion(prescribed: Library):
    lib = prescribed
    for days_ago in (0, 1, 2, 9):
        _log(lib, days_ago)
    program = program_of(lib.clinic.case)
    seen = adherence_of(program, TODAY)
    assert seen is not None
    # revision 1 from yesterday: 7 a week (the daily bridge) over 2 days = 2 asked
    assert (seen.week.done, seen.week.prescribed) == (3, 2)
    client = client_for(lib.clinic.therapist)
    chart = client.get(reverse("patients:chart", args=[lib.clinic.patient.pk])).content.decode()
    assert "Home exercise program" in chart
    assert "3 of 2 (150%)" in chart
    plan = client.get(
        reverse("patients:plan", args=[lib.clinic.patient.pk, lib.clinic.case.pk])
    ).content.decode()
    assert 'id="plan-hep-adherence"' in plan
    found = plan_adherence(lib.clinic.plan, TODAY)
    assert found is not None
    assert found.done == 4
    note = next_note(lib)
    offered = client.get(reverse("exercises:note_suggestion", args=[note.pk])).content.decode()
    assert "3 of 2 prescribed sessions logged in the last 7 days" in offered
    assert 'data-insert-into="patient_words"' in offered
    note.refresh_from_db()
    assert "Home exercise" not in note.patient_words  # offered, never written by itself
    # the front desk sees no program on the chart (it reads no notes)
    desk = client_for(lib.clinic.front_desk).get(
        reverse("patients:chart", args=[lib.clinic.patient.pk])
    )
    assert "Home exercise program" not in desk.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"done_on": TODAY + dt.timedelta(days=1)}, "done_on"), ({"pain": 11}, "pain"),
     ({"entries": []}, "entries")],
)  # fmt: skip
def test_a_bad_log_names_its_field(prescribed: Library, change, field):
    revision = program_of(prescribed.clinic.case).current
    assert revision is not None
    values = {
        "done_on": TODAY, "pain": 2, "difficulty": "easy",
        "entries": [EntryInput(p.pk, True) for p in revision.lines.all()],
    }  # fmt: skip
    values.update(change)
    patient = prescribed.clinic.patient
    via = Actor(user=None, organisation=prescribed.clinic.organisation, via="patient")
    with pytest.raises(ExerciseRefused) as refused:
        do_log_session(via, patient, revision, **values)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_pdf_carries_the_clinic_and_the_program(prescribed: Library):
    client = client_for(prescribed.clinic.therapist)
    response = client.get(reverse("exercises:program_pdf", args=[prescribed.clinic.case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Riverside" in text
    assert "Clamshell" in text
    assert "red band" in text
    assert AuditEvent.objects.filter(object_type="home_program", action="export").exists()


def test_another_clinic_sees_nothing(prescribed: Library, other_clinic):
    client = client_for(other_clinic.therapist)
    case = prescribed.clinic.case
    assert client.get(reverse("exercises:case_program", args=[case.pk])).status_code == 404
    assert client.get(reverse("exercises:program_pdf", args=[case.pk])).status_code == 404
    note = prescribed.clinic.draft_note
    assert client.get(reverse("exercises:note_program", args=[note.pk])).status_code == 404


def test_an_older_note_cannot_change_a_newer_program(prescribed: Library):
    lib = prescribed
    newer = next_note(lib)
    do_prescribe(lib.therapist, newer, lib.cat, DoseInput(1, 10))
    older = next_note(lib, TODAY - dt.timedelta(days=3))
    with pytest.raises(ExerciseRefused, match="A later note changed the program"):
        do_prescribe(lib.therapist, older, lib.cat, DoseInput(2, 10))
    panel = client_for(lib.clinic.therapist).get(reverse("exercises:note_program", args=[older.pk]))
    assert 'id="program-superseded"' in panel.content.decode()
    assert 'id="prescribe"' not in panel.content.decode()
