"""The chart's RTM screen (ADR 0570): enrol, days of data, the app's CSV (a bad file lists every
bad row and adds nothing, never a 500), minutes with the live contact, what is billable now, and
the button that writes the RTM note; access by role and organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.models import RtmEnrolment, RtmTimeEntry
from cleannote.apps.patients.rtm_actions import do_enrol_rtm, do_record_rtm_days, do_record_rtm_time
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

START = TODAY - dt.timedelta(days=15)


def _url(clinic, route=""):
    return f"/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/rtm/{route}"


@pytest.fixture
def enrolment(clinic):
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    return do_enrol_rtm(
        actor,
        clinic.case,
        RtmEnrolment(
            plan=clinic.plan, device="KneeCoach app", start_date=START, supervising=clinic.therapist
        ),
    )


ENROL = {
    "enrol-family": "msk",
    "enrol-device": "KneeCoach app",
    "enrol-app_reference": "kc-0042",
    "enrol-start_date": START.isoformat(),
    "enrol-education": "Sensor fitting and app log-in.",
}


@pytest.mark.parametrize("who", ["owner", "therapist", "front_desk", "biller", "assistant"])
def test_every_role_sees_the_screen_and_it_is_audited(clinic, login, who):
    page = login(getattr(clinic, who)).get(_url(clinic))
    assert page.status_code == 200
    assert b"Remote therapeutic monitoring" in page.content
    assert AuditEvent.objects.filter(object_type="rtm", action="view").exists()


def test_another_clinic_gets_404(clinic, other_clinic, enrolment, login):
    client = login(other_clinic.therapist)
    assert client.get(_url(clinic)).status_code == 404
    days = {"days-first": START.isoformat(), "days-last": START.isoformat()}
    assert client.post(_url(clinic, f"{enrolment.pk}/days/"), days).status_code == 404


def test_the_therapist_enrols_from_the_screen(clinic, login):
    data = {**ENROL, "enrol-plan": clinic.plan.pk, "enrol-supervising": clinic.therapist.pk}
    response = login(clinic.therapist).post(_url(clinic), data)
    assert response.status_code == 302
    enrolment = RtmEnrolment.objects.get()
    assert (enrolment.device, enrolment.app_reference) == ("KneeCoach app", "kc-0042")
    page = login(clinic.therapist).get(_url(clinic))
    assert f"{enrolment.reference} · KneeCoach app".encode() in page.content


def test_the_front_desk_may_not_enrol(clinic, login):
    data = {**ENROL, "enrol-plan": clinic.plan.pk, "enrol-supervising": clinic.therapist.pk}
    assert login(clinic.front_desk).post(_url(clinic), data).status_code == 403
    assert not RtmEnrolment.objects.exists()


def test_an_enrolment_before_the_plan_is_refused_on_the_form(clinic, login):
    early = (clinic.plan.start_date - dt.timedelta(days=1)).isoformat()
    data = {
        **ENROL,
        "enrol-start_date": early,
        "enrol-plan": clinic.plan.pk,
        "enrol-supervising": clinic.therapist.pk,
    }
    response = login(clinic.therapist).post(_url(clinic), data)
    assert response.status_code == 400
    assert b"must not be before the plan of care starts" in response.content


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")


def test_a_good_csv_is_imported(clinic, enrolment, login):
    rows = "".join(
        f"{(START + dt.timedelta(days=i)).isoformat()},{enrolment.reference},2\n" for i in range(6)
    )
    response = login(clinic.front_desk).post(
        _url(clinic, f"{enrolment.pk}/import/"),
        {"import-file": _csv("date,patient,readings\n" + rows)},
    )
    assert response.status_code == 302
    assert enrolment.data_days.count() == 6


def test_a_bad_csv_lists_every_bad_row_and_imports_nothing(clinic, enrolment, login):
    text = (
        "date,patient,readings\n"
        f"{START.isoformat()},{enrolment.reference},2\n"
        f"2026-02-30,{enrolment.reference},1\n"
        f"{START.isoformat()},RTM-0,lots\n"
    )
    response = login(clinic.front_desk).post(
        _url(clinic, f"{enrolment.pk}/import/"), {"import-file": _csv(text)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "line 3, date: &#x27;2026-02-30&#x27; is not a date (YYYY-MM-DD)" in page
    assert "line 4, patient: is not this enrolment&#x27;s reference" in page
    assert "line 4, readings: &#x27;lots&#x27; is not a whole number 0 or more" in page
    assert enrolment.data_days.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\xff\xfe\x00d", b"not UTF-8 text", id="not-utf8"),
        pytest.param(b"", b"The submitted file is empty", id="empty"),
    ],
)
def test_a_file_that_is_not_csv_text_is_a_message(clinic, enrolment, login, content, message):
    upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")
    response = login(clinic.front_desk).post(
        _url(clinic, f"{enrolment.pk}/import/"), {"import-file": upload}
    )
    assert response.status_code == 400
    assert message in response.content


def test_minutes_with_a_video_contact_are_recorded(clinic, enrolment, login):
    data = {
        "time-day": TODAY.isoformat(),
        "time-minutes": "12",
        "time-contact": "video",
        "time-note": "Form check; progressed to step-ups.",
    }
    response = login(clinic.therapist).post(_url(clinic, f"{enrolment.pk}/time/"), data)
    assert response.status_code == 302
    entry = RtmTimeEntry.objects.get()
    assert (entry.minutes, entry.interactive, entry.staff) == (12, True, clinic.therapist)
    page = login(clinic.therapist).get(_url(clinic))
    assert b"Live video visit with the patient" in page.content


def test_bad_minutes_are_a_message_not_a_500(clinic, enrolment, login):
    data = {"time-day": "2026-02-30", "time-minutes": "-3", "time-contact": "fax", "time-note": ""}
    response = login(clinic.therapist).post(_url(clinic, f"{enrolment.pk}/time/"), data)
    assert response.status_code == 400
    assert not RtmTimeEntry.objects.exists()


def test_the_billable_set_up_becomes_a_note_from_its_button(clinic, enrolment, login):
    # given two days of data: the set-up is billable, dated the enrolment's first day
    login(clinic.front_desk).post(
        _url(clinic, f"{enrolment.pk}/days/"),
        {"days-first": START.isoformat(), "days-last": (START + dt.timedelta(days=1)).isoformat()},
    )
    page = login(clinic.therapist).get(_url(clinic))
    assert b'class="badge badge-good rtm-code">98975' in page.content
    # when the therapist presses "Write the RTM note"
    response = login(clinic.therapist).post(
        f"/notes/rtm/{enrolment.pk}/", {"date_of_service": START.isoformat()}
    )
    # then the draft note opens with the set-up block
    note = Note.objects.get(rtm_enrolment=enrolment)
    assert response["Location"] == f"/notes/{note.pk}/edit/"
    assert [b.code for b in note.blocks.all()] == ["98975"]


def test_a_day_with_nothing_billable_says_so(clinic, enrolment, login):
    response = login(clinic.therapist).post(
        f"/notes/rtm/{enrolment.pk}/", {"date_of_service": START.isoformat()}, follow=True
    )
    assert b"nothing of this enrolment is billable that day" in response.content
    assert not Note.objects.filter(rtm_enrolment=enrolment).exists()


def test_the_screen_reads_a_fixed_number_of_queries(
    clinic, enrolment, login, django_assert_num_queries
):
    # given a client that has seen the page once (session, staff loaded)
    client = login(clinic.therapist)
    front = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    do_record_rtm_days(front, enrolment, START, START + dt.timedelta(days=2), today=TODAY)
    do_record_rtm_time(
        therapist, enrolment, day=START, minutes=5, contact="phone", note="a", today=TODAY
    )
    client.get(_url(clinic))
    with CaptureQueriesContext(connection) as first:
        client.get(_url(clinic))
    # when the enrolment gathers many more days and minutes
    do_record_rtm_days(front, enrolment, START + dt.timedelta(days=3), TODAY, today=TODAY)
    for day in range(1, 12):
        do_record_rtm_time(
            therapist, enrolment, day=START + dt.timedelta(days=day), minutes=5,
            contact="review", note="b", today=TODAY,
        )  # fmt: skip
    # then the page costs the same queries
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(_url(clinic))
    assert page.status_code == 200
