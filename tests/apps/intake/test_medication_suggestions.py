"""Intake answers for the medication list and the pain now (ADR 0964): the form's fields and
a patient's answers checked without a database; the medication suggestion the desk accepts
(what is on the list already is skipped) or rejects; the pain now offered to the patient's
next draft note only, never written into it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.intake.actions import (
    do_decide_suggestion,
    do_publish_form,
    do_send_form,
    do_submit_response,
)
from cleannote.apps.intake.errors import IntakeRefused
from cleannote.apps.intake.form_fields import (
    FormDefinitionError,
    check_answers,
    pain_now_of,
    read_fields,
    suggestions_of,
)
from cleannote.apps.intake.models import ChartSuggestion, IntakeResponse, SuggestionStatus
from cleannote.apps.intake.selectors import pain_for_note
from cleannote.apps.notes.actions import do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.medication_actions import do_add_medication
from cleannote.apps.patients.models import Medication
from tests.personas import TODAY, Clinic

RAW = [
    {"key": "meds", "label": "Medications you take", "type": "text", "maps_to": "medications"},
    {"key": "pain", "label": "Pain now", "type": "scale", "maps_to": "pain_now", "required": True},
    {"key": "sign", "label": "Signature", "type": "signature", "required": True},
]
FIELDS = read_fields(RAW)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"key": "m", "label": "Meds", "type": "choice", "choices": ["a", "b"],
          "maps_to": "medications"}, "a medication list is a text field"),
        ({"key": "p", "label": "Pain", "type": "scale", "high": 5, "maps_to": "pain_now"},
         "the pain now is a scale field from 0 to 10"),
        ({"key": "p", "label": "Pain", "type": "text", "maps_to": "pain_now"},
         "the pain now is a scale field from 0 to 10"),
    ],
    ids=["medications-not-text", "pain-not-0-to-10", "pain-not-a-scale"],
)  # fmt: skip
def test_the_targets_take_their_own_field_types(raw, problem):
    with pytest.raises(FormDefinitionError) as refused:
        read_fields([raw])
    assert refused.value.problem.startswith(problem)


def test_the_list_keeps_its_lines_and_the_pain_is_not_the_desks():
    given = {"meds": ["- ibuprofen 200 mg twice a day\r\n\r\n  lisinopril  10 mg "], "pain": ["6"]}
    answers, problems = check_answers(FIELDS, {**given, "sign": ["Pat Example"]})
    assert problems == {}
    assert answers["meds"] == "ibuprofen 200 mg twice a day\nlisinopril 10 mg"
    assert suggestions_of(FIELDS, answers) == [
        ("medications", "ibuprofen 200 mg twice a day\nlisinopril 10 mg")
    ]
    assert pain_now_of(FIELDS, answers) == 6


@pytest.mark.parametrize(
    ("meds", "problem"),
    [
        ("ibuprofen\n200 mg twice a day", "Line 2: name the medication."),
        ("\n".join(f"med {n} " + "x" * 20 for n in range(21)), "Keep the list under 500"),
    ],
    ids=["a-line-without-a-name", "too-long"],
)
def test_a_list_that_cannot_be_read_is_named_next_to_its_question(meds, problem):
    _answers, problems = check_answers(
        FIELDS, {"meds": [meds], "pain": ["2"], "sign": ["Pat Example"]}
    )
    assert problems["meds"].startswith(problem)


# --- with a database ----------------------------------------------------------------------


def _submitted(clinic: Clinic, meds: str, pain: str = "6") -> IntakeResponse:
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    version = do_publish_form(owner, clinic.owner, name="New patient", fields=RAW)
    sent = do_send_form(owner, clinic.patient, version.form)
    patient = Actor(user=None, organisation=clinic.organisation, via=f"patient {clinic.patient.pk}")
    return do_submit_response(
        patient, sent, {"meds": [meds], "pain": [pain], "sign": ["Pat E"]}, signed_name="Pat E"
    )


@pytest.mark.django_db
def test_the_desk_accepts_the_medications_not_on_the_list(clinic: Clinic):
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    do_add_medication(desk, clinic.patient, name="Ibuprofen", dose="400 mg", today=TODAY)
    signed = _submitted(clinic, "ibuprofen 200 mg twice a day\nLisinopril 10 mg daily")
    # only the medication list waits for the desk: the pain is the therapist's
    [suggestion] = ChartSuggestion.objects.filter(response=signed)
    assert suggestion.target == "medications"
    assert Medication.objects.filter(patient=clinic.patient).count() == 1
    decided = do_decide_suggestion(desk, clinic.front_desk, suggestion, accept=True, today=TODAY)
    assert (decided.status, decided.decision_note) == (
        SuggestionStatus.ACCEPTED,
        "added 1, on the list already 1",
    )
    listed = {m.name: m for m in Medication.objects.filter(patient=clinic.patient)}
    assert sorted(listed) == ["Ibuprofen", "Lisinopril"]
    assert listed["Ibuprofen"].dose == "400 mg"  # the chart's own entry is left as it was
    assert (listed["Lisinopril"].source, listed["Lisinopril"].source_answer_id) == (
        "intake",
        signed.pk,
    )
    assert AuditEvent.objects.filter(
        object_type="chart_suggestion", object_id=str(suggestion.pk), reason="accepted"
    ).exists()
    with pytest.raises(IntakeRefused, match="decided already"):
        do_decide_suggestion(desk, clinic.front_desk, suggestion, accept=True, today=TODAY)


@pytest.mark.django_db
def test_a_rejected_list_adds_nothing_and_a_biller_cannot_decide(clinic: Clinic, login):
    signed = _submitted(clinic, "naproxen 250 mg")
    [suggestion] = signed.suggestions.all()
    biller = login(clinic.biller)
    url = f"/intake/patients/{clinic.patient.pk}/suggestions/{suggestion.pk}/"
    assert biller.post(url, {"decision": "accept"}).status_code == 403
    desk = login(clinic.front_desk)
    panel = desk.get(f"/intake/patients/{clinic.patient.pk}/").content.decode()
    assert "Medication list (one a line)" in panel
    assert "naproxen 250 mg" in panel
    desk.post(url, {"decision": "reject"})
    assert ChartSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.REJECTED
    assert not Medication.objects.filter(patient=clinic.patient).exists()


@pytest.mark.django_db
def test_the_desk_page_accepts_and_says_what_was_added(clinic: Clinic, login):
    signed = _submitted(clinic, "naproxen 250 mg twice a day\nfish oil")
    [suggestion] = signed.suggestions.all()
    desk = login(clinic.front_desk)
    answer = desk.post(
        f"/intake/patients/{clinic.patient.pk}/suggestions/{suggestion.pk}/",
        {"decision": "accept"},
        follow=True,
    ).content.decode()
    assert "accepted onto the chart (added 2, on the list already 0)" in answer
    chart_list = desk.get(f"/patients/{clinic.patient.pk}/medications/").content.decode()
    assert "naproxen" in chart_list
    assert "from intake answer" in chart_list


@pytest.mark.django_db
def test_the_pain_now_is_offered_to_the_next_draft_note_only(clinic: Clinic, login):
    # given the answer signed before the fixture's draft note (dated yesterday)
    signed = _submitted(clinic, "aspirin", pain="7")
    day = TODAY - dt.timedelta(days=1)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    IntakeResponse.objects.filter(pk=signed.pk).update(signed_at=moment)
    draft = Note.objects.get(pk=clinic.draft_note.pk)
    offered = pain_for_note(draft)
    assert offered is not None
    assert (offered.level, offered.answered_on) == (7, day)
    # the editor's slot offers it as a button; the note's pain is untouched
    therapist = login(clinic.therapist)
    page = therapist.get(f"/intake/notes/{draft.pk}/pain/").content.decode()
    assert 'data-insert-into="pain_level"' in page
    assert 'data-text="7"' in page
    assert Note.objects.get(pk=draft.pk).pain_level is None
    assert AuditEvent.objects.filter(object_type="intake_response", object_id=str(signed.pk))
    assert (
        f"/intake/notes/{draft.pk}/pain/"
        in therapist.get(f"/notes/{draft.pk}/edit/").content.decode()
    )
    # the signed note of two days ago came before the answer: nothing is offered there
    assert therapist.get(f"/intake/notes/{clinic.signed_note.pk}/pain/").content.strip() == b""
    # the front desk does not read notes
    assert login(clinic.front_desk).get(f"/intake/notes/{draft.pk}/pain/").status_code == 403


@pytest.mark.django_db
def test_a_note_after_a_signed_one_since_the_answer_is_not_offered_it(clinic: Clinic):
    signed = _submitted(clinic, "aspirin", pain="3")
    before = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(8)))
    IntakeResponse.objects.filter(pk=signed.pk).update(signed_at=before)
    # the signed note two days ago was the next note after the answer
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    later = do_start_note(
        clinical, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=TODAY,
    )  # fmt: skip
    assert pain_for_note(later) is None
    # an answer older than the offer's window is not offered either
    IntakeResponse.objects.filter(pk=signed.pk).update(signed_at=before - dt.timedelta(days=60))
    assert pain_for_note(Note.objects.get(pk=clinic.draft_note.pk)) is None
