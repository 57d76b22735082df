"""A clinician's calendar feed (ADR 0642): a secret address shown once, stored as a hash,
replaced or revoked; the feed parses as iCalendar and names no patient."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import AppointmentStatus, CalendarFeed


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.CLEANNOTE_PUBLIC_URL = "https://clinic.example"


def _book(clinic, staff, days: int, status: str = AppointmentStatus.BOOKED):
    start = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    appointment = do_book_appointment(
        Actor(user=clinic.front_desk.user, organisation=clinic.organisation),
        patient=clinic.patient,
        staff=staff,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )
    if status != AppointmentStatus.BOOKED:
        type(appointment).objects.filter(pk=appointment.pk).update(status=status)
    return appointment


def _issue(client) -> str:
    page = client.post("/schedule/front-desk/calendar-feed/", {"do": "issue"})
    assert page.status_code == 200
    found = re.search(r'value="https://clinic\.example(/p/feed/[^"]+\.ics)"', page.content.decode())
    assert found is not None
    return found.group(1)


def test_the_feed_lists_the_clinicians_visits_by_initials(clinic, login, client):
    theo = login(clinic.therapist)
    kept = [_book(clinic, clinic.therapist, d) for d in (-29, 0, 3, 89)]
    _book(clinic, clinic.therapist, -31)  # before the window
    _book(clinic, clinic.therapist, 91)  # after it
    _book(clinic, clinic.therapist, 5, AppointmentStatus.CANCELLED)
    _book(clinic, clinic.assistant, 4)  # someone else's
    path = _issue(theo)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [f"appointment-{a.pk}@cleannote" for a in kept]
    assert {str(e["summary"]) for e in events} == {"P.E. · Visit"}
    assert events[0].decoded("dtstart") == kept[0].start
    assert str(events[0]["location"]) == "Riverside clinic"
    text = response.content.decode()
    for phi in ("Example", "Pat ", "back pain", "M54"):
        assert phi not in text, phi
    shown = AuditEvent.objects.filter(object_type="calendar_feed", action="export").last()
    assert shown is not None


def test_only_the_hash_is_stored_and_a_new_address_revokes_the_old(clinic, login, client):
    theo = login(clinic.therapist)
    first = _issue(theo)
    token = first.removeprefix("/p/feed/").removesuffix(".ics")
    row = CalendarFeed.objects.get(staff=clinic.therapist)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    second = _issue(theo)
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    # The page shows the address only when it is made.
    assert "/p/feed/" not in theo.get("/schedule/front-desk/calendar-feed/").content.decode()


def test_revoke(clinic, login, client):
    theo = login(clinic.therapist)
    path = _issue(theo)
    theo.post("/schedule/front-desk/calendar-feed/", {"do": "revoke"})
    gone = client.get(path)
    assert gone.status_code == 404
    assert "revoked or replaced" in gone.content.decode()
    assert not CalendarFeed.objects.exists()


def test_a_made_up_token_is_a_404(client, clinic):
    assert client.get("/p/feed/not-a-token.ics").status_code == 404


def test_every_staff_member_has_their_own_feed_page(clinic, login):
    assert login(clinic.front_desk).get("/schedule/front-desk/calendar-feed/").status_code == 200
