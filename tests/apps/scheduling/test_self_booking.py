"""Online self-booking (ADR 0643): the clinic's rules, a personal revocable link, open slots from
the clinician's hours, breaks, time off and bookings, the cap on booked visits, and a public page
that shows the first name only and answers 429 past its rate limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cleannote.apps.messaging.models import OutboundMessage
from cleannote.apps.scheduling.actions import do_add_working_hours
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    FrontDeskSettings,
    SelfBookingLink,
    Weekday,
)
from cleannote.apps.scheduling.patient_links import booking_token
from cleannote.apps.scheduling.self_booking import do_issue_self_booking_link, offers

from .conftest import MONDAY, at

FRIDAY_BEFORE = MONDAY - dt.timedelta(days=3)


@pytest.fixture
def now(monkeypatch):
    """Friday 1 January 2027, 9 AM: the Monday after is the calendar fixture's week."""
    moment = at(FRIDAY_BEFORE, 9)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def rules(calendar) -> FrontDeskSettings:
    rules = FrontDeskSettings.objects.create(
        organisation=calendar.clinic.organisation,
        self_booking_on=True,
        min_notice_hours=24,
        max_open_bookings=2,
    )
    rules.booking_types.set(
        [calendar.types[("PT", "Follow-up")], calendar.types[("OT", "Follow-up")]]
    )
    return rules


@pytest.fixture
def link(calendar, rules) -> SelfBookingLink:
    return do_issue_self_booking_link(calendar.desk, calendar.clinic.patient)


def _url(link: SelfBookingLink) -> str:
    return f"/p/book/{booking_token(link)}/"


def test_open_slots_are_theos_monday_minus_his_visit_and_lunch(calendar, rules, now):
    found = offers(rules, now)
    assert {o.staff for o in found} == {calendar.clinic.therapist}  # Otto has no hours set
    assert [f"{timezone.localtime(o.start):%a %d %H:%M}" for o in found] == [
        "Mon 04 08:00",
        "Mon 04 10:00",
        "Mon 04 10:30",
        "Mon 04 11:00",
        "Mon 04 13:00",
        "Mon 04 13:30",
        "Mon 04 14:00",
        "Mon 04 14:30",
        "Mon 04 15:00",
        "Mon 04 15:30",
        "Mon 04 16:00",
        # Monday 11 January: Theo's week off
    ]
    assert {o.kind.name for o in found} == {"Follow-up"}
    assert {o.location for o in found} == {calendar.clinic.location}


def test_minimum_notice(calendar, rules, now):
    rules.min_notice_hours = 24 * 3 + 4  # from Friday 9 AM: nothing before Monday 1 PM
    rules.save()
    first = offers(rules, now)[0]
    assert f"{timezone.localtime(first.start):%a %H:%M}" == "Mon 13:00"


def test_a_patient_books_from_the_page_and_sees_only_their_first_name(calendar, link, now, client):
    page = client.get(_url(link))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hi Pat." in text
    assert "Riverside" in text
    for phi in ("Example", "back pain", "Theo", "Medicare"):
        assert phi not in text, phi
    assert "T.D." in text
    slot = offers(link.organisation.front_desk_settings, now)[0]
    booked = client.post(_url(link), {"slot": slot.value})
    assert booked.status_code == 200
    assert "Booked." in booked.content.decode()
    made = Appointment.objects.get(
        patient=calendar.clinic.patient, start=at(MONDAY, 8), status=AppointmentStatus.BOOKED
    )
    assert made.appointment_type == calendar.types[("PT", "Follow-up")]
    assert made.end == at(MONDAY, 8, 45)
    assert made.booked_note == "booked by the patient online"


def test_the_cap_on_booked_visits(calendar, link, now, client):
    slots = offers(link.organisation.front_desk_settings, now)
    # Pat holds the fixture's Monday 9 AM visit: one more reaches the cap of 2.
    assert client.post(_url(link), {"slot": slots[0].value}).status_code == 200
    refused = client.post(_url(link), {"slot": slots[1].value})
    assert refused.status_code == 400
    assert "You already have 2 upcoming visits booked" in refused.content.decode()
    assert Appointment.objects.filter(patient=calendar.clinic.patient).count() == 2


@pytest.mark.parametrize(
    "choice", ["", "nonsense", "1|2|3|99999999999999999999", "1|1|1|1798815600"]
)
def test_a_slot_not_offered_is_refused_clearly(calendar, link, now, client, choice):
    refused = client.post(_url(link), {"slot": choice})
    assert refused.status_code == 400
    assert "Please choose" in refused.content.decode()


def test_a_slot_taken_meanwhile(calendar, link, now, client):
    slot = offers(link.organisation.front_desk_settings, now)[0]
    Appointment.objects.filter(pk=calendar.booked.pk).update(
        start=slot.start, end=slot.start + dt.timedelta(minutes=45)
    )
    refused = client.post(_url(link), {"slot": slot.value})
    assert refused.status_code == 400
    assert "no longer free" in refused.content.decode()


def test_off_by_default_and_when_turned_off(calendar, link, now, client):
    FrontDeskSettings.objects.filter(pk=link.organisation.front_desk_settings.pk).update(
        self_booking_on=False
    )
    page = client.get(_url(link))
    assert "not taking online bookings" in page.content.decode()
    assert "<button" not in page.content.decode()


def test_a_new_link_or_revoke_refuses_the_old(calendar, link, now, client, login):
    old = _url(link)
    desk = login(calendar.clinic.front_desk)
    chart_page = f"/schedule/front-desk/self-booking/{calendar.clinic.patient.pk}/"
    assert desk.post(chart_page, {"do": "issue"}).status_code == 302
    gone = client.get(old)
    assert gone.status_code == 410
    assert "no longer valid" in gone.content.decode()
    link.refresh_from_db()
    assert client.get(_url(link)).status_code == 200
    desk.post(chart_page, {"do": "revoke"})
    assert client.get(_url(link)).status_code == 410


def test_a_tampered_link(client, db):
    page = client.get("/p/book/abc:def/")
    assert page.status_code == 400
    assert "not complete or has been changed" in page.content.decode()


def test_the_booking_page_is_rate_limited(calendar, link, now, client):
    codes = [client.get(_url(link)).status_code for _ in range(31)]
    assert codes[-1] == 429
    assert "Too many tries" in client.get(_url(link)).content.decode()


def test_the_chart_button_and_sending_the_link(calendar, rules, login, settings, tmp_path):
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path
    patient = calendar.clinic.patient
    patient.phone, patient.sms_consent, patient.sms_consent_on = "217-555-0100", True, MONDAY
    patient.save()
    desk = login(calendar.clinic.front_desk)
    chart = desk.get(f"/patients/{patient.pk}/").content.decode()
    assert f"/schedule/front-desk/self-booking/{patient.pk}/" in chart
    page = f"/schedule/front-desk/self-booking/{patient.pk}/"
    desk.post(page, {"do": "send"})
    desk.post(page, {"do": "send"})
    (message,) = OutboundMessage.objects.all()
    assert message.channel == "sms"
    assert "Hi Pat, you can book your next visit at Riverside online: " in message.body
    assert "Example" not in message.body
    assert "/p/book/" in desk.get(page).content.decode()
    assert login(calendar.clinic.biller).get(page).status_code == 403


def test_the_chart_hides_the_button_when_self_booking_is_off(calendar, login):
    patient = calendar.clinic.patient
    chart = login(calendar.clinic.front_desk).get(f"/patients/{patient.pk}/").content.decode()
    assert "/schedule/front-desk/self-booking/" not in chart


def test_the_settings_page_is_the_owners(calendar, login):
    owner = login(calendar.clinic.owner)
    assert (
        login(calendar.clinic.front_desk).get("/schedule/front-desk/settings/").status_code == 403
    )
    page = owner.get("/schedule/front-desk/settings/").content.decode()
    assert "Aquatic therapy" not in page  # needs a pool: never offered online
    follow_up = calendar.types[("PT", "Follow-up")]
    saved = owner.post(
        "/schedule/front-desk/settings/",
        {
            "reminders_on": "on",
            "reminder_hours": "48",
            "late_cancel_hours": "12",
            "self_booking_on": "on",
            "min_notice_hours": "24",
            "max_open_bookings": "3",
            "booking_types": [str(follow_up.pk)],
        },
    )
    assert saved.status_code == 302
    rules = FrontDeskSettings.objects.get(organisation=calendar.clinic.organisation)
    assert (rules.reminders_on, rules.reminder_hours, rules.late_cancel_hours) == (True, 48, 12)
    assert list(rules.booking_types.all()) == [follow_up]
    refused = owner.post(
        "/schedule/front-desk/settings/",
        {
            "reminder_hours": "72",
            "late_cancel_hours": "500",
            "min_notice_hours": "1",
            "max_open_bookings": "0",
        },
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Select a valid choice" in text
    assert "at most 168 hours" in text or "less than or equal to 168" in text
    assert "between 1 and 20" in text


def test_a_patient_is_offered_their_own_clinicians(calendar, rules, now):
    do_add_working_hours(
        calendar.desk, staff=calendar.ot, weekday=Weekday.MONDAY, start=dt.time(8), end=dt.time(9)
    )
    everyone = {o.staff for o in offers(rules, now)}
    assert everyone == {calendar.clinic.therapist, calendar.ot}
    # Pat is booked with Theo: Pat's page offers Theo only.
    mine = {o.staff for o in offers(rules, now, calendar.clinic.patient)}
    assert mine == {calendar.clinic.therapist}
