"""Booking confirmations (ADR 0940): one message per booking (a series: one listing its
visits) by the first channel the chart's consent allows in the clinic's order, with the forms'
portal link when the booking sent forms; a change notice for a move, a cancellation notice for
a cancel; none, with the reason on the appointment page, when the clinic turned them off, the
patient allows no channel, or the visit had begun."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.intake.actions import do_publish_form
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import (
    do_book_appointment,
    do_cancel_appointment,
    do_reschedule_appointment,
)
from cleannote.apps.scheduling.models import (
    Appointment,
    BookingConfirmation,
    CancelReason,
    FrontDeskSettings,
)
from cleannote.apps.scheduling.series_actions import book_series_from_plan, do_cancel_following
from tests.apps.scheduling.series_fixtures import MONDAY, series_setup
from tests.personas import TODAY, Clinic, client_for

pytestmark = pytest.mark.django_db

FORM = [{"key": "pain", "label": "Pain now", "type": "scale", "required": True}]


@pytest.fixture(autouse=True)
def _public_url(settings):  # type: ignore[no-untyped-def]
    settings.CLEANNOTE_PUBLIC_URL = "https://clinic.example"


def _desk(clinic: Clinic) -> Actor:
    return Actor(user=clinic.front_desk.user, organisation=clinic.organisation)


def _consent(clinic: Clinic, *, email: bool = True, sms: bool = False) -> Patient:
    Patient.objects.filter(pk=clinic.patient.pk).update(
        email="pat@example.org",
        email_consent=email,
        email_consent_on=TODAY if email else None,
        phone="217-555-0100",
        sms_consent=sms,
        sms_consent_on=TODAY if sms else None,
    )
    clinic.patient.refresh_from_db()
    return clinic.patient


def _book(clinic: Clinic, days: int = 3, hour: int = 10) -> Appointment:
    start = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour)))
    return do_book_appointment(
        _desk(clinic),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
        override_hours=True,
    )


def _confirmations(**kw: object) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(purpose__startswith="booking", **kw))


def test_a_booking_queues_one_confirmation_with_the_forms_link(clinic: Clinic) -> None:
    # given a form sent with bookings and a patient who allows email
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    do_publish_form(owner, clinic.owner, name="New patient", fields=FORM)
    _consent(clinic)
    # when
    appointment = _book(clinic)
    # then one queued email, about this visit, with the time, clinician, place and the link
    [message] = _confirmations()
    assert message.status == MessageStatus.QUEUED
    assert (message.channel, message.to) == ("email", "pat@example.org")
    assert message.purpose == "booking confirmation"
    assert (message.reference_type, message.reference_id) == ("appointment", appointment.pk)
    assert message.patient_id == clinic.patient.pk
    assert message.subject == f"Your visit at {clinic.organisation.name} is booked"
    body = message.body
    assert body.startswith(f"Hi {clinic.patient.first_name},\nyou are booked in at")
    local = timezone.localtime(appointment.start)
    assert f"{local:%A} {local.day} {local:%B} 10:00" in body
    assert timezone.localtime(appointment.start).tzname() in body  # the clinic's zone, named
    assert clinic.therapist.display_name in body
    assert clinic.location.name in body
    assert "please complete your forms: https://clinic.example/portal/" in body
    assert clinic.patient.last_name not in body
    [row] = appointment.confirmations.all()
    assert (row.kind, row.message_id, row.not_sent) == ("booked", message.pk, "")


def test_the_clinics_order_picks_the_first_channel_the_patient_allows(clinic: Clinic) -> None:
    _consent(clinic, email=True, sms=True)
    FrontDeskSettings.objects.create(
        organisation=clinic.organisation, confirmation_order="sms_first"
    )
    _book(clinic)
    [message] = _confirmations()
    assert (message.channel, message.to, message.subject) == ("sms", "217-555-0100", "")
    assert "please complete your forms" not in message.body  # no form was sent


@pytest.mark.parametrize(
    ("email", "sms", "rules", "reason"),
    [
        (False, False, {}, "no confirmation sent: no email or phone the patient allows"),
        (
            True,
            True,
            {"confirmations_on": False},
            "no confirmation sent: confirmations are turned off in the front desk settings",
        ),
    ],
    ids=["no_consent_case", "turned_off_case"],
)
def test_no_message_and_the_reason_on_the_appointment_page(
    clinic: Clinic, email: bool, sms: bool, rules: dict[str, bool], reason: str
) -> None:
    _consent(clinic, email=email, sms=sms)
    if rules:
        FrontDeskSettings.objects.create(organisation=clinic.organisation, **rules)
    appointment = _book(clinic)
    assert _confirmations() == []
    [row] = appointment.confirmations.all()
    assert (row.message_id, row.not_sent) == (None, reason)
    page = client_for(clinic.front_desk).get(f"/schedule/appointment/{appointment.pk}/")
    assert page.status_code == 200
    assert reason in page.content.decode()


def test_a_visit_booked_after_it_began_sends_nothing(clinic: Clinic) -> None:
    _consent(clinic)
    appointment = _book(clinic, days=-1)
    assert _confirmations() == []
    assert appointment.confirmations.get().not_sent.endswith("the visit had already begun")


def test_a_series_gets_one_message_listing_its_visits(clinic: Clinic) -> None:
    _consent(clinic)
    setup = series_setup(clinic)
    booked = book_series_from_plan(
        setup.actor,
        setup.plan,
        staff=clinic.therapist,
        location=clinic.location,
        first_day=MONDAY,
        at=dt.time(10),
    )
    [message] = _confirmations()
    assert len(booked.appointments) == 6
    assert "for these visits:" in message.body
    assert message.body.count(f"with {clinic.therapist.display_name}") == 6
    assert message.reference_id == booked.appointments[0].pk
    rows = BookingConfirmation.objects.filter(appointment__series=booked.series)
    assert {r.message_id for r in rows} == {message.pk}
    assert rows.count() == 6
    # cancelling the rest of the series is one notice too
    do_cancel_following(setup.actor, appointment=booked.appointments[2], reason=CancelReason.CLINIC)
    [notice] = _confirmations(purpose="booking cancelled")
    assert "these visits at" in notice.body
    assert notice.body.count("- ") == 4


def test_a_move_sends_a_change_notice_and_a_cancel_a_cancellation(clinic: Clinic) -> None:
    _consent(clinic)
    appointment = _book(clinic)
    actor = _desk(clinic)
    # a room-free move of the time only
    moved = do_reschedule_appointment(
        actor,
        appointment=appointment,
        start=appointment.start + dt.timedelta(hours=2),
        override_hours=True,
    )
    [changed] = _confirmations(purpose="booking changed")
    assert "we have changed your visit" in changed.body
    assert "12:00" in changed.body
    assert changed.subject.endswith("has changed")
    do_cancel_appointment(actor, appointment=moved, reason=CancelReason.PATIENT)
    [cancelled] = _confirmations(purpose="booking cancelled")
    assert "is cancelled" in cancelled.body
    assert "please complete" not in cancelled.body
    kinds = list(moved.confirmations.values_list("kind", flat=True))
    assert kinds == ["booked", "changed", "cancelled"]
    assert len({m.idempotency_key for m in _confirmations()}) == 3


def test_the_owner_turns_confirmations_off_and_chooses_the_order(clinic: Clinic) -> None:
    owner = client_for(clinic.owner)
    page = owner.get("/schedule/front-desk/settings/").content.decode()
    assert "Booking confirmations" in page
    assert re.search(r'<input type="checkbox" name="confirmations_on"[^>]* checked', page)
    form = {"reminder_hours": "24", "late_cancel_hours": "24", "min_notice_hours": "24"}
    saved = owner.post(
        "/schedule/front-desk/settings/",
        {**form, "max_open_bookings": "2", "confirmation_order": "sms_first"},
    )
    assert saved.status_code == 302
    rules = FrontDeskSettings.objects.get(organisation=clinic.organisation)
    assert (rules.confirmations_on, rules.confirmation_order) == (False, "sms_first")
    owner.post(
        "/schedule/front-desk/settings/",
        {**form, "max_open_bookings": "2", "confirmations_on": "on"},
    )
    rules.refresh_from_db()
    assert (rules.confirmations_on, rules.confirmation_order) == (True, "sms_first")
