"""The demo's reminders and self-booking (src/cleannote/web/demo_messaging.py): turned on,
consent recorded through the chart, tomorrow's reminders queued, one self-booking link."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import FrontDeskSettings, SelfBookingLink
from cleannote.web.demo_messaging import load_demo_messaging

from .conftest import at


def test_the_demo_queues_tomorrows_reminders(calendar):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    do_book_appointment(
        calendar.desk,
        patient=calendar.clinic.patient,
        staff=calendar.ot,
        location=calendar.clinic.location,
        start=at(tomorrow, 10),
        appointment_type=calendar.types[("OT", "Follow-up")],
    )
    assert load_demo_messaging(calendar.desk, today) == 2
    rules = FrontDeskSettings.objects.get(organisation=calendar.clinic.organisation)
    assert rules.reminders_on
    assert rules.self_booking_on
    assert {t.name for t in rules.booking_types.all()} == {"Follow-up"}
    assert sorted(OutboundMessage.objects.values_list("channel", "status")) == [
        ("email", MessageStatus.QUEUED),
        ("sms", MessageStatus.QUEUED),
    ]
    assert SelfBookingLink.objects.filter(patient=calendar.clinic.patient).exists()
    # Loading it again queues nothing twice.
    assert load_demo_messaging(calendar.desk, today) == 2
    assert OutboundMessage.objects.count() == 2
