"""A waitlist offer holds its slot, and a failed text needs attention, in a real browser
(ADRs 0670, 0672). The desk offers an opened slot: the week shows it held for the patient's
initials; booking someone else over it is refused with the way to the hold, where the desk
releases it and comes back to the filled form to book. A text the gateway refused (a mistyped
number) is first in the outbox under "Needs attention": the desk fixes the number on the chart
and Retry sends it. Screenshots to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.organisations.actions import do_create_room
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.models import (
    Appointment,
    CancelReason,
    HoldStatus,
    OpenSlot,
    SlotHold,
)
from cleannote.apps.scheduling.waitlist_actions import do_add_waitlist_entry
from tests.apps.messaging.test_needs_attention import _mistyped_text
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THURSDAY = MONDAY + dt.timedelta(days=3)


def test_an_offer_holds_the_slot_until_the_desk_releases_it(
    browser_page,
    live_server,
    clinic,  # noqa: F811
) -> None:
    page, base = browser_page, live_server.url
    setup = series_setup(clinic)
    room = do_create_room(setup.actor, location=clinic.location, name="Room 1")
    visit = do_book_appointment(
        setup.actor,
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=at(THURSDAY, 10),
        end=at(THURSDAY, 10, 45),
        room=room,
    )
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.PATIENT)
    wren = Patient.objects.create(
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
    do_add_waitlist_entry(setup.actor, patient=wren, clinicians=[clinic.therapist])
    sign_in(page, base, "fran")

    # the desk offers the opened slot from the waitlist
    page.goto(f"{base}/schedule/waitlist/")
    page.locator("#open-slots li.slot").get_by_role("button", name="Offer").click()
    expect(page.locator(".message").first).to_contain_text("held for them")
    hold = SlotHold.objects.get()
    expect(page.locator(f'#open-slots [data-hold="{hold.pk}"]')).to_contain_text("held for W. W.")

    # the week shows it held in its cell (the clinician's Thursday), for the initials only,
    # with until when; at a tablet's and a phone's width too (ADR 0675)
    page.goto(f"{base}/schedule/week/?day={THURSDAY.isoformat()}")
    held = page.locator(f"td[data-day='{THURSDAY.isoformat()}'] #hold-{hold.pk}")
    expect(held).to_contain_text("Held for waitlist offer until")
    expect(held).to_contain_text("for W. W. · Room 1")
    expect(held).not_to_contain_text("Wren")
    assert axe_violations(page, "week with a held slot") == []
    for width, height in ((1024, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        held.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"hold-week-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # by keys: the held block is a stop of the grid's arrows, and Enter opens the hold's page
    held.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/schedule/hold/{hold.pk}/**")
    page.go_back()

    # booking another patient over it is refused, with the way to the hold
    fields = {
        "patient": clinic.patient.pk,
        "staff": clinic.therapist.pk,
        "location": clinic.location.pk,
        "day": THURSDAY.isoformat(),
        "time": "10:15",
        "minutes": "30",
    }
    page.goto(f"{base}/schedule/book/?{urlencode(fields)}")
    page.locator("#book-form").get_by_role("button", name="Book").click()
    expect(page.locator("#refusal")).to_contain_text("held")
    expect(page.locator("#refusal")).to_contain_text("W. W.")
    page.click("#open-hold")
    expect(page.locator("h1")).to_have_text("Held for a waitlist offer")
    assert axe_violations(page, "hold page") == []
    page.screenshot(path=str(ARTIFACTS / "hold-page.png"), full_page=True)

    # the desk releases it and is back on the filled form, which now books
    page.fill("#release-reason", "patient took a later time by phone")
    page.click("#hold-release")
    expect(page.locator(".message").first).to_contain_text("Hold released")
    page.locator("#book-form").get_by_role("button", name="Book").click()
    expect(page.locator(".message").first).to_contain_text("Booked")
    hold.refresh_from_db()
    assert hold.status == HoldStatus.RELEASED
    assert Appointment.objects.filter(start=at(THURSDAY, 10, 15), status="booked").count() == 1
    assert OpenSlot.objects.count() == 1


def test_a_refused_text_needs_attention_until_the_number_is_fixed(
    browser_page,
    live_server,
    clinic,  # noqa: F811
    settings,
    tmp_path,
) -> None:
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    page, base = browser_page, live_server.url
    message = _mistyped_text(clinic)
    sign_in(page, base, "fran")
    page.goto(f"{base}/outbox/")
    item = page.locator(f"#attention-{message.pk}")
    expect(item).to_contain_text("Failed")
    expect(item).to_contain_text("the text gateway refused the number")
    assert axe_violations(page, "outbox needing attention") == []
    page.screenshot(path=str(ARTIFACTS / "outbox-needs-attention.png"), full_page=True)

    # the way forward: fix the number on the chart, then Retry
    page.click(f"#fix-chart-{message.pk}")
    page.fill("#id_phone", "217-555-0148")
    page.fill("#id_reason", "Number misheard: 555, not 055")
    page.locator("form").filter(has=page.locator("#id_phone")).locator(
        "button[type=submit]"
    ).first.click()
    expect(page.locator(".message").first).to_contain_text("phone")
    page.goto(f"{base}/outbox/")
    page.click(f"#retry-attention-{message.pk}")
    expect(page.locator(".message").first).to_contain_text(f"Message {message.pk} queued again")
    expect(page.locator("#outbox-attention")).to_have_count(0)
    message.refresh_from_db()
    assert (message.status, message.to) == (MessageStatus.SENT, "217-555-0148")
    assert OutboundMessage.objects.count() == 1
