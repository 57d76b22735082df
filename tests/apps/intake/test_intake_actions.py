"""Intake forms, chart suggestions, consents and ABNs through their actions, on the Riverside
personas (tests/personas.py; ADR 0960)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.intake.actions import (
    do_decide_suggestion,
    do_offer_notice,
    do_publish_consent,
    do_publish_form,
    do_send_form,
    do_sign_consent,
    do_sign_notice,
    do_submit_response,
)
from cleannote.apps.intake.errors import IntakeRefused
from cleannote.apps.intake.models import ChartSuggestion, IntakeResponse, SuggestionStatus
from cleannote.apps.intake.selectors import missing_for
from cleannote.apps.patients.measure_actions import MeasureRecordError, do_record_outcome_measure
from cleannote.apps.patients.models import Case, Coverage, OutcomeMeasureResult, Patient
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.reminders import reminder_messages
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)
from tests.personas import TODAY, Clinic

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "street", "label": "Street address", "type": "text", "maps_to": "address_line1"},
    {"key": "member", "label": "Member ID on your card", "type": "text",
     "maps_to": "coverage.member_id"},
    {"key": "pain", "label": "Pain now", "type": "scale", "required": True},
    {"key": "sign", "label": "Signature", "type": "signature", "required": True},
]  # fmt: skip


def _actors(clinic: Clinic) -> tuple[Actor, Actor]:
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    patient = Actor(user=None, organisation=clinic.organisation, via=f"patient {clinic.patient.pk}")
    return owner, patient


def test_an_answered_form_keeps_its_version_and_its_answers_wait_for_the_desk(clinic: Clinic):
    owner, patient_actor = _actors(clinic)
    # given a form sent to the patient, then changed (version 2) before they answer
    v1 = do_publish_form(owner, clinic.owner, name="New patient", fields=FIELDS)
    sent = do_send_form(owner, clinic.patient, v1.form)
    v2 = do_publish_form(owner, clinic.owner, name="New patient", fields=FIELDS[2:], form=v1.form)
    # when the patient answers and signs
    given = {"street": ["40 Oak Ave"], "member": ["9ZZ9ZZ9ZZ99"], "pain": ["4"], "sign": ["Pat E"]}
    signed = do_submit_response(patient_actor, sent, given, signed_name="Pat Example")
    # then it keeps version 1, and nothing changed on the chart by itself
    assert (signed.version_id, v2.number) == (v1.pk, 2)
    assert Patient.objects.get(pk=clinic.patient.pk).address_line1 == ""
    suggestions = {s.target: s for s in ChartSuggestion.objects.filter(response=signed)}
    assert {t: s.value for t, s in suggestions.items()} == {
        "address_line1": "40 Oak Ave",
        "coverage.member_id": "9ZZ9ZZ9ZZ99",
    }
    # when the front desk accepts the address and rejects the member id
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    do_decide_suggestion(
        desk, clinic.front_desk, suggestions["address_line1"], accept=True, today=TODAY
    )
    do_decide_suggestion(
        desk, clinic.front_desk, suggestions["coverage.member_id"], accept=False, today=TODAY
    )
    # then the chart holds the accepted answer only
    assert Patient.objects.get(pk=clinic.patient.pk).address_line1 == "40 Oak Ave"
    assert Coverage.objects.get(patient=clinic.patient).member_id == "1EG4TE5MK73"
    assert (
        ChartSuggestion.objects.get(target="coverage.member_id").status == SuggestionStatus.REJECTED
    )
    # and a signed form cannot be answered again
    with pytest.raises(IntakeRefused):
        do_submit_response(patient_actor, sent, given, signed_name="Pat Example")


def test_wrong_answers_are_refused_with_each_problem(clinic: Clinic):
    owner, patient_actor = _actors(clinic)
    version = do_publish_form(owner, clinic.owner, name="New patient", fields=FIELDS)
    sent = do_send_form(owner, clinic.patient, version.form)
    with pytest.raises(IntakeRefused) as refused:
        do_submit_response(patient_actor, sent, {"pain": ["12"]}, signed_name="Pat Example")
    assert sorted(refused.value.problems) == ["pain", "sign"]
    assert IntakeResponse.objects.get(pk=sent.pk).status == "sent"


def test_consents_missing_signed_and_asked_again_on_a_new_version(clinic: Clinic):
    owner, patient_actor = _actors(clinic)
    treatment = do_publish_consent(
        owner, clinic.owner, kind="treatment", text="I consent to physical therapy evaluation."
    )
    do_publish_consent(owner, clinic.owner, kind="financial", text="I am responsible for my bill.")
    do_publish_consent(
        owner, clinic.owner, kind="telehealth", text="Telehealth visits by video.", required=False
    )
    assert [m.what for m in missing_for(clinic.patient)] == [
        "Consent to treatment",
        "Financial policy",
    ]
    signature = do_sign_consent(
        patient_actor, clinic.patient, treatment, signed_name="Pat Example", via="portal"
    )
    assert signature.text.version == 1
    assert [m.what for m in missing_for(clinic.patient)] == ["Financial policy"]
    # a new version of the treatment consent asks again, and the old one cannot be signed
    do_publish_consent(
        owner, clinic.owner, kind="treatment", text="I consent to therapy, v2 words."
    )
    assert "Consent to treatment (new version)" in [m.what for m in missing_for(clinic.patient)]
    with pytest.raises(IntakeRefused):
        do_sign_consent(patient_actor, clinic.patient, treatment, signed_name="Pat E", via="portal")


def test_a_booking_sends_the_forms_and_the_reminder_asks_for_them(clinic: Clinic):
    owner, _patient = _actors(clinic)
    do_publish_form(owner, clinic.owner, name="New patient", fields=FIELDS)
    Patient.objects.filter(pk=clinic.patient.pk).update(
        email="pat@example.org", email_consent=True, email_consent_on=TODAY
    )
    clinic.patient.refresh_from_db()
    start = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(10)))
    appointment = do_book_appointment(
        owner, patient=clinic.patient, staff=clinic.therapist, location=clinic.location,
        start=start, end=start + dt.timedelta(minutes=45), override_hours=True,
    )  # fmt: skip
    [sent] = IntakeResponse.objects.filter(patient=clinic.patient)
    assert sent.appointment_id == appointment.pk
    [email] = reminder_messages(appointment)
    assert "please complete your forms" in email.body
    assert "/portal/" in email.body


def test_abn_is_only_for_medicare_and_option_1_puts_ga_on_the_claim(billing: Billing):  # noqa: F811
    clinic = billing.clinic
    owner, patient_actor = _actors(clinic)
    # given an ABN for 97110 offered and signed (option 1) before the visit
    notice = do_offer_notice(
        owner, clinic.owner, clinic.patient, codes=["97110"], services="Therapeutic exercise",
        reason="Medicare may not pay for maintenance exercise.", estimated_cost="45.00",
        today=TODAY,
    )  # fmt: skip
    assert [m.kind for m in missing_for(clinic.patient)] == ["notice"]
    before = billing.note.date_of_service - dt.timedelta(days=1)
    moment = timezone.make_aware(dt.datetime.combine(before, dt.time(9)))
    do_sign_notice(patient_actor, notice, option=1, signed_name="Pat Example", now=moment)
    # when the biller makes the claim of the visit
    claim = do_create_claim_from_note(billing.actor, billing.note)
    # then its 97110 line carries GA
    [line] = [line for line in claim.lines.all() if line.code == "97110"]
    assert "GA" in line.modifiers
    # and a patient without Medicare in force is not offered one
    Coverage.objects.filter(patient=clinic.patient).update(
        active_through=TODAY - dt.timedelta(days=400)
    )
    with pytest.raises(IntakeRefused) as refused:
        do_offer_notice(
            owner, clinic.owner, clinic.patient, codes=["97110"], services="", reason="x",
            estimated_cost=Decimal("45"), today=TODAY,
        )  # fmt: skip
    assert refused.value.field == "patient"


def test_the_desk_copies_a_questionnaire_total_the_patient_signed_onto_the_case(clinic: Clinic):
    # given a form whose LEFS total goes to the chart, answered and signed by the patient
    owner, patient_actor = _actors(clinic)
    fields = [
        {"key": "lefs", "label": "LEFS total", "type": "text", "maps_to": "measure:LEFS"},
        {"key": "sign", "label": "Signature", "type": "signature", "required": True},
    ]
    version = do_publish_form(owner, clinic.owner, name="Knee intake", fields=fields)
    sent = do_send_form(owner, clinic.patient, version.form)
    signed = do_submit_response(
        patient_actor, sent, {"lefs": ["52"], "sign": ["Pat E"]}, signed_name="Pat Example"
    )
    suggestion = ChartSuggestion.objects.get(response=signed, target="measure:LEFS")
    # when the front desk, who writes no notes, accepts it
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    do_decide_suggestion(desk, clinic.front_desk, suggestion, accept=True, today=TODAY)
    # then the case holds the patient's total, recorded by the desk
    measure = OutcomeMeasureResult.objects.get(case__patient=clinic.patient, instrument="LEFS")
    assert (measure.score, measure.recorded_by_id) == (Decimal("52"), clinic.front_desk.pk)


def test_a_test_the_clinician_performs_is_never_taken_from_a_patients_form(clinic: Clinic):
    owner, _ = _actors(clinic)
    # the form builder refuses to map a field to the Berg Balance Scale
    berg = [{"key": "berg", "label": "Balance", "type": "text", "maps_to": "measure:BBS"}]
    with pytest.raises(IntakeRefused, match="BBS is a test the clinician performs"):
        do_publish_form(owner, clinic.owner, name="Balance", fields=berg)
    # and the measure action refuses a timed test copied from a form, even for the owner
    case = Case.objects.filter(patient=clinic.patient).first()
    assert case is not None
    with pytest.raises(MeasureRecordError, match="TUG is a test the clinician performs"):
        do_record_outcome_measure(
            owner, case=case, recorded_by=clinic.owner, instrument_code="TUG",
            measured_on=TODAY, today=TODAY, total="9.8", from_patient_form=True,
        )  # fmt: skip
    # while the desk still records no measure of its own
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    with pytest.raises(MeasureRecordError, match="may not record measures"):
        do_record_outcome_measure(
            desk, case=case, recorded_by=clinic.front_desk, instrument_code="LEFS",
            measured_on=TODAY, today=TODAY, total="52",
        )  # fmt: skip
