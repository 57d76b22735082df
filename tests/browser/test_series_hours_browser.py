"""The series preview checks the clinician's hours in a real browser (ADR 0614): Theo works
Mondays only, so the plan's Thursdays are marked "outside working hours"; the desk books the
Mondays and follows a Thursday's link to the booking form, filled for the same patient and
clinician. Screenshot to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.scheduling.actions import do_add_working_hours
from cleannote.apps.scheduling.models import AppointmentSeries
from tests.apps.scheduling.series_fixtures import MONDAY, series_setup
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_marks_dates_outside_hours_and_books_the_rest(
    browser_page,
    live_server,
    clinic,  # noqa: F811
) -> None:
    page, base = browser_page, live_server.url
    setup = series_setup(clinic)
    do_add_working_hours(
        setup.actor, staff=clinic.therapist, weekday=0, start=dt.time(8), end=dt.time(17)
    )
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/series/new/{setup.plan.pk}/")
    page.fill("#id_first_day", MONDAY.isoformat())
    page.click("#preview-series")
    expect(page.locator("#series-dates tr.row-bad")).to_have_count(3)
    expect(page.locator("#series-dates tr.row-bad").first).to_contain_text("outside working hours")
    expect(page.locator("#series-problems")).to_contain_text("3 dates cannot be booked")
    assert axe_violations(page, "series preview with hours") == []
    page.screenshot(path=str(ARTIFACTS / "series-preview-hours.png"), full_page=True)

    thursday = page.locator("#series-dates tr.row-bad a.move-occurrence").first
    move_href = thursday.get_attribute("href")
    page.check("#id_skip_conflicts")
    page.click("#book-series")
    expect(page.locator(".message")).to_contain_text("Booked 3 visits, 3 left out")
    assert AppointmentSeries.objects.get().appointments.count() == 3

    # a left-out Thursday is booked at another time from its link on the preview
    page.goto(f"{base}{move_href}")
    page.wait_for_url(f"{base}/schedule/book/**")
    query = page.url.split("?", 1)[1].split("&")
    assert f"patient={clinic.patient.pk}" in query
    assert f"staff={clinic.therapist.pk}" in query
    assert "minutes=45" in query
    assert f"day={(MONDAY + dt.timedelta(days=3)).isoformat()}" in query
    page.screenshot(path=str(ARTIFACTS / "series-move-occurrence.png"), full_page=True)
