"""Checking a patient in with a copay in a real browser (issue 12): from the day's schedule the
front desk opens the check-in, confirms, takes the copay in cash for one visit and by card
reference for another (a card number typed by mistake is refused and not drawn again), reads
the receipt and the ledger, and sees both appointments arrived. Screenshots at 1280, 768 and
390 px go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.ledger.models import PatientPayment
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 768, 390)


def _shoot(page, name: str) -> None:
    """The page at each width; at none may it scroll sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _book(clinic, hour: int) -> Appointment:  # noqa: F811
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(TODAY, dt.time(hour), tzinfo=zone)
    return do_book_appointment(
        Actor(user=clinic.front_desk.user, organisation=clinic.organisation),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


def _confirm(page) -> None:
    page.check("#id_demographics_confirmed")
    page.check("#id_coverage_confirmed")
    page.check("#id_intake_complete")


def test_check_a_patient_in_with_a_copay(browser_page, live_server, clinic):  # noqa: F811
    page, base = browser_page, live_server.url
    coverage = clinic.patient.coverages.get()
    coverage.copay = Decimal("25.00")
    coverage.save(update_fields=["copay"])
    morning, late_morning = _book(clinic, 9), _book(clinic, 11)

    # the front desk finds the visit on today's schedule and opens its check-in
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/?day={TODAY:%Y-%m-%d}")
    page.locator(f"a[href='/ledger/check-in/{morning.pk}/']").click()
    expect(page.locator("h1")).to_contain_text("Check in · Example, Pat")
    expect(page.locator("#copay-due")).to_contain_text("$25.00")
    expect(page.locator("#id_amount")).to_have_value("25.00")
    _shoot(page, "check-in-form")

    # cash: confirmed, $25.00 taken; the page says arrived and lists the receipt
    _confirm(page)
    page.select_option("#id_method", "cash")
    page.click("button:has-text('Check in')")
    expect(page.locator("#appointment-status")).to_have_text("Arrived")
    expect(page.locator(".messages")).to_contain_text("Receipt")
    expect(page.locator("#payments")).to_contain_text("$25.00")
    _shoot(page, "check-in-done")
    page.locator("#payments a").first.click()
    expect(page.locator("#receipt")).to_contain_text("$25.00")
    expect(page.locator("#receipt")).to_contain_text("Cash")
    _shoot(page, "receipt")

    # card: a full card number is refused at its field and not drawn again; the last 4 pass
    page.goto(f"{base}/ledger/check-in/{late_morning.pk}/")
    _confirm(page)
    page.fill("#id_amount", "25.00")
    page.select_option("#id_method", "card")
    page.fill("#id_reference", "4111 1111 1111 1111")
    page.click("button:has-text('Check in')")
    expect(page.locator("#id_reference_error")).to_contain_text("looks like a card number")
    expect(page.locator("#id_reference")).to_have_value("")
    expect(page.locator("#appointment-status")).to_have_text("Booked")
    _shoot(page, "check-in-refused")
    page.fill("#id_reference", "1111")
    page.click("button:has-text('Check in')")
    expect(page.locator("#appointment-status")).to_have_text("Arrived")
    expect(page.locator("#payments")).to_contain_text("card ending 1111")

    # the ledger shows both payments and the balance they leave
    page.goto(f"{base}/ledger/patients/{clinic.patient.pk}/")
    expect(page.locator("#ledger tbody tr")).to_have_count(2)
    expect(page.locator("#balance")).to_have_text("-$50.00")
    _shoot(page, "patient-ledger")

    # and the schedule shows both visits arrived
    page.goto(f"{base}/schedule/?day={TODAY:%Y-%m-%d}")
    expect(page.locator("tbody tr", has_text="Example, Pat").first).to_contain_text("Arrived")
    expect(page.locator("a", has_text="Check in")).to_have_count(0)
    assert {a.status for a in Appointment.objects.all()} == {AppointmentStatus.ARRIVED}
    assert sorted(p.method for p in PatientPayment.objects.all()) == ["card", "cash"]
