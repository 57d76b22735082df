"""The calendar pages: the week and day grids, booking, moving (form and htmx), the steps, the
clinician's own day; refusals on the page, never a 500; audit rows for what is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus
from tests.apps.scheduling.conftest import MONDAY, Calendar, at
from tests.personas import client_for

WEEK = reverse("scheduling:week")
BOOK = reverse("scheduling:book")


def test_week_shows_each_clinician_a_row_and_the_visit_on_its_day(calendar):
    page = client_for(calendar.clinic.front_desk).get(WEEK, {"day": "2027-01-06"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Week of Mon 4 Jan 2027" in html
    for name in ("Theo Demo, PT", "Ada Demo, PTA", "Otto Demo, OT"):
        assert f'<th scope="row" class="week-who">{name}</th>' in html
    assert f'id="card-{calendar.booked.pk}"' in html
    assert "Patient, P." in html or f"{calendar.clinic.patient.last_name}, " in html
    assert 'draggable="true"' in html
    assert "scheduling/_appointment_badges.html" not in html  # the include renders, not its name
    event = AuditEvent.objects.filter(object_type="schedule_week").latest("pk")
    assert list(event.shown_patients.values_list("patient_id", flat=True)) == [
        calendar.clinic.patient.pk
    ]


def test_week_filters_by_room_and_location(calendar):
    desk = client_for(calendar.clinic.front_desk)
    in_room = desk.get(WEEK, {"day": "2027-01-04", "room": calendar.room.pk}).content.decode()
    assert f'id="card-{calendar.booked.pk}"' in in_room
    assert 'class="week-who">Otto Demo, OT<' not in in_room  # nobody but Theo in Room 1
    elsewhere = desk.get(WEEK, {"day": "2027-01-04", "location": calendar.annex.pk})
    assert f'id="card-{calendar.booked.pk}"' not in elsewhere.content.decode()


def test_a_bad_filter_is_a_400_not_a_500(calendar):
    desk = client_for(calendar.clinic.front_desk)
    assert desk.get(WEEK, {"day": "2027-13-01"}).status_code == 400
    assert desk.get(WEEK, {"room": "x"}).status_code == 400


def _fill(cal: Calendar, count: int) -> None:
    """`count` distinct appointments across Theo, Ada and Otto and the five weekdays."""
    people = [cal.clinic.therapist, cal.clinic.assistant, cal.ot]
    made = 0
    for day in range(5):
        for slot in range(40):
            for person in people:
                if made == count:
                    return
                start = at(MONDAY + dt.timedelta(days=day), 7) + dt.timedelta(minutes=15 * slot)
                if Appointment.objects.filter(
                    staff=person, start__lt=start + dt.timedelta(minutes=15), end__gt=start
                ).exists():
                    continue
                do_book_appointment(
                    cal.desk,
                    patient=cal.clinic.patient,
                    staff=person,
                    location=cal.clinic.location,
                    start=start,
                    end=start + dt.timedelta(minutes=15),
                    override_hours=True,
                )
                made += 1


def _queries(client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [WEEK, reverse("scheduling:day")])
def test_the_grids_query_count_does_not_grow_with_the_appointments(calendar, url):
    desk = client_for(calendar.clinic.front_desk)
    params = {"day": "2027-01-05" if url != WEEK else "2027-01-04"}
    _fill(calendar, 6)
    few = _queries(desk, url, params)
    _fill(calendar, 60)
    many = _queries(desk, url, params)
    assert Appointment.objects.count() > 60
    assert many == few


def test_day_grid_has_a_column_per_clinician_and_free_slots_to_book(calendar):
    page = client_for(calendar.clinic.front_desk).get(
        reverse("scheduling:day"), {"day": "2027-01-04"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-kind="day"' in html
    assert html.count('<th scope="col" data-col=') == 4  # Olive (owner, PT), Ada, Otto, Theo
    # the 9:00 follow-up spans three 15-minute rows
    assert 'rowspan="3" class="slot slot-busy"' in html
    assert 'data-start="2027-01-04T09:00"' in html
    assert f'data-book="{reverse("scheduling:book")}"' in html


def _book_post(cal: Calendar, **changes: str) -> dict[str, str]:
    data = {
        "patient": str(cal.clinic.patient.pk),
        "staff": str(cal.clinic.therapist.pk),
        "location": str(cal.clinic.location.pk),
        "type": str(cal.types[("PT", "Follow-up")].pk),
        "day": "2027-01-04",
        "time": "10:00 AM",
        "minutes": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_booking_from_the_form(calendar):
    desk = client_for(calendar.clinic.front_desk)
    answer = desk.post(BOOK, _book_post(calendar))
    booked = Appointment.objects.latest("pk")
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"?day=2027-01-04#card-{booked.pk}")
    assert (booked.start, booked.end) == (at(MONDAY, 10), at(MONDAY, 10, 45))


# (case, form changes, words on the page)
BOOK_REFUSALS = [
    ("double booking", {"time": "9:30 AM"}, "is already booked Mon 4 Jan 2027 9:00 AM–9:45 AM"),
    ("no patient", {"patient": ""}, "patient: search for the patient and choose one"),
    ("not a time", {"time": "soon"}, "appointment time: give a time such as 9:15 AM"),
    ("a foreign room", {"room": "999999"}, "room: 999999 is not one of this clinic&#x27;s"),
    ("too long", {"minutes": "600"}, "length: give the visit&#x27;s length in minutes"),
    ("outside hours", {"time": "6:00 PM"}, "Book it anyway"),
]


@pytest.mark.parametrize(("changes", "words"), [r[1:] for r in BOOK_REFUSALS],
                         ids=[r[0] for r in BOOK_REFUSALS])  # fmt: skip
def test_booking_refusals_come_back_on_the_form(calendar, changes, words):
    count = Appointment.objects.count()
    answer = client_for(calendar.clinic.front_desk).post(BOOK, _book_post(calendar, **changes))
    assert answer.status_code == 400
    assert words in answer.content.decode()
    assert 'role="alert"' in answer.content.decode()
    assert Appointment.objects.count() == count


def test_book_anyway_outside_hours(calendar):
    desk = client_for(calendar.clinic.front_desk)
    answer = desk.post(BOOK, _book_post(calendar, time="6:00 PM", override="yes"))
    assert answer.status_code == 302
    assert Appointment.objects.latest("pk").outside_hours


def test_a_biller_may_look_but_not_book(calendar):
    biller = client_for(calendar.clinic.biller)
    assert biller.get(WEEK).status_code == 200
    assert biller.post(BOOK, _book_post(calendar)).status_code == 403


def test_patient_search_is_audited(calendar):
    desk = client_for(calendar.clinic.front_desk)
    answer = desk.get(
        reverse("scheduling:patient_choices"), {"q": calendar.clinic.patient.last_name}
    )
    assert f'value="{calendar.clinic.patient.pk}"' in answer.content.decode()
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert event.object_id == "schedule_book"


def test_moving_by_drag_or_keys_through_htmx(calendar):
    desk = client_for(calendar.clinic.front_desk)
    url = reverse("scheduling:reschedule", args=[calendar.booked.pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    moved = desk.post(url, {"start": "2027-01-04T09:15"}, **htmx)
    assert moved.status_code == 204
    assert moved["HX-Refresh"] == "true"
    calendar.booked.refresh_from_db()
    assert (calendar.booked.start, calendar.booked.end) == (at(MONDAY, 9, 15), at(MONDAY, 10))
    # onto another clinician's booked time: refused in the status line, nothing moved
    ada = calendar.clinic.assistant
    other = do_book_appointment(
        calendar.desk,
        patient=calendar.clinic.patient,
        staff=ada,
        location=calendar.clinic.location,
        start=at(MONDAY, 11),
        end=at(MONDAY, 11, 45),
    )
    refused = desk.post(url, {"start": "2027-01-04T11:00", "staff": str(ada.pk)}, **htmx)
    assert refused.status_code == 200
    assert "Not moved: clinician Ada Demo, PTA: is already booked" in refused.content.decode()
    assert f"(appointment {other.pk})" in refused.content.decode()
    calendar.booked.refresh_from_db()
    assert calendar.booked.staff == calendar.clinic.therapist


def test_moving_from_the_appointment_page(calendar):
    desk = client_for(calendar.clinic.front_desk)
    url = reverse("scheduling:reschedule", args=[calendar.booked.pk])
    form = {
        "day": "2027-01-04",
        "time": "2:00 PM",
        "minutes": "30",
        "staff": calendar.clinic.therapist.pk,
        "room": "",
    }
    assert desk.post(url, form).status_code == 302
    calendar.booked.refresh_from_db()
    assert (calendar.booked.start, calendar.booked.end, calendar.booked.room) == (
        at(MONDAY, 14),
        at(MONDAY, 14, 30),
        None,
    )
    refused = desk.post(url, {**form, "time": "12:15 PM"})
    assert refused.status_code == 400
    assert "has Lunch 12:00 PM–1:00 PM on Mondays" in refused.content.decode()
    assert "Move it anyway" in refused.content.decode()


def test_the_steps_from_the_appointment_page(calendar):
    desk = client_for(calendar.clinic.front_desk)
    page = desk.get(reverse("scheduling:appointment", args=[calendar.booked.pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="appointment").exists()
    step = reverse("scheduling:step", args=[calendar.booked.pk, "cancel"])
    no_reason = desk.post(step, {"reason": ""})
    assert no_reason.status_code == 400
    assert "cancel reason: choose why the visit is cancelled" in no_reason.content.decode()
    assert desk.post(step, {"reason": "clinic", "note": "therapist ill"}).status_code == 302
    calendar.booked.refresh_from_db()
    assert calendar.booked.status == AppointmentStatus.CANCELLED
    assert calendar.booked.get_cancel_reason_display() == "Clinic cancelled"
    again = desk.post(reverse("scheduling:step", args=[calendar.booked.pk, "arrive"]))
    assert again.status_code == 400
    assert "is cancelled, so it cannot be marked arrived" in again.content.decode()
    assert (
        desk.post(reverse("scheduling:step", args=[calendar.booked.pk, "fly"])).status_code == 404
    )


def test_another_clinics_appointment_is_a_404(calendar, other_clinic):
    from tests.personas import client_for as login

    hugo = login(other_clinic.therapist)
    assert hugo.get(reverse("scheduling:appointment", args=[calendar.booked.pk])).status_code == 404


def test_the_clinicians_own_day(calendar, settings):
    from django.utils import timezone

    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 0)))
    mine = do_book_appointment(
        calendar.desk,
        patient=calendar.clinic.patient,
        staff=calendar.ot,
        location=calendar.clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=30),
    )
    panel = client_for(calendar.ot).get(reverse("scheduling:my_day"))
    html = panel.content.decode()
    assert f'id="my-appointment-{mine.pk}"' in html
    assert f'id="my-appointment-{calendar.booked.pk}"' not in html
    home = client_for(calendar.ot).get(reverse("home")).content.decode()
    assert reverse("scheduling:my_day") in home
