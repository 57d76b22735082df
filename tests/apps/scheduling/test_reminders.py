"""Appointment reminders (ADR 0641): who gets one by which channel (the chart's consent), when
(the clinic's 24 or 48 hours), once per appointment, start and channel, with the patient's
first name and the time only; and the patient's Confirm or Cancel from the link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    FrontDeskSettings,
    PatientReply,
)
from cleannote.apps.scheduling.patient_links import reminder_token
from cleannote.apps.scheduling.reminders import PURPOSE as REMINDER
from cleannote.apps.scheduling.reminders import (
    do_queue_reminders,
    do_record_patient_reply,
    send_reminders,
)


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    settings.CLEANNOTE_PUBLIC_URL = "https://clinic.example"
    return tmp_path / "sms"


def _desk(clinic) -> Actor:
    return Actor(user=clinic.front_desk.user, organisation=clinic.organisation)


def _consent(patient, *, email: bool = True, sms: bool = False) -> None:
    day = timezone.localdate()
    patient.email = "pat@example.com"
    patient.email_consent, patient.email_consent_on = email, day if email else None
    patient.phone = "217-555-0100"
    patient.sms_consent, patient.sms_consent_on = sms, day if sms else None
    patient.save()


def _rules(clinic, **fields) -> FrontDeskSettings:
    rules, _ = FrontDeskSettings.objects.update_or_create(
        organisation=clinic.organisation, defaults={"reminders_on": True, **fields}
    )
    return rules


def _book(clinic, hours_ahead: float, now: dt.datetime | None = None) -> Appointment:
    start = (now or timezone.now()) + dt.timedelta(hours=hours_ahead)
    start = start.replace(second=0, microsecond=0)
    return do_book_appointment(
        _desk(clinic),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


@pytest.mark.parametrize(
    ("email", "sms", "email_on_file", "channels"),
    [
        (True, False, True, ["email"]),
        (False, True, True, ["sms"]),
        (True, True, True, ["email", "sms"]),
        (False, False, True, []),
        # consent recorded but the address since removed: no email
        (True, False, False, []),
    ],
)
def test_the_chart_consent_chooses_the_channels(clinic, email, sms, email_on_file, channels):
    _rules(clinic)
    _consent(clinic.patient, email=email, sms=sms)
    if not email_on_file:
        type(clinic.patient).objects.filter(pk=clinic.patient.pk).update(email="")
    _book(clinic, 20)
    queued = do_queue_reminders(_desk(clinic), now=timezone.now())
    assert sorted(m.channel for m in queued) == channels


@pytest.mark.parametrize(
    ("reminder_hours", "hours_ahead", "reminded"),
    [
        (24, 2, True),
        (24, 23.5, True),
        (24, 25, False),
        (48, 25, True),
        (48, 47, True),
        (48, 49, False),
        (24, -1, False),  # already begun
    ],
)
def test_the_clinic_window(clinic, reminder_hours, hours_ahead, reminded):
    _rules(clinic, reminder_hours=reminder_hours)
    _consent(clinic.patient)
    now = timezone.now()
    _book(clinic, hours_ahead, now)
    assert bool(do_queue_reminders(_desk(clinic), now=now)) is reminded


def test_no_reminders_when_off_or_cancelled(clinic):
    _consent(clinic.patient)
    appointment = _book(clinic, 5)
    assert do_queue_reminders(_desk(clinic), now=timezone.now()) == []  # no settings row: off
    _rules(clinic)
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)
    assert do_queue_reminders(_desk(clinic), now=timezone.now()) == []


def test_a_rerun_queues_nothing_new_and_a_moved_appointment_gets_a_new_reminder(clinic):
    _rules(clinic)
    _consent(clinic.patient, sms=True)
    appointment = _book(clinic, 10)
    first = do_queue_reminders(_desk(clinic), now=timezone.now())
    again = do_queue_reminders(_desk(clinic), now=timezone.now())
    assert [m.pk for m in again] == [m.pk for m in first]
    assert OutboundMessage.objects.filter(purpose=REMINDER).count() == 2
    Appointment.objects.filter(pk=appointment.pk).update(
        start=appointment.start + dt.timedelta(hours=2),
        end=appointment.end + dt.timedelta(hours=2),
    )
    moved = do_queue_reminders(_desk(clinic), now=timezone.now())
    assert OutboundMessage.objects.filter(purpose=REMINDER).count() == 4
    assert {m.pk for m in moved}.isdisjoint(m.pk for m in first)


def test_the_message_holds_the_first_name_and_time_only(clinic):
    _rules(clinic)
    _consent(clinic.patient, sms=True)
    _book(clinic, 10)
    messages = do_queue_reminders(_desk(clinic), now=timezone.now())
    for message in messages:
        assert "Hi Pat," in message.body
        assert "Riverside" in message.body
        for phi in ("Example", "back pain", "M54", "Theo", "Medicare", "1960"):
            assert phi not in message.body, phi
            assert phi not in message.subject, phi
        assert re.search(r"https://clinic\.example/p/reminder/[^/\s]+/", message.body)


def test_the_hourly_command_queues_and_sends_once(clinic, sms_folder):
    _rules(clinic)
    _consent(clinic.patient, sms=True)
    _book(clinic, 10)
    call_command("cleannote_send_reminders")
    call_command("cleannote_send_reminders")
    assert len(mail.outbox) == 1
    assert len(list(sms_folder.glob("*.txt"))) == 1
    # (the booking's confirmation is sent when the booking commits, which a test never does)
    reminders = OutboundMessage.objects.filter(purpose=REMINDER)
    assert set(reminders.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert send_reminders() == {"clinics": 1, "reminders": 2, "to_send": 0}


# -- the patient's answer -------------------------------------------------------------------


def _page(client, appointment) -> str:
    return f"/p/reminder/{reminder_token(appointment)}/"


def test_the_link_shows_clinic_time_and_initials_only(clinic, client):
    appointment = _book(clinic, 30)
    page = client.get(_page(client, appointment))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Riverside" in text
    assert "T.D." in text
    local = timezone.localtime(appointment.start)
    assert f"{local:%A} {local.day} {local:%B} {local.year}" in text
    for phi in ("Example", "Pat", "back pain", "Theo"):
        assert phi not in text, phi
    opened = AuditEvent.objects.filter(object_type="appointment", action="view").last()
    assert opened is not None
    assert opened.patient_id == clinic.patient.pk


def test_confirm_from_the_link(clinic, client):
    appointment = _book(clinic, 30)
    answered = client.post(_page(client, appointment), {"answer": "confirmed"})
    assert answered.status_code == 200
    assert "Confirmed" in answered.content.decode()
    appointment.refresh_from_db()
    assert appointment.patient_reply == PatientReply.CONFIRMED
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.patient_replied_at is not None


@pytest.mark.parametrize(
    ("hours_ahead", "window", "reason"),
    [(30, 24, "patient"), (20, 24, "late"), (20, 12, "patient"), (5, 12, "late")],
)
def test_cancel_from_the_link_is_a_patient_or_late_cancel(
    clinic, client, hours_ahead, window, reason
):
    _rules(clinic, late_cancel_hours=window)
    appointment = _book(clinic, hours_ahead)
    answered = client.post(_page(client, appointment), {"answer": "cancelled"})
    assert answered.status_code == 200
    assert "This appointment is cancelled" in answered.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == reason
    assert appointment.patient_reply == PatientReply.CANCELLED


def test_a_second_answer_is_refused_clearly(clinic, client):
    appointment = _book(clinic, 30)
    client.post(_page(client, appointment), {"answer": "cancelled"})
    again = client.post(_page(client, appointment), {"answer": "confirmed"})
    assert again.status_code == 400
    assert "cannot be changed here: it is no longer booked" in again.content.decode()
    with pytest.raises(Exception, match="no longer booked"):
        do_record_patient_reply(appointment, "confirmed")


def test_a_nonsense_answer_is_refused(clinic, client):
    appointment = _book(clinic, 30)
    answered = client.post(_page(client, appointment), {"answer": "maybe"})
    assert answered.status_code == 400
    assert "Choose Confirm or Cancel." in answered.content.decode()


@pytest.mark.parametrize(
    ("spoil", "status", "sentence"),
    [
        ("tamper", 400, "not complete or has been changed"),
        ("expire", 410, "This link has expired"),
        ("move", 410, "has been moved since this message was sent"),
    ],
)
def test_a_bad_link_gets_a_clear_page(clinic, client, monkeypatch, spoil, status, sentence):
    appointment = _book(clinic, 30)
    token = reminder_token(appointment)
    if spoil == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif spoil == "expire":
        later = signing.time.time() + 15 * 86400
        monkeypatch.setattr(signing.time, "time", lambda: later)
    else:
        Appointment.objects.filter(pk=appointment.pk).update(
            start=appointment.start + dt.timedelta(hours=1),
            end=appointment.end + dt.timedelta(hours=1),
        )
    page = client.get(f"/p/reminder/{token}/")
    assert page.status_code == status
    assert sentence in page.content.decode()
    assert "Example" not in page.content.decode()


def test_too_many_requests_get_a_429_page(clinic, client):
    appointment = _book(clinic, 30)
    url = _page(client, appointment)
    codes = [client.get(url).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "Please wait a minute" in limited.content.decode()


def test_the_day_list_shows_the_patients_answer(clinic, client, login):
    appointment = _book(clinic, 30)
    client.post(_page(client, appointment), {"answer": "confirmed"})
    day = timezone.localtime(appointment.start).date().isoformat()
    page = login(clinic.front_desk).get(f"/schedule/?day={day}").content.decode()
    assert "Patient confirmed" in page
