"""A waitlist offer holds its slot (ADR 0670): the clinician's time and the cancelled visit's
room are kept for the patient offered them until they accept (exactly that slot is booked),
decline, the desk releases the hold, or the clinic's hold time runs out (the sweep, or the
next booking over it, lapses it) and the next waiting patient can be offered the slot."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.messaging.models import OutboundMessage
from cleannote.apps.organisations.actions import do_create_room
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import (
    CancelReason,
    FrontDeskSettings,
    HoldStatus,
    OpenSlot,
    SlotHold,
    WaitlistStatus,
)
from cleannote.apps.scheduling.waitlist_actions import (
    do_add_waitlist_entry,
    do_book_from_waitlist,
    do_decline_offer,
    do_expire_holds,
    do_offer_slot,
    do_release_hold,
)
from cleannote.apps.scheduling.waitlist_selectors import slot_matches, waiting_entries
from cleannote.web.demo_messaging import failed_offer
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup

THURSDAY = MONDAY + dt.timedelta(days=3)
NOW = at(MONDAY - dt.timedelta(days=3), 9)  # the Friday before, 9:00


@pytest.fixture
def setup(clinic):  # type: ignore[no-untyped-def]
    return series_setup(clinic)


def _patient(setup, first: str, last: str) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        organisation=setup.clinic.organisation,
        chart_number=f"H-{Patient.objects.count() + 1}",
        first_name=first,
        last_name=last,
        birth_date=dt.date(1970, 1, 1),
        sex="F",
        phone="217-555-0100",
        sms_consent=True,
        sms_consent_on=dt.date(2026, 1, 1),
    )


@pytest.fixture
def opened(setup):  # type: ignore[no-untyped-def]
    """Thursday 10:00-10:45 with Theo in Room 1, cancelled: an open slot with its room."""
    room = do_create_room(setup.actor, location=setup.clinic.location, name="Room 1")
    visit = do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        start=at(THURSDAY, 10),
        end=at(THURSDAY, 10, 45),
        room=room,
    )
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.PATIENT)
    return OpenSlot.objects.get(), room


def _entry(setup, first: str = "Wren", last: str = "Waiting"):  # type: ignore[no-untyped-def]
    return do_add_waitlist_entry(setup.actor, patient=_patient(setup, first, last))


def _book_other(setup, **changes):  # type: ignore[no-untyped-def]
    fields = {
        "patient": setup.clinic.patient,
        "staff": setup.clinic.therapist,
        "location": setup.clinic.location,
        "start": at(THURSDAY, 10, 15),
        "end": at(THURSDAY, 11),
    }
    fields.update(changes)
    return do_book_appointment(setup.actor, **fields)


def test_an_offer_holds_the_clinician_and_the_room_until_the_clinics_hold_time(
    setup, opened
) -> None:
    slot, room = opened
    entry = _entry(setup)
    do_offer_slot(setup.actor, entry=entry, slot=slot, now=NOW)
    hold = SlotHold.objects.get()
    assert (hold.status, hold.staff, hold.room, hold.start, hold.end) == (
        HoldStatus.HELD,
        setup.clinic.therapist,
        room,
        slot.start,
        slot.end,
    )
    assert hold.expires_at == NOW + dt.timedelta(hours=4)
    assert hold.initials == "W. W."
    assert "keep it for you until" in OutboundMessage.objects.get().body


@pytest.mark.parametrize(
    ("hours_case", "setting", "held_for"),
    [("no settings: 4 hours", None, 4), ("one hour", 1, 1), ("a day", 24, 24)],
)
def test_the_hold_lasts_the_clinics_setting(setup, opened, hours_case, setting, held_for) -> None:
    if setting is not None:
        FrontDeskSettings.objects.create(
            organisation=setup.clinic.organisation, offer_hold_hours=setting
        )
    do_offer_slot(setup.actor, entry=_entry(setup), slot=opened[0], now=NOW)
    assert SlotHold.objects.get().expires_at == NOW + dt.timedelta(hours=held_for)


@pytest.mark.parametrize(
    ("over", "changes", "subject"),
    [
        ("the clinician's time", {}, "clinician"),
        ("the room, another clinician", {"staff": "assistant", "room": "room"}, "room"),
    ],
)
def test_booking_over_a_hold_is_refused_with_the_hold_to_release(
    setup, opened, over, changes, subject
) -> None:
    slot, room = opened
    do_offer_slot(setup.actor, entry=_entry(setup), slot=slot, now=timezone.now())
    hold = SlotHold.objects.get()
    values = {k: (setup.clinic.assistant if v == "assistant" else room) for k, v in changes.items()}
    with pytest.raises(SchedulingError) as refused:
        _book_other(setup, **values)
    assert refused.value.code == SchedulingErrorCode.SLOT_HELD
    assert refused.value.ref == hold.pk
    assert refused.value.subject.startswith(subject)
    assert "W. W." in str(refused.value)
    assert "Wren" not in str(refused.value)
    assert "Waiting" not in str(refused.value)


def test_a_held_slot_is_not_offered_twice_and_a_second_offer_to_the_same_entry_holds_once(
    setup, opened
) -> None:
    slot, _ = opened
    first, second = _entry(setup), _entry(setup, "Alex", "Other")
    do_offer_slot(setup.actor, entry=first, slot=slot, now=NOW)
    do_offer_slot(setup.actor, entry=first, slot=slot, now=NOW + dt.timedelta(minutes=5))
    assert SlotHold.objects.count() == 1
    with pytest.raises(SchedulingError) as refused:
        do_offer_slot(setup.actor, entry=second, slot=slot, now=NOW)
    assert refused.value.code == SchedulingErrorCode.SLOT_HELD
    second.refresh_from_db()
    assert second.status == WaitlistStatus.OPEN
    assert OutboundMessage.objects.count() == 1


def test_acceptance_books_exactly_the_held_slot_with_its_room(setup, opened) -> None:
    slot, room = opened
    entry = _entry(setup)
    do_offer_slot(setup.actor, entry=entry, slot=slot, now=timezone.now())
    appointment = do_book_from_waitlist(setup.actor, entry=entry, slot=slot)
    hold = SlotHold.objects.get()
    assert (hold.status, hold.appointment) == (HoldStatus.ACCEPTED, appointment)
    assert (appointment.staff, appointment.room, appointment.start, appointment.end) == (
        setup.clinic.therapist,
        room,
        slot.start,
        slot.end,
    )


def test_another_patient_cannot_be_booked_into_a_slot_held_for_someone_else(setup, opened) -> None:
    slot, _ = opened
    offered, other = _entry(setup), _entry(setup, "Alex", "Other")
    do_offer_slot(setup.actor, entry=offered, slot=slot, now=timezone.now())
    with pytest.raises(SchedulingError) as refused:
        do_book_from_waitlist(setup.actor, entry=other, slot=slot)
    assert refused.value.code == SchedulingErrorCode.SLOT_HELD


@pytest.mark.parametrize("ending", ["declined", "released", "lapsed (sweep)", "lapsed (booking)"])
def test_a_hold_that_ends_frees_the_slot_for_the_next_patient(setup, opened, ending) -> None:
    slot, _ = opened
    first, second = _entry(setup), _entry(setup, "Alex", "Other")
    now = timezone.now()
    do_offer_slot(setup.actor, entry=first, slot=slot, now=now - dt.timedelta(hours=5))
    hold = SlotHold.objects.get()
    # when the hold ends
    if ending == "declined":
        do_decline_offer(setup.actor, hold=hold)
    elif ending == "released":
        do_release_hold(setup.actor, hold=hold, reason="patient booked by phone elsewhere")
    elif ending == "lapsed (sweep)":
        assert do_expire_holds(now) == 1
        assert do_expire_holds(now) == 0  # idempotent
    # then the first entry waits on, and the slot is offered to the next one
    if ending == "lapsed (booking)":
        _book_other(setup)  # a lapsed hold refuses nothing
    else:
        do_offer_slot(setup.actor, entry=second, slot=slot, now=now)
        second.refresh_from_db()
        assert second.status == WaitlistStatus.OFFERED
    hold.refresh_from_db()
    assert (
        hold.status
        == {
            "declined": HoldStatus.DECLINED,
            "released": HoldStatus.RELEASED,
            "lapsed (sweep)": HoldStatus.EXPIRED,
            "lapsed (booking)": HoldStatus.EXPIRED,
        }[ending]
    )
    first.refresh_from_db()
    assert first.status == WaitlistStatus.OPEN
    assert AuditEvent.objects.filter(object_type="slot_hold", object_id=str(hold.pk)).count() == 2


def test_the_sweep_leaves_holds_still_in_time(setup, opened) -> None:
    do_offer_slot(setup.actor, entry=_entry(setup), slot=opened[0], now=NOW)
    assert do_expire_holds(NOW + dt.timedelta(hours=3, minutes=59)) == 0
    assert do_expire_holds(NOW + dt.timedelta(hours=4)) == 1


def test_a_released_hold_cannot_be_released_again(setup, opened) -> None:
    do_offer_slot(setup.actor, entry=_entry(setup), slot=opened[0], now=timezone.now())
    hold = SlotHold.objects.get()
    do_release_hold(setup.actor, hold=hold)
    with pytest.raises(SchedulingError, match="released"):
        do_release_hold(setup.actor, hold=hold)


def test_the_waitlist_shows_the_held_slot_with_its_hold(setup, opened) -> None:
    slot, _ = opened
    entry = _entry(setup)
    do_offer_slot(setup.actor, entry=entry, slot=slot, now=timezone.now())
    organisation = setup.clinic.organisation
    (match,) = slot_matches(organisation, timezone.now(), list(waiting_entries(organisation)))
    assert match.hold is not None
    assert match.hold.entry_id == entry.pk


def test_the_desk_sees_the_hold_on_the_calendar_and_releases_it_to_book_over_it(
    setup, opened, login
) -> None:
    slot, _ = opened
    desk = login(setup.clinic.front_desk)
    entry = _entry(setup)
    # when the desk offers the slot from the waitlist page
    response = desk.post(reverse("scheduling:waitlist_offer", args=[entry.pk, slot.pk]))
    assert response.status_code == 302
    hold = SlotHold.objects.get()
    waitlist = desk.get(reverse("scheduling:waitlist")).content.decode()
    assert f'data-hold="{hold.pk}"' in waitlist
    assert "held for W. W." in waitlist
    # then the week and the day show it held in its cell (the clinician's, at its time), for
    # the initials only, with until when and the way to the hold's page (ADR 0675)
    for page, cell in (
        ("scheduling:week", f'data-staff="{setup.clinic.therapist.pk}" data-day="{THURSDAY}"'),
        (
            "scheduling:day",
            f'data-staff="{setup.clinic.therapist.pk}" data-start="{THURSDAY}T10:00"',
        ),
    ):
        html = desk.get(f"{reverse(page)}?day={THURSDAY.isoformat()}").content.decode()
        assert 'id="held-slots"' not in html  # no band above the grid: the cell says it
        drawn = html[html.index(cell) :]
        drawn = drawn[: drawn.index("</td>")]
        block = drawn[drawn.index(f'<div class="held-slot" id="hold-{hold.pk}"') :]
        assert "10:00 AM–10:45 AM" in block
        assert "Held for waitlist offer until" in block
        assert "for W. W. · Room 1" in block
        assert "Wren" not in block
        assert "Waiting" not in block
        assert f'href="{reverse("scheduling:hold", args=[hold.pk])}"' in block
    # booking over it is refused, with the way to the hold
    form = {
        "patient": str(setup.clinic.patient.pk),
        "staff": str(setup.clinic.therapist.pk),
        "location": str(setup.clinic.location.pk),
        "day": THURSDAY.isoformat(),
        "time": "10:15",
        "minutes": "30",
    }
    refused = desk.post(reverse("scheduling:book"), form)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "held" in page
    assert 'id="open-hold"' in page
    link = (
        page.split('id="open-hold"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    )
    hold_page = desk.get(link)
    assert hold_page.status_code == 200
    assert b"Release the hold" in hold_page.content
    back = hold_page.content.decode().split('name="next" value="')[1].split('"')[0]
    back = back.replace("&amp;", "&")
    # when the desk releases it, it returns to the filled booking form, and the booking passes
    released = desk.post(
        reverse("scheduling:hold_step", args=[hold.pk, "release"]),
        {"reason": "patient took another time", "next": back},
    )
    assert released.status_code == 302
    assert released["Location"] == back
    assert desk.get(back).status_code == 200
    assert desk.post(reverse("scheduling:book"), form).status_code == 302
    hold.refresh_from_db()
    assert hold.status == HoldStatus.RELEASED


def test_a_hold_page_sends_an_outside_next_to_the_waitlist(setup, opened, login) -> None:
    do_offer_slot(setup.actor, entry=_entry(setup), slot=opened[0], now=timezone.now())
    hold = SlotHold.objects.get()
    response = login(setup.clinic.front_desk).post(
        reverse("scheduling:hold_step", args=[hold.pk, "release"]),
        {"next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse("scheduling:waitlist")


def test_accepted_from_the_hold_page_books_the_slot(setup, opened, login) -> None:
    entry = _entry(setup)
    do_offer_slot(setup.actor, entry=entry, slot=opened[0], now=timezone.now())
    hold = SlotHold.objects.get()
    response = login(setup.clinic.front_desk).post(
        reverse("scheduling:hold_step", args=[hold.pk, "accept"])
    )
    hold.refresh_from_db()
    assert hold.status == HoldStatus.ACCEPTED
    assert response["Location"] == reverse("scheduling:appointment", args=[hold.appointment_id])


def test_the_sweep_command_counts_what_it_lapsed(setup, opened) -> None:
    do_offer_slot(setup.actor, entry=_entry(setup), slot=opened[0], now=NOW - dt.timedelta(days=9))
    out = io.StringIO()
    call_command("cleannote_expire_holds", stdout=out)
    assert out.getvalue().strip() == "1 hold(s) lapsed."


def test_the_demos_offer_to_a_mistyped_number_holds_the_slot_and_needs_attention(
    setup, opened, settings, tmp_path
) -> None:
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    entry = _entry(setup)
    message = failed_offer(setup.actor, timezone.localdate())
    assert message is not None
    assert (message.status, message.bad_address, message.patient_id) == (
        "failed",
        True,
        entry.patient_id,
    )
    hold = SlotHold.objects.get()
    assert (hold.entry, hold.status) == (entry, HoldStatus.HELD)
    entry.patient.refresh_from_db()
    assert entry.patient.phone.startswith("217-055-")
    # loading it again offers nothing more
    assert failed_offer(setup.actor, timezone.localdate()) is None
    assert OutboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("given", "saved", "status"),
    [("2", 2, 302), ("", 4, 302), ("0", None, 200), ("73", None, 200)],
)
def test_the_owner_sets_how_long_an_offer_holds(setup, login, given, saved, status) -> None:
    response = login(setup.clinic.owner).post(
        "/schedule/front-desk/settings/",
        {
            "reminder_hours": "24",
            "late_cancel_hours": "24",
            "min_notice_hours": "24",
            "max_open_bookings": "2",
            "offer_hold_hours": given,
        },
    )
    assert response.status_code == status
    rules = FrontDeskSettings.objects.filter(organisation=setup.clinic.organisation).first()
    assert (rules.offer_hold_hours if rules else None) == saved
    if saved is None:
        assert "hours" in response.content.decode()
