"""RTM on the chart (ADR 0570): enrol under the plan of care, days of data typed or imported
from the app's CSV (all or nothing), management minutes with the live contact, and the billable
lines written as a note that signs through the scrubber and bills as a claim."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import (
    do_create_claim_from_note,
    do_ensure_default_fee_schedule,
)
from cleannote.apps.notes.draft_actions import check_sign_note, do_start_follow_up_note
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.progress_report import progress_report_due
from cleannote.apps.notes.rtm_note import do_start_rtm_note
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.clinical_access import ChartAccessRefused
from cleannote.apps.patients.models import Goal, Patient, PlanOfCare, RtmEnrolment
from cleannote.apps.patients.rtm_actions import (
    RtmImportRefused,
    do_end_rtm,
    do_enrol_rtm,
    do_import_rtm_csv,
    do_record_rtm_days,
    do_record_rtm_time,
)
from cleannote.apps.patients.rtm_selectors import billing_of
from cleannote.rules.rtm import Standing
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

START = TODAY - dt.timedelta(days=70)  # periods: START..+29, +30..+59, +60..
PERIOD_1_END = START + dt.timedelta(days=29)
PERIOD_2_END = START + dt.timedelta(days=59)
LAST_MONTH_END = TODAY.replace(day=1) - dt.timedelta(days=1)
LAST_MONTH = LAST_MONTH_END.replace(day=1)


def _actor(staff):
    return Actor(user=staff.user, organisation=staff.organisation, ip_address="10.0.0.9")


@pytest.fixture
def plan(clinic):
    """A plan of care in force from before the enrolment, certified through today; the
    addresses a claim needs (as tests/apps/claims/conftest.py sets them)."""
    do_ensure_default_fee_schedule(clinic.location)
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(
        signature_received_on=clinic.plan.start_date, certification_kind="signed"
    )
    Organisation.objects.filter(pk=clinic.organisation.pk).update(zip="627011234")
    Patient.objects.filter(pk=clinic.patient.pk).update(
        address_line1="12 Elm St", city="Springfield", state="IL", zip="62704"
    )
    return do_create_plan_of_care(
        _actor(clinic.therapist),
        clinic.case,
        PlanOfCare(
            diagnoses=["M54.50"],
            frequency_per_week=1,
            duration_weeks=12,
            start_date=START - dt.timedelta(days=5),
            certified_through=TODAY + dt.timedelta(days=10),
            signature_received_on=START - dt.timedelta(days=3),
            certification_kind="signed",
        ),
        goals=[Goal(text="Home exercise 5 days a week", kind="functional", target="5")],
    )


def _enrol(clinic, plan, **values) -> RtmEnrolment:
    fields = {
        "plan": plan,
        "family": "msk",
        "device": "KneeCoach app",
        "app_reference": "kc-0042",
        "start_date": START,
        "supervising": clinic.therapist,
        "education": "Sensor fitting, app log-in, daily exercise reminders.",
    }
    fields.update(values)
    return do_enrol_rtm(_actor(clinic.therapist), clinic.case, RtmEnrolment(**fields))


# --- enrolment -------------------------------------------------------------------------------


def test_the_treating_therapist_enrols_the_patient_and_it_is_audited(clinic, plan):
    enrolment = _enrol(clinic, plan)
    assert enrolment.reference == f"RTM-{enrolment.pk}"
    event = AuditEvent.objects.get(object_type="rtm-enrolment", object_id=str(enrolment.pk))
    assert (event.action, event.patient_id) == ("create", clinic.patient.pk)


def test_the_front_desk_may_not_enrol(clinic, plan):
    with pytest.raises(ChartAccessRefused):
        do_enrol_rtm(
            _actor(clinic.front_desk),
            clinic.case,
            RtmEnrolment(plan=plan, device="x", start_date=START, supervising=clinic.therapist),
        )
    assert not RtmEnrolment.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param({"start_date": START - dt.timedelta(days=30)}, "start_date", id="before-plan"),
        pytest.param({"device": ""}, "device", id="no-device"),
    ],
)
def test_a_bad_enrolment_is_refused_naming_the_field(clinic, plan, values, field):
    with pytest.raises(ValidationError) as refused:
        _enrol(clinic, plan, **values)
    assert field in refused.value.message_dict


def test_a_case_has_one_running_enrolment_at_a_time(clinic, plan):
    first = _enrol(clinic, plan)
    with pytest.raises(ValidationError, match="already has a running"):
        _enrol(clinic, plan, start_date=START + dt.timedelta(days=3))
    do_end_rtm(_actor(clinic.therapist), first, START + dt.timedelta(days=9), reason="device lost")
    with pytest.raises(ValidationError, match="overlaps"):
        _enrol(clinic, plan, start_date=START + dt.timedelta(days=5))
    assert _enrol(clinic, plan, start_date=START + dt.timedelta(days=10)).pk != first.pk


# --- days of data ----------------------------------------------------------------------------


def test_the_front_desk_enters_days_of_data_and_repeats_add_nothing(clinic, plan):
    enrolment = _enrol(clinic, plan)
    front = _actor(clinic.front_desk)
    last = START + dt.timedelta(days=4)
    assert do_record_rtm_days(front, enrolment, START, last, today=TODAY) == 5
    assert do_record_rtm_days(front, enrolment, START, last, today=TODAY) == 0
    assert enrolment.data_days.count() == 5


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        pytest.param(START - dt.timedelta(days=1), START, "first", id="before-start"),
        pytest.param(TODAY, TODAY + dt.timedelta(days=1), "last", id="future"),
        pytest.param(START + dt.timedelta(days=2), START, "last", id="reversed"),
    ],
)
def test_days_outside_the_enrolment_are_refused(clinic, plan, first, last, field):
    enrolment = _enrol(clinic, plan)
    with pytest.raises(ValidationError) as refused:
        do_record_rtm_days(_actor(clinic.front_desk), enrolment, first, last, today=TODAY)
    assert field in refused.value.message_dict
    assert enrolment.data_days.count() == 0


def _csv(enrolment, days, ref=None) -> str:
    rows = [
        f"{(START + dt.timedelta(days=d)).isoformat()},{ref or enrolment.reference},2" for d in days
    ]
    return "date,patient,readings\n" + "\n".join(rows) + "\n"


def test_a_csv_import_adds_its_days_once(clinic, plan):
    enrolment = _enrol(clinic, plan)
    front = _actor(clinic.front_desk)
    text = _csv(enrolment, range(18)) + f"{START.isoformat()},kc-0042,1\n"
    assert do_import_rtm_csv(front, enrolment, text, today=TODAY) == 18
    assert do_import_rtm_csv(front, enrolment, text, today=TODAY) == 0
    assert set(enrolment.data_days.values_list("source", flat=True)) == {"imported"}


def test_a_csv_with_a_bad_row_imports_nothing_and_lists_every_problem(clinic, plan):
    enrolment = _enrol(clinic, plan)
    text = (
        _csv(enrolment, range(5)) + "2026-02-30,RTM-0,1\n" + _csv(enrolment, [6]).split("\n", 1)[1]
    )
    with pytest.raises(RtmImportRefused) as refused:
        do_import_rtm_csv(_actor(clinic.front_desk), enrolment, text, today=TODAY)
    assert [str(p) for p in refused.value.problems] == [
        "line 7, date: '2026-02-30' is not a date (YYYY-MM-DD)",
        "line 7, patient: is not this enrolment's reference",
    ]
    assert enrolment.data_days.count() == 0


# --- management minutes ----------------------------------------------------------------------


def test_minutes_are_recorded_by_the_clinician_not_the_front_desk(clinic, plan):
    enrolment = _enrol(clinic, plan)
    entry = do_record_rtm_time(
        _actor(clinic.therapist), enrolment, day=LAST_MONTH, minutes=12, contact="video",
        note="Reviewed adherence; progressed squats.", today=TODAY,
    )  # fmt: skip
    assert (entry.staff, entry.interactive) == (clinic.therapist, True)
    with pytest.raises(ChartAccessRefused):
        do_record_rtm_time(
            _actor(clinic.front_desk), enrolment, day=LAST_MONTH, minutes=5, contact="review",
            note="x", today=TODAY,
        )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        do_record_rtm_time(
            _actor(clinic.therapist), enrolment, day=LAST_MONTH, minutes=0, contact="review",
            note="x", today=TODAY,
        )  # fmt: skip
    assert "minutes" in refused.value.message_dict


# --- billing through a note and the scrubber ---------------------------------------------------


def test_a_finished_period_becomes_a_signed_note_and_a_claim(clinic, plan):
    # given 18 days of data in period 1, 5 in period 2, and last month's minutes with a call
    enrolment = _enrol(clinic, plan)
    therapist = _actor(clinic.therapist)
    do_import_rtm_csv(
        _actor(clinic.front_desk),
        enrolment,
        _csv(enrolment, [*range(18), *range(30, 35)]),
        today=TODAY,
    )
    do_record_rtm_time(
        therapist, enrolment, day=LAST_MONTH + dt.timedelta(days=3), minutes=14,
        contact="review", note="Reviewed the week's sessions.", today=TODAY,
    )  # fmt: skip
    do_record_rtm_time(
        therapist, enrolment, day=LAST_MONTH + dt.timedelta(days=9), minutes=8,
        contact="phone", note="Call: pain with stairs; lowered step height.", today=TODAY,
    )  # fmt: skip
    billing = billing_of(enrolment, TODAY)
    bills = {b.date_of_service: [line.code for line in b.lines] for b in billing.bills()}
    assert bills[START] == ["98975"]
    assert "98977" in bills[PERIOD_1_END]
    assert "98985" in bills[PERIOD_2_END]
    assert "98980" in bills[LAST_MONTH_END]
    # when the therapist writes and signs the note for period 1, and the biller bills it
    note = do_start_rtm_note(therapist, enrolment, PERIOD_1_END, today=TODAY)
    assert do_start_rtm_note(therapist, enrolment, PERIOD_1_END, today=TODAY) == note
    block = note.blocks.get(code="98977")
    assert block.parameters == {"device": "KneeCoach app", "device_days": 18}
    signed = check_sign_note(therapist, note, clinic.therapist)
    claim = do_create_claim_from_note(_actor(clinic.biller), signed, as_of=TODAY)
    # then the claim carries the code the days reached, marked for PT, and the period is billed
    lines = [(line.code, line.units) for line in claim.lines.order_by("number")]
    assert ("98977", 1) in lines
    assert "GP" in claim.lines.get(code="98977").modifiers
    period_1 = billing_of(enrolment, TODAY).periods[0]
    assert period_1.standing is Standing.ON_NOTE


def test_management_minutes_go_on_the_note_with_the_live_contact(clinic, plan):
    enrolment = _enrol(clinic, plan)
    therapist = _actor(clinic.therapist)
    do_record_rtm_time(
        therapist, enrolment, day=LAST_MONTH + dt.timedelta(days=2), minutes=30,
        contact="review", note="Trends reviewed.", today=TODAY,
    )  # fmt: skip
    do_record_rtm_time(
        therapist, enrolment, day=LAST_MONTH + dt.timedelta(days=5), minutes=15,
        contact="video", note="Video: form check.", today=TODAY,
    )  # fmt: skip
    note = do_start_rtm_note(therapist, enrolment, LAST_MONTH_END, today=TODAY)
    blocks = {b.code: b for b in note.blocks.all()}
    assert (blocks["98980"].minutes, blocks["98981"].minutes) == (20, 25)
    assert (
        "video visit with the patient, 15 min: Video: form check."
        in (blocks["98980"].parameters["interactive_communication"])
    )
    in_force = clinic.plan if clinic.plan.start_date <= LAST_MONTH_END else plan
    assert list(blocks["98980"].goals.all()) == list(in_force.goals.all())
    signed = check_sign_note(therapist, note, clinic.therapist)
    claim = do_create_claim_from_note(_actor(clinic.biller), signed, as_of=TODAY)
    assert sorted(line.code for line in claim.lines.all()) == ["98980", "98981"]


def test_nothing_billable_that_day_is_refused(clinic, plan):
    enrolment = _enrol(clinic, plan)
    with pytest.raises(ValidationError, match="nothing of this enrolment is billable"):
        do_start_rtm_note(_actor(clinic.therapist), enrolment, PERIOD_1_END, today=TODAY)
    assert not Note.objects.filter(rtm_enrolment=enrolment).exists()


def test_an_rtm_note_is_no_treatment_visit(clinic, plan):
    # given a signed RTM note, the case's newest
    enrolment = _enrol(clinic, plan)
    therapist = _actor(clinic.therapist)
    do_record_rtm_days(
        _actor(clinic.front_desk), enrolment, START, START + dt.timedelta(days=19), today=TODAY
    )
    due_before = progress_report_due(clinic.case, TODAY)
    note = do_start_rtm_note(therapist, enrolment, PERIOD_1_END, today=TODAY)
    check_sign_note(therapist, note, clinic.therapist)
    # then it is no treatment day, and the next visit starts from the last treatment note
    assert progress_report_due(clinic.case, TODAY) == due_before
    follow_up = do_start_follow_up_note(
        therapist, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=TODAY,
    )  # fmt: skip
    assert follow_up.carried_from_id == clinic.signed_note.pk
    assert [b.code for b in follow_up.blocks.all()] == ["97110"]
