"""The calendar in a real browser (issue 12): the front desk moves a visit with the keys and by
dragging it, sees a move onto a clinician's day off refused in the status line, cancels a visit
with a reason, and is refused a double booking on the booking form with the clash named.
Screenshots of the week, the day, the appointment and the refusal at 1280, 768 and 390 px go
to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.scheduling.models import Appointment, AppointmentStatus, CancelReason
from tests.apps.scheduling.conftest import MONDAY, at, calendar  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 768, 390)


def _shoot(page, name: str) -> None:
    """The page at each width; only a grid inside its scrolling frame may be wider."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _week(page, base: str) -> None:
    page.goto(f"{base}/schedule/week/?day={MONDAY:%Y-%m-%d}")
    expect(page.locator("h1")).to_have_text("Week of Mon 4 Jan 2027")


def test_move_a_visit_by_keys_and_by_drag(browser_page, live_server, calendar):  # noqa: F811
    page, base = browser_page, live_server.url
    visit = calendar.booked
    sign_in(page, base, "fran")
    _week(page, base)
    _shoot(page, "calendar-week")
    card = page.locator(f"#card-{visit.pk}")

    # Shift+↓ on the focused visit: 15 minutes later, and the focus comes back to it
    card.focus()
    card.press("Shift+ArrowDown")
    expect(page.locator(f"#card-{visit.pk} .appt-time")).to_have_text("9:15 AM–10:00 AM")
    expect(page.locator(f"#card-{visit.pk}")).to_be_focused()
    visit.refresh_from_db()
    assert visit.start == at(MONDAY, 9, 15)

    # dragged onto Theo's Tuesday: he does not work Tuesdays, and the status line says so
    theo_row = page.locator("tr", has=page.locator("th", has_text="Theo Demo, PT"))
    tuesday = theo_row.locator("td[data-day='2027-01-05']")
    page.locator(f"#card-{visit.pk}").drag_to(tuesday)
    expect(page.locator("#schedule-status")).to_contain_text(
        "Not moved: clinician Theo Demo, PT: does not work on Tuesdays"
    )
    visit.refresh_from_db()
    assert visit.start == at(MONDAY, 9, 15)

    # dragged onto Ada's Monday instead: moved to her, at the same time
    ada_row = page.locator("tr", has=page.locator("th", has_text="Ada Demo, PTA"))
    page.locator(f"#card-{visit.pk}").drag_to(ada_row.locator("td[data-day='2027-01-04']"))
    expect(ada_row.locator(f"#card-{visit.pk}")).to_be_visible()
    visit.refresh_from_db()
    assert (visit.staff_id, visit.start) == (calendar.clinic.assistant.pk, at(MONDAY, 9, 15))

    # the day view: a column per clinician, the visit in Ada's
    page.goto(f"{base}/schedule/?day={MONDAY:%Y-%m-%d}")
    expect(
        page.locator(f"td[data-staff='{calendar.clinic.assistant.pk}'] #card-{visit.pk}")
    ).to_be_visible()
    _shoot(page, "calendar-day")


def test_cancel_a_visit_with_a_reason(browser_page, live_server, calendar):  # noqa: F811
    page, base = browser_page, live_server.url
    visit = calendar.booked
    sign_in(page, base, "fran")
    _week(page, base)
    card = page.locator(f"#card-{visit.pk}")
    card.focus()
    card.press("Enter")
    expect(page.locator("h1")).to_contain_text("Follow-up")
    _shoot(page, "calendar-appointment")
    page.get_by_label("Late cancel").check()
    page.fill("#cancel-note", "called at 8:30")
    page.click("button:has-text('Cancel the appointment')")
    expect(page.locator(".messages")).to_contain_text("Cancelled.")
    expect(page.locator("main")).to_contain_text("Late cancel: called at 8:30")
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == (AppointmentStatus.CANCELLED, CancelReason.LATE)
    # the week no longer shows it; its time is free again
    _week(page, base)
    expect(page.locator(f"#card-{visit.pk}")).to_have_count(0)


def test_a_double_booking_is_refused_on_the_form(browser_page, live_server, calendar):  # noqa: F811
    page, base = browser_page, live_server.url
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/book/")
    page.fill("#patient-q", calendar.clinic.patient.last_name)
    page.locator("#patient-choices input[name=patient]").first.check()
    page.select_option("#book-type", label="PT · Follow-up (45 min)")
    expect(page.locator("#book-minutes")).to_have_value("45")
    page.select_option("#book-staff", label="Theo Demo, PT")
    page.fill("#book-day", f"{MONDAY:%Y-%m-%d}")
    page.fill("#book-time", "9:30 AM")
    page.click("button:has-text('Book')")
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text(
        "clinician Theo Demo, PT: is already booked Mon 4 Jan 2027 9:00 AM–9:45 AM "
        f"(appointment {calendar.booked.pk})"
    )
    assert Appointment.objects.count() == 1
    _shoot(page, "calendar-book-refused")
    # the form kept what was typed and the patient chosen: a free time books, and the week
    # opens on it
    expect(page.locator("main .chosen")).to_contain_text("Chosen:")
    page.fill("#book-time", "10:00 AM")
    page.click("button:has-text('Book')")
    expect(page.locator(".messages")).to_contain_text("Booked.")
    booked = Appointment.objects.latest("pk")
    assert (booked.start, booked.end) == (at(MONDAY, 10), at(MONDAY, 10, 45))
    expect(page.locator(f"#card-{booked.pk}")).to_be_visible()
