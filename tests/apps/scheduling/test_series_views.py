"""The series and waitlist pages: Book series from the plan (prefilled, preview, book), the
series' occurrences and one occurrence's changes, the waitlist worklist (ADR 0610, 0611)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentSeries,
    CancelReason,
    WaitlistEntry,
)
from cleannote.apps.scheduling.series_actions import book_series_from_plan
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup


@pytest.fixture
def setup(clinic):  # type: ignore[no-untyped-def]
    return series_setup(clinic)


def _form(setup, **changes):  # type: ignore[no-untyped-def]
    data = {
        "weekdays": ["0", "3"],
        "at": "10:00 AM",
        "minutes": "45",
        "staff": str(setup.clinic.therapist.pk),
        "location": str(setup.clinic.location.pk),
        "appointment_type": "",
        "first_day": MONDAY.isoformat(),
    }
    data.update(changes)
    return data


def test_the_plan_page_and_the_chart_offer_book_series(setup, login) -> None:
    client = login(setup.clinic.front_desk)
    url = reverse("scheduling:book_series", args=[setup.plan.pk])
    plan_page = client.get(
        reverse("patients:plan", args=[setup.clinic.patient.pk, setup.clinic.case.pk])
    )
    assert url in plan_page.content.decode()
    chart = client.get(reverse("patients:chart", args=[setup.clinic.patient.pk]))
    assert url in chart.content.decode()


def test_the_form_is_prefilled_from_the_plan(setup, login) -> None:
    page = login(setup.clinic.front_desk).get(
        reverse("scheduling:book_series", args=[setup.plan.pk])
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["weekdays"] == ["0", "3"]
    assert form.initial["staff"] == setup.clinic.therapist  # the case's PT therapist
    body = page.content.decode()
    assert "2x/week for 3 weeks" in body
    assert "6 visits" in body
    assert AuditEvent.objects.filter(object_type="plan_of_care", action="view").exists()
    # the dates the defaults give are shown at once
    preview = page.context["preview"]
    assert [o.start for o in preview.occurrences][:2] == [
        at(MONDAY, 10),
        at(MONDAY + dt.timedelta(days=3), 10),
    ]


def test_preview_lists_the_dates_and_their_collisions(setup, login) -> None:
    do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.assistant,
        location=setup.clinic.location,
        start=at(MONDAY + dt.timedelta(days=7), 10),
        end=at(MONDAY + dt.timedelta(days=7), 11),
    )
    page = login(setup.clinic.front_desk).post(
        reverse("scheduling:book_series", args=[setup.plan.pk]),
        {**_form(setup), "step": "preview"},
    )
    assert page.status_code == 200
    preview = page.context["preview"]
    assert len(preview.occurrences) == 6
    assert [o.start.date() for o in preview.conflicts] == [MONDAY + dt.timedelta(days=7)]
    body = page.content.decode()
    assert "plan&#x27;s visit count" in body or "plan's visit count" in body
    assert 'id="book-series"' in body
    assert not Appointment.objects.filter(series__isnull=False).exists()


def test_book_refuses_a_collision_then_books_the_free_dates_when_asked(setup, login) -> None:
    do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.assistant,
        location=setup.clinic.location,
        start=at(MONDAY, 10),
        end=at(MONDAY, 11),
    )
    client = login(setup.clinic.front_desk)
    url = reverse("scheduling:book_series", args=[setup.plan.pk])
    refused = client.post(url, {**_form(setup), "step": "book"})
    assert refused.status_code == 200
    assert "1 date(s) collide" in refused.content.decode()
    assert not AppointmentSeries.objects.exists()
    booked = client.post(url, {**_form(setup), "step": "book", "skip_conflicts": "on"})
    series = AppointmentSeries.objects.get()
    assert booked.status_code == 302
    assert booked["Location"] == reverse("scheduling:series", args=[series.pk])
    assert series.appointments.count() == 5


@pytest.mark.parametrize(
    ("case", "changes", "field"),
    [
        ("no_weekday", {"weekdays": []}, "weekdays"),
        ("not_a_time", {"at": "25:00"}, "at"),
        ("too_long", {"minutes": "600"}, "minutes"),
        ("no_first_day", {"first_day": ""}, "first_day"),
    ],
)
def test_bad_input_is_refused_at_its_field(setup, login, case, changes, field) -> None:  # type: ignore[no-untyped-def]
    page = login(setup.clinic.front_desk).post(
        reverse("scheduling:book_series", args=[setup.plan.pk]),
        {**_form(setup, **changes), "step": "book"},
    )
    assert page.status_code == 400, case
    assert field in page.context["form"].errors, case
    assert not AppointmentSeries.objects.exists()


def test_a_first_day_after_the_plan_is_refused_on_the_form(setup, login) -> None:
    late = (setup.plan.certified_through + dt.timedelta(days=1)).isoformat()
    page = login(setup.clinic.front_desk).post(
        reverse("scheduling:book_series", args=[setup.plan.pk]),
        {**_form(setup, first_day=late), "step": "preview"},
    )
    assert page.status_code == 400
    assert "first_day" in page.content.decode()


def test_another_organisations_plan_is_not_found(setup, login, other_clinic) -> None:
    page = login(other_clinic.therapist).get(
        reverse("scheduling:book_series", args=[setup.plan.pk])
    )
    assert page.status_code == 404


def test_a_biller_may_not_book(setup, login) -> None:
    page = login(setup.clinic.biller).get(reverse("scheduling:book_series", args=[setup.plan.pk]))
    assert page.status_code == 403


def _series(setup):  # type: ignore[no-untyped-def]
    return book_series_from_plan(
        setup.actor,
        setup.plan,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        first_day=MONDAY,
        at=dt.time(10),
    )


def test_the_series_page_lists_occurrences_and_cancel_one_keeps_the_rest(setup, login) -> None:
    booked = _series(setup)
    client = login(setup.clinic.front_desk)
    page = client.get(reverse("scheduling:series", args=[booked.series.pk]))
    assert page.status_code == 200
    assert len(page.context["appointments"]) == 6
    third = booked.appointments[2]
    change = reverse("scheduling:series_occurrence", args=[booked.series.pk, third.pk])
    assert change in page.content.decode()
    done = client.post(change, {"step": "cancel", "cancel-reason": "patient"})
    assert done.status_code == 302
    statuses = list(booked.series.appointments.values_list("status", flat=True))
    assert statuses == ["booked", "booked", "cancelled", "booked", "booked", "booked"]


def test_the_occurrence_page_moves_the_rest(setup, login) -> None:
    booked = _series(setup)
    client = login(setup.clinic.front_desk)
    change = reverse(
        "scheduling:series_occurrence", args=[booked.series.pk, booked.appointments[3].pk]
    )
    assert client.get(change).status_code == 200
    done = client.post(change, {"step": "following", "following-at": "2:00 PM"})
    assert done.status_code == 302
    rest = AppointmentSeries.objects.get(continues=booked.series)
    assert [localtime(a.start).hour for a in rest.appointments.all()] == [14, 14, 14]


def test_the_occurrence_page_refuses_an_unknown_step_and_empty_change(setup, login) -> None:
    booked = _series(setup)
    client = login(setup.clinic.front_desk)
    change = reverse(
        "scheduling:series_occurrence", args=[booked.series.pk, booked.appointments[0].pk]
    )
    assert client.post(change, {"step": "explode"}).status_code == 400
    empty = client.post(change, {"step": "following"})
    assert empty.status_code == 400
    assert "Give a new time, clinician or weekdays." in empty.content.decode()


def test_the_waitlist_page_shows_a_slot_with_the_matching_patient(setup, login) -> None:
    client = login(setup.clinic.front_desk)
    added = client.post(
        reverse("scheduling:waitlist_add"),
        {
            "patient": str(setup.clinic.patient.pk),
            "clinicians": [str(setup.clinic.therapist.pk)],
            "weekdays": ["3"],
            "windows": "08:00-12:00",
        },
    )
    assert added.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.windows == [["08:00", "12:00"]]
    thursday = MONDAY + dt.timedelta(days=3)
    visit = do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        start=at(thursday, 9),
        end=at(thursday, 9, 45),
    )
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.PATIENT)
    page = client.get(reverse("scheduling:waitlist"))
    assert page.status_code == 200
    (match,) = page.context["matches"]
    assert match.entries == [entry]
    offer = reverse("scheduling:waitlist_offer", args=[entry.pk, match.slot.pk])
    assert offer in page.content.decode()
    assert client.post(offer).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.offered_by) == ("offered", "phone")
    assert (
        client.post(reverse("scheduling:waitlist_book", args=[entry.pk, match.slot.pk])).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.status == "booked"


def test_a_bad_window_is_refused_at_its_field(setup, login) -> None:
    page = login(setup.clinic.front_desk).post(
        reverse("scheduling:waitlist_add"),
        {"patient": str(setup.clinic.patient.pk), "windows": "mornings"},
    )
    assert page.status_code == 400
    assert "write it as 08:00-12:00" in page.content.decode()
    assert not WaitlistEntry.objects.exists()


def _open_and_wait(setup, n: int) -> None:  # type: ignore[no-untyped-def]
    """n waiting entries (one per patient) and n opened slots on the first Thursday."""
    from cleannote.apps.patients.models import Patient
    from cleannote.apps.scheduling.waitlist_actions import do_add_waitlist_entry

    thursday = MONDAY + dt.timedelta(days=3)
    for i in range(n):
        patient = Patient.objects.create(
            organisation=setup.clinic.organisation,
            chart_number=f"Q-{n}-{i}",
            first_name="Quinn",
            last_name=f"Query{i}",
            birth_date=dt.date(1980, 1, 1),
            sex="M",
        )
        do_add_waitlist_entry(
            setup.actor, patient=patient, clinicians=[setup.clinic.therapist], weekdays=[3]
        )
        hour = 8 + i + (n - 1) * 3
        visit = do_book_appointment(
            setup.actor,
            patient=patient,
            staff=setup.clinic.therapist,
            location=setup.clinic.location,
            start=at(thursday, hour),
            end=at(thursday, hour, 45),
        )
        do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.PATIENT)


def test_the_waitlist_page_query_count_does_not_grow(setup, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(setup.clinic.front_desk)
    _open_and_wait(setup, 1)
    client.get(reverse("scheduling:waitlist"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("scheduling:waitlist"))
    assert len(page.context["matches"]) == 1
    _open_and_wait(setup, 3)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("scheduling:waitlist"))
    assert len(page.context["matches"]) == 4
    assert all(len(m.entries) == 4 for m in page.context["matches"])
    assert len(large) == len(small)


def test_preview_marks_dates_outside_hours_in_a_break_or_time_off(setup, login) -> None:
    """ADR 0614: the preview judges each date by the booking action's own hours rule.
    Theo works Mondays 08:00-17:00 with a 10:00-10:30 coffee break, Thursdays only 13:00-17:00,
    and is off the second week's Thursday: every Thursday is outside hours, every Monday in
    the break, and the off day shows as time off."""
    from cleannote.apps.scheduling.actions import (
        do_add_break,
        do_add_time_off,
        do_add_working_hours,
    )

    theo = setup.clinic.therapist
    for weekday, start, end in ((0, 8, 17), (3, 13, 17)):
        do_add_working_hours(
            setup.actor,
            staff=theo,
            weekday=weekday,
            start=dt.time(start),
            end=dt.time(end),
            location=None,
        )
    do_add_break(
        setup.actor, staff=theo, weekday=0, start=dt.time(10), end=dt.time(10, 30), label="Coffee"
    )
    off = MONDAY + dt.timedelta(days=10)
    do_add_time_off(setup.actor, staff=theo, first_day=off, last_day=off, note="")
    client = login(setup.clinic.front_desk)
    url = reverse("scheduling:book_series", args=[setup.plan.pk])
    page = client.post(url, {**_form(setup), "step": "preview"})
    kinds = [sorted({b.kind for b in o.conflicts}) for o in page.context["preview"].occurrences]
    assert kinds == [
        ["break"],
        ["outside hours"],
        ["break"],
        ["time off"],  # the day off is named first, as the booking action names it
        ["break"],
        ["outside hours"],
    ]
    body = page.content.decode()
    assert "outside working hours" in body
    assert body.count("book this one at another time") == 6
    assert f"patient={setup.clinic.patient.pk}" in body
    assert f"day={(MONDAY + dt.timedelta(days=3)).isoformat()}" in body
    # the same dates at 14:00 fit Mondays and Thursdays; only the day off is left out
    fits = client.post(url, {**_form(setup, at="2:00 PM"), "step": "book", "skip_conflicts": "on"})
    assert fits.status_code == 302
    series = AppointmentSeries.objects.get()
    assert series.appointments.count() == 5
    assert off not in [localtime(a.start).date() for a in series.appointments.all()]


def test_booking_refuses_a_series_with_dates_outside_hours_listing_them(setup, login) -> None:
    from cleannote.apps.scheduling.actions import do_add_working_hours

    do_add_working_hours(
        setup.actor,
        staff=setup.clinic.therapist,
        weekday=0,
        start=dt.time(8),
        end=dt.time(17),
        location=None,
    )
    client = login(setup.clinic.front_desk)
    url = reverse("scheduling:book_series", args=[setup.plan.pk])
    refused = client.post(url, {**_form(setup), "step": "book"})
    assert "3 date(s) collide" in refused.content.decode()  # the three Thursdays
    assert not AppointmentSeries.objects.exists()
    client.post(url, {**_form(setup), "step": "book", "skip_conflicts": "on"})
    assert AppointmentSeries.objects.get().appointments.count() == 3
