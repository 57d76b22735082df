"""The forward compliance view in a real browser (issue 12, ADR 0620): a Medicare patient whose
booked visits include the 10th treatment day with no progress report planned. The front desk
sees the flag in Needs attention and on that day's schedule; once the visit is booked as a
progress report from the list, the flag is gone. Screenshots at 1280, 768 and 390 px go to
test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.scheduling.actions import do_book_appointment, do_create_appointment_type
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, _note, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_visit_that_reaches_the_progress_report_day(browser_page, live_server, clinic):  # noqa: F811
    page, base = browser_page, live_server.url
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    # Five more signed visits: with the fixture's one, Pat is on treatment day 6.
    for days_ago in range(3, 8):
        _note(
            clinical,
            clinic.case,
            clinic.therapist,
            clinic.location,
            TODAY - dt.timedelta(days=days_ago),
            sign=True,
        )
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    follow_up, _report = (
        do_create_appointment_type(owner, name=name, discipline="PT", default_minutes=45)
        for name in ("Follow-up", "Progress report")
    )
    zone = timezone.get_current_timezone()
    booked = []
    for offset in range(5):
        start = dt.datetime.combine(TODAY + dt.timedelta(days=offset), dt.time(10), tzinfo=zone)
        booked.append(
            do_book_appointment(
                desk,
                patient=clinic.patient,
                staff=clinic.therapist,
                location=clinic.location,
                start=start,
                end=start + dt.timedelta(minutes=45),
                appointment_type=follow_up,
            )
        )
    tenth = booked[3]  # treatment day 10
    day_of_tenth = (TODAY + dt.timedelta(days=3)).isoformat()

    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/attention/")
    row = page.locator(f'tr[data-appointment="{tenth.pk}"][data-flag="progress-report"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Treatment day 10")
    expect(row.get_by_role("button", name="Plan the report")).to_be_visible()
    _shoot(page, "fwd-attention")

    # The same flag on that day's schedule, on that appointment only.
    on = dt.date.fromisoformat(day_of_tenth)
    row.get_by_role("link", name=f"{on:%a} {on.day} {on:%b}").click()  # the short form, "Wed 9 Dec"
    page.wait_for_url(f"**/schedule/?day={day_of_tenth}")
    card = page.locator(f'tr[data-appointment="{tenth.pk}"]')
    expect(card.locator('[data-flag="progress-report"]')).to_have_text("Progress report due")
    _shoot(page, "fwd-day")

    # And on the card in the week grid.
    page.goto(f"{base}/schedule/week/?day={day_of_tenth}")
    week_card = page.locator(f"#card-{tenth.pk}")
    expect(week_card.locator('[data-flag="progress-report"]')).to_have_text("Progress report due")
    _shoot(page, "fwd-week")

    # The front desk books that visit as the progress report, from the list: the flag is gone
    # from both places.
    page.goto(f"{base}/schedule/attention/")
    row.get_by_label("Book as").select_option(label="Progress report")
    row.get_by_role("button", name="Plan the report").click()
    expect(page.get_by_text("The visit is now a progress report.")).to_be_visible()
    expect(page.locator('[data-flag="progress-report"]')).to_have_count(0)
    page.goto(f"{base}/schedule/?day={day_of_tenth}")
    expect(card).to_be_visible()
    expect(card.locator('[data-flag="progress-report"]')).to_have_count(0)


def test_a_flags_full_text_on_a_tablet_without_hover(browser_page, live_server, clinic):  # noqa: F811
    """At 768 px (a tablet: no hover, no tooltip) the week card's flag badge is a link to the
    appointment's flags, each in full with its fix; the Needs attention row says it in full."""
    page, base = browser_page, live_server.url
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for days_ago in range(3, 8):
        _note(
            clinical,
            clinic.case,
            clinic.therapist,
            clinic.location,
            TODAY - dt.timedelta(days=days_ago),
            sign=True,
        )
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    booked = []
    for offset in range(5):
        start = dt.datetime.combine(TODAY + dt.timedelta(days=offset), dt.time(10), tzinfo=zone)
        booked.append(
            do_book_appointment(
                desk,
                patient=clinic.patient,
                staff=clinic.therapist,
                location=clinic.location,
                start=start,
                end=start + dt.timedelta(minutes=45),
            )
        )
    tenth = booked[3]
    page.set_viewport_size({"width": 768, "height": 1000})
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/week/?day={(TODAY + dt.timedelta(days=3)).isoformat()}")
    badge = page.locator(f'#card-{tenth.pk} a[data-flag="progress-report"]')
    expect(badge).to_have_text("Progress report due")
    page.screenshot(path=str(ARTIFACTS / "fwd-tablet-week-768.png"), full_page=False)
    badge.click()
    page.wait_for_url(f"**/schedule/appointment/{tenth.pk}/#flags")
    section = page.locator("#flags")
    expect(section).to_be_visible()
    expect(section).to_contain_text("Treatment day 10: a progress report is due")
    expect(section.get_by_role("link", name="Plan the progress report")).to_be_visible()
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "fwd-tablet-appointment-768.png"), full_page=True)
    page.goto(f"{base}/schedule/attention/")
    row = page.locator(f'tr[data-appointment="{tenth.pk}"][data-flag="progress-report"]')
    expect(row).to_contain_text("none is planned for this visit")
    page.screenshot(path=str(ARTIFACTS / "fwd-tablet-attention-768.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
