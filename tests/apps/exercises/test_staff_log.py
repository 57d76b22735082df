"""A clinician logs a home session the patient reports by phone or at a visit (ADR 0924):
from the chart's home-program panel, marked as entered by staff with who wrote it, counted by
adherence like the patient's own, audited; refused in a sentence where the input is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.exercises.models import ExerciseSession
from cleannote.apps.exercises.selectors import adherence_of, program_of
from tests.apps.exercises.conftest import Library
from tests.personas import client_for

pytestmark = pytest.mark.django_db


def _posted(lib: Library, day: dt.date, **extra: str) -> dict[str, str]:
    revision = program_of(lib.clinic.case).current
    assert revision is not None
    bridge = revision.lines.get(exercise=lib.bridge)
    return {
        "done_on": day.isoformat(),
        f"done-{bridge.pk}": "1",
        f"sets-{bridge.pk}": "3",
        f"reps-{bridge.pk}": "8",
        "pain": "4",
        "difficulty": "hard",
        **extra,
    }


def test_a_clinician_logs_what_the_patient_reports_and_adherence_counts_it(prescribed):
    lib = prescribed
    case, patient, therapist = lib.clinic.case, lib.clinic.patient, lib.clinic.therapist
    client = client_for(therapist)
    url = reverse("exercises:log_session", args=[case.pk])
    today = timezone.localdate()
    # given the chart's home-program panel links the form
    chart = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert f'href="{url}"' in chart
    form = client.get(url)
    assert form.status_code == 200
    assert "Log a session the patient reports" in form.content.decode()
    # when the clinician logs the session the patient reported by phone
    saved = client.post(url, _posted(lib, today))
    # then it is stored as entered by staff, by this clinician, with what was done
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"{reverse('exercises:case_program', args=[case.pk])}#h-log")
    session = ExerciseSession.objects.get()
    assert (session.done_on, session.pain, session.difficulty) == (today, 4, "hard")
    assert (session.by_patient, session.logged_by) == (False, therapist)
    done = [
        (e.prescription.exercise, e.done, e.sets_done, e.reps_done) for e in session.entries.all()
    ]
    assert (lib.bridge, True, 3, 8) in done
    assert (lib.clam, False, None, None) in done
    # and adherence counts it like the patient's own
    seen = adherence_of(program_of(case), today)
    assert seen is not None
    assert seen.week.done == 1
    # and the program page shows who entered it
    page = client.get(reverse("exercises:case_program", args=[case.pk])).content.decode()
    assert f"staff ({therapist.display_name})" in page
    # audited: the form's read and the session's creation, as the clinician, on the patient
    events = AuditEvent.objects.filter(actor=therapist.user, patient_id=patient.pk)
    assert events.filter(action=AuditAction.VIEW, object_type="home_program").exists()
    assert events.filter(
        action=AuditAction.CREATE, object_type="exercise_session", object_id=str(session.pk)
    ).exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"days_ahead": 1}, "A session cannot be logged for a day still to come."),
        ({"days_ahead": -29}, "Log sessions of the last 4 weeks only."),
        ({"sets": "three"}, "Give the sets of Bridge as a whole number."),
        ({"untick": True}, "Tick at least one exercise you did."),
        ({"pain": "12"}, "Ensure this value is less than or equal to 10."),
    ],
)
def test_a_bad_log_is_refused_in_a_sentence_and_nothing_saved(prescribed, change, says):
    lib = prescribed
    revision = program_of(lib.clinic.case).current
    assert revision is not None
    bridge = revision.lines.get(exercise=lib.bridge)
    posted = _posted(lib, timezone.localdate() + dt.timedelta(days=change.get("days_ahead", 0)))
    if "sets" in change:
        posted[f"sets-{bridge.pk}"] = change["sets"]
    if "pain" in change:
        posted["pain"] = change["pain"]
    if change.get("untick"):
        posted.pop(f"done-{bridge.pk}")
    client = client_for(lib.clinic.therapist)
    response = client.post(reverse("exercises:log_session", args=[lib.clinic.case.pk]), posted)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ExerciseSession.objects.exists()


def test_who_may_log_for_the_patient(prescribed, other_clinic):
    lib = prescribed
    url = reverse("exercises:log_session", args=[lib.clinic.case.pk])
    posted = _posted(lib, timezone.localdate())
    # the front desk writes no notes; another clinic's clinician does not see the case
    assert client_for(lib.clinic.front_desk).post(url, posted).status_code == 403
    assert client_for(other_clinic.therapist).post(url, posted).status_code == 404
    assert client_for(other_clinic.therapist).get(url).status_code == 404
    assert not ExerciseSession.objects.exists()


def test_without_a_program_the_form_sends_back_to_the_program_page(library):
    client = client_for(library.clinic.therapist)
    case = library.clinic.case
    response = client.get(reverse("exercises:log_session", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:case_program", args=[case.pk])
