"""Series and the waitlist in a real browser (issue 12). The front desk opens the chart,
follows "Book series" from the plan, previews the dates (one collides with a visit the patient
already has), books the free ones and finds them on the schedule; then cancels one occurrence
alone and fills its time from the waitlist (Offer by text, Book). Screenshots at 1280, 768 and
390 px go to test-artifacts/ (ADR 0610, 0611)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import Appointment, AppointmentSeries
from cleannote.apps.scheduling.series_actions import book_series_from_plan
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    """The page at 1280, 768 and 390 px; at 390 nothing may scroll sideways."""
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"series-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_book_a_series_from_the_plan_of_care(browser_page, live_server, clinic) -> None:  # noqa: F811
    page, base = browser_page, live_server.url
    setup = series_setup(clinic)
    # the patient already sees the assistant on the second Monday at 10:00
    do_book_appointment(
        setup.actor,
        patient=clinic.patient,
        staff=clinic.assistant,
        location=clinic.location,
        start=at(MONDAY + dt.timedelta(days=7), 10),
        end=at(MONDAY + dt.timedelta(days=7), 10, 45),
    )
    sign_in(page, base, "fran")

    # the chart: Book series from the plan
    page.goto(f"{base}/patients/{clinic.patient.pk}/")
    page.click(f"#book-series-{setup.plan.pk}")
    expect(page.locator("h1")).to_have_text("Book series")
    expect(page.locator("#id_weekdays_0")).to_be_checked()  # Monday
    expect(page.locator("#id_weekdays_3")).to_be_checked()  # Thursday
    expect(page.locator("#visit-count")).to_have_text("6 visits")
    page.fill("#id_first_day", MONDAY.isoformat())
    page.click("#preview-series")

    # the preview: six dates, the second Monday collides
    rows = page.locator("#series-dates tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("#ends-because")).to_have_text("plan's visit count")
    expect(page.locator("#series-dates tr.row-bad")).to_have_count(1)
    assert axe_violations(page, "series preview") == []
    _shoot(page, "preview")

    # booking all of it is refused with the colliding date; nothing is booked
    page.click("#book-series")
    expect(page.locator("#series-refusal")).to_contain_text("1 date(s) collide")
    assert not AppointmentSeries.objects.exists()

    # book the free dates
    page.check("#id_skip_conflicts")
    page.click("#book-series")
    expect(page.locator("h1")).to_contain_text("Series #")
    expect(page.locator("#series-occurrences tbody tr")).to_have_count(5)
    expect(page.locator(".message")).to_contain_text("Booked 5 visits, 1 left out")
    assert axe_violations(page, "series page") == []
    _shoot(page, "booked")
    series = AppointmentSeries.objects.get()
    assert Appointment.objects.filter(series=series).count() == 5

    # the week view shows them: Monday and Thursday of the first week, only Thursday of the
    # second (its Monday was left out), each card opening the appointment and its series
    booked = list(Appointment.objects.filter(series=series).order_by("start"))
    page.goto(f"{base}/schedule/week/?day={MONDAY.isoformat()}")
    for appointment in booked[:2]:
        expect(page.locator(f"#card-{appointment.pk}")).to_contain_text("Example, P.")
    _shoot(page, "week")
    page.goto(f"{base}/schedule/week/?day={(MONDAY + dt.timedelta(days=7)).isoformat()}")
    expect(page.locator(f"#card-{booked[2].pk}")).to_be_visible()
    # the series' Thursday and the visit with the assistant that took the Monday
    expect(page.locator(".appt-who", has_text="Example, P.")).to_have_count(2)
    page.goto(f"{base}/schedule/appointment/{booked[2].pk}/")
    page.click("#open-series")
    expect(page.locator("#series-occurrences tbody tr")).to_have_count(5)


def test_cancel_one_and_fill_it_from_the_waitlist(browser_page, live_server, clinic) -> None:  # noqa: F811
    page, base = browser_page, live_server.url
    setup = series_setup(clinic)
    booked = book_series_from_plan(
        setup.actor,
        setup.plan,
        staff=clinic.therapist,
        location=clinic.location,
        first_day=MONDAY,
        at=dt.time(10),
    )
    waiting = Patient.objects.create(
        organisation=clinic.organisation,
        chart_number="W-1",
        first_name="Wren",
        last_name="Waiting",
        birth_date=dt.date(1970, 1, 1),
        sex="F",
        phone="217-555-0100",
        sms_consent=True,
        sms_consent_on=dt.date(2026, 1, 1),
    )
    sign_in(page, base, "fran")

    # Wren joins the waitlist for Theo on Thursday mornings
    page.goto(f"{base}/schedule/waitlist/add/?patient={waiting.pk}")
    page.check(f"#id_clinicians input[value='{clinic.therapist.pk}']")
    page.check("#id_weekdays_3")
    page.fill("#id_windows", "08:00-12:00")
    page.click("#add-entry")
    expect(page.locator("#waiting-entries")).to_contain_text("Waiting, Wren")

    # the series' second visit (Thursday 10:00) is cancelled alone
    second = booked.appointments[1]
    page.goto(f"{base}/schedule/series/{booked.series.pk}/visit/{second.pk}/")
    assert axe_violations(page, "occurrence page") == []
    _shoot(page, "occurrence")
    page.select_option("#id_cancel-reason", "patient")
    page.click("#cancel-one-go")
    expect(page.locator(".message")).to_contain_text("the others stay booked")
    statuses = list(booked.series.appointments.values_list("status", flat=True))
    assert statuses == ["booked", "cancelled", "booked", "booked", "booked", "booked"]

    # the waitlist shows the opened slot with Wren; Offer queues a text, Book takes the slot
    page.goto(f"{base}/schedule/waitlist/")
    slot = page.locator("#open-slots li.slot")
    expect(slot).to_have_count(1)
    expect(slot).to_contain_text("Waiting, Wren")
    assert axe_violations(page, "waitlist") == []
    _shoot(page, "waitlist")
    slot.get_by_role("button", name="Offer").click()
    expect(page.locator(".message")).to_contain_text("Offer queued by text")
    page.locator("#open-slots li.slot").get_by_role("button", name="Book").click()
    expect(page.locator(".message")).to_contain_text("Booked")
    expect(page.locator("#open-slots li.slot")).to_have_count(0)
    taken = Appointment.objects.get(patient=waiting)
    assert (taken.staff, taken.start) == (clinic.therapist, second.start)
