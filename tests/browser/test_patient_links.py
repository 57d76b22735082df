"""A patient answers from a message in a real browser (ADRs 0641, 0643): the reminder's link
opens a page with the clinic, the time and the clinician's initials, Confirm records it on the
appointment, and the schedule shows it; the self-booking page books a slot. Each public page
passes axe-core and fits 390 px; screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.scheduling.actions import (
    do_add_standard_appointment_types,
    do_add_working_hours,
    do_book_appointment,
)
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    FrontDeskSettings,
    PatientReply,
    Weekday,
)
from cleannote.apps.scheduling.reminders import do_queue_reminders
from cleannote.apps.scheduling.self_booking import do_issue_self_booking_link, self_booking_address
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, name: str) -> None:
    """axe-core, then the page at 390 px: a screenshot, and nothing scrolls sideways."""
    assert axe_violations(page, name) == []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways at 390 px"


def test_a_patient_confirms_from_the_reminder(browser_page, live_server, clinic, settings):  # noqa: F811
    cache.clear()
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    FrontDeskSettings.objects.create(organisation=clinic.organisation, reminders_on=True)
    patient = clinic.patient
    patient.email, patient.email_consent, patient.email_consent_on = (
        "pat@example.com",
        True,
        timezone.localdate(),
    )
    patient.save()
    start = (timezone.now() + dt.timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
    appointment = do_book_appointment(
        desk,
        patient=patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )
    (reminder,) = do_queue_reminders(desk, now=timezone.now())
    found = re.search(r"(http://\S+/p/reminder/\S+/)", reminder.body)
    assert found is not None

    page.goto(found.group(1))
    expect(page.locator("h1")).to_have_text("Riverside")
    expect(page.locator(".public-facts")).to_contain_text("T.D.")
    expect(page.locator("body")).not_to_contain_text("Example")
    _check(page, "reminder-page")
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmed")
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    _check(page, "reminder-confirmed")
    appointment.refresh_from_db()
    assert appointment.patient_reply == PatientReply.CONFIRMED
    assert appointment.status == AppointmentStatus.BOOKED

    # the front desk sees it on the day list
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/?day={timezone.localtime(start).date().isoformat()}")
    expect(page.locator(f"#card-{appointment.pk}")).to_contain_text("Patient confirmed")
    expect(page.locator(f"#appointment-{appointment.pk}")).to_contain_text("Patient confirmed")
    page.set_viewport_size({"width": 768, "height": 900})
    page.locator(f"#card-{appointment.pk}").screenshot(path=str(ARTIFACTS / "card-confirmed.png"))

    # a changed link is a clear page
    page.goto(found.group(1)[:-3] + "zz/")
    expect(page.get_by_role("alert")).to_contain_text("not complete or has been changed")
    _check(page, "reminder-refused")


def test_a_patient_books_online(browser_page, live_server, clinic, settings):  # noqa: F811
    cache.clear()
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    types = {(t.discipline, t.name): t for t in do_add_standard_appointment_types(desk)}
    for weekday in Weekday:
        do_add_working_hours(
            desk, staff=clinic.therapist, weekday=weekday, start=dt.time(8), end=dt.time(12)
        )
    rules = FrontDeskSettings.objects.create(
        organisation=clinic.organisation, self_booking_on=True, min_notice_hours=24
    )
    rules.booking_types.set([types[("PT", "Follow-up")]])
    link = do_issue_self_booking_link(desk, clinic.patient)

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(self_booking_address(link))
    expect(page.locator("body")).to_contain_text("Hi Pat.")
    expect(page.locator("body")).not_to_contain_text("Example")
    _check(page, "self-booking-page")
    first = page.locator(".slot-list button").first
    first.click()
    expect(page.get_by_role("status")).to_contain_text("Booked.")
    _check(page, "self-booking-booked")
    made = Appointment.objects.filter(patient=clinic.patient, booked_note__contains="online")
    assert made.count() == 1


def test_the_staff_pages_fit_a_tablet_and_a_phone(browser_page, live_server, clinic, settings):  # noqa: F811
    """The outbox (with a failed text and Retry), the owner's settings and the clinician's feed
    page: axe-core, and at 768 and 390 px nothing scrolls sideways but a table in its wrap."""
    cache.clear()
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    settings.CLEANNOTE_SMS_SENDER = "tests.apps.messaging.test_outbox.RefusingSender"
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    from cleannote.apps.messaging.actions import do_queue_message, send_message

    failed = do_queue_message(
        desk,
        channel="sms",
        to="217-555-0100",
        body="Hi Pat, a reminder.",
        purpose="appointment reminder",
        idempotency_key="browser:1",
    )
    send_message(failed.pk)
    do_queue_message(
        desk,
        channel="email",
        to="pat@example.com",
        subject="Your appointment",
        body="Hi Pat, a reminder.",
        purpose="appointment reminder",
        idempotency_key="browser:2",
    )
    sign_in(page, base, "olive")
    for name, path in (
        ("outbox", "/outbox/"),
        ("front-desk-settings", "/schedule/front-desk/settings/"),
        ("calendar-feed", "/schedule/front-desk/calendar-feed/"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + path)
        assert axe_violations(page, name) == []
        for width in (768, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            wide = page.evaluate(
                """() => [...document.body.querySelectorAll('*')].filter(el =>
                   !el.closest('.table-wrap') &&
                   el.getBoundingClientRect().right > window.innerWidth + 0.5).length"""
            )
            assert wide == 0, f"{name} is wider than {width} px"
    page.goto(base + "/schedule/front-desk/calendar-feed/")
    page.get_by_role("button", name="Make my feed address").click()
    expect(page.locator("#feed-address")).to_have_value(re.compile(r"/p/feed/.+\.ics$"))
    page.screenshot(path=str(ARTIFACTS / "calendar-feed-made-390.png"), full_page=True)
    page.goto(base + "/outbox/")
    # the gateway is back: the retry goes out (the outbox folder sender)
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    # the failed text is listed twice: under Needs attention (first) and in the table
    page.locator("#outbox-attention").get_by_role("button", name="Retry").click()
    expect(page.locator(".messages")).to_contain_text("queued again")
