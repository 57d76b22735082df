"""The patient's home exercise pages (ADR 0970): the program with its changes, logging a
session that the therapist's adherence counts, and nothing of another patient's."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.exercises.actions import DoseInput, do_prescribe
from cleannote.apps.exercises.models import ExerciseSession
from cleannote.apps.exercises.selectors import program_of
from cleannote.apps.patients.chart_actions import do_update_patient
from cleannote.apps.portal.actions import do_invite_to_portal
from tests.apps.exercises.conftest import (  # noqa: F401  (fixtures)
    Library,
    _media_dir,
    library,
    next_note,
    prescribed,
)
from tests.apps.portal.conftest import _fresh_rate_limits, signed_in_client  # noqa: F401
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _patient_browser(lib: Library):
    c = lib.clinic
    desk = Actor(user=c.front_desk.user, organisation=c.organisation)
    do_update_patient(
        desk, c.patient, reason="patient gave an email", email="pat@example.com",
        email_consent=True, email_consent_on=TODAY,
    )  # fmt: skip
    _, secret = do_invite_to_portal(desk, c.patient, channel="email")
    return signed_in_client(secret)


def test_the_patient_sees_the_program_and_what_changed(prescribed: Library):  # noqa: F811
    lib = prescribed
    note = next_note(lib)
    do_prescribe(lib.therapist, note, lib.bridge, DoseInput(3, 15))
    browser = _patient_browser(lib)
    page = browser.get("/portal/exercises/").content.decode()
    assert "Home exercises" in page
    assert "Our own words on how to do Clamshell." in page
    assert "Changed: <strong>Bridge</strong>, now 3 × 15, 1 a day (was 3 × 10, 1 a day)" in page
    changes = browser.get(f"/portal/exercises/{lib.clinic.case.pk}/changes/").content.decode()
    assert "program started" in changes
    pdf = browser.get(f"/portal/exercises/{lib.clinic.case.pk}/program.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        object_type="portal_page", object_id="exercises", patient_id=lib.clinic.patient.pk
    ).exists()


def test_the_patient_logs_a_session(prescribed: Library):  # noqa: F811
    lib = prescribed
    browser = _patient_browser(lib)
    program = program_of(lib.clinic.case)
    bridge, clam = program.lines
    url = f"/portal/exercises/{lib.clinic.case.pk}/log/"
    assert browser.get(url).status_code == 200
    response = browser.post(url, {
        "done_on": (TODAY - dt.timedelta(days=1)).isoformat(), f"done-{bridge.pk}": "1",
        f"sets-{bridge.pk}": "2", f"reps-{bridge.pk}": "10", f"sets-{clam.pk}": "2",
        "pain": "3", "difficulty": "hard",
    })  # fmt: skip
    assert response.status_code == 302
    session = ExerciseSession.objects.get()
    assert (session.pain, session.difficulty, session.by_patient) == (3, "hard", True)
    assert [(e.done, e.sets_done) for e in session.entries.order_by("id")] == [
        (True, 2),
        (False, None),
    ]
    assert "1 of 2 (50%)" in browser.get("/portal/exercises/").content.decode()
    # nothing ticked: told so, nothing saved
    again = browser.post(url, {"done_on": TODAY.isoformat()})
    assert again.status_code == 400
    assert "Tick at least one exercise" in again.content.decode()
    assert ExerciseSession.objects.count() == 1


def test_another_patients_program_is_not_found(prescribed: Library, other_clinic):  # noqa: F811
    browser = _patient_browser(prescribed)
    other_case = other_clinic.note.case_id
    for path in ("log/", "changes/", "program.pdf"):
        assert browser.get(f"/portal/exercises/{other_case}/{path}").status_code == 404
    assert browser.get("/portal/exercises/media/999/").status_code == 404
    # a staff login does not open the patient's pages
    from tests.personas import client_for

    staff = client_for(prescribed.clinic.therapist)
    assert staff.get("/portal/exercises/").status_code == 302
