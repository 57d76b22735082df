"""The waitlist (ADR 0611): a cancelled or moved appointment opens a slot, the slot finds the
entries it suits, an offer goes through the outbox by consent, and Book takes the slot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cleannote.apps.messaging.models import OutboundMessage
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import (
    do_book_appointment,
    do_cancel_appointment,
    do_reschedule_appointment,
)
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import (
    AppointmentStatus,
    CancelReason,
    OpenSlot,
    WaitlistStatus,
)
from cleannote.apps.scheduling.waitlist_actions import (
    do_add_waitlist_entry,
    do_book_from_waitlist,
    do_offer_slot,
    do_withdraw_waitlist_entry,
)
from cleannote.apps.scheduling.waitlist_selectors import slot_matches, waiting_entries
from tests.apps.scheduling.series_fixtures import MONDAY, at, series_setup

THURSDAY = MONDAY + dt.timedelta(days=3)


@pytest.fixture
def setup(clinic):  # type: ignore[no-untyped-def]
    return series_setup(clinic)


def _other_patient(setup, *, consent: bool) -> Patient:  # type: ignore[no-untyped-def]
    patient = Patient.objects.create(
        organisation=setup.clinic.organisation,
        chart_number=f"W-{Patient.objects.count() + 1}",
        first_name="Wren" if consent else "Alex",
        last_name="Waiting",
        birth_date=dt.date(1970, 1, 1),
        sex="F",
        phone="217-555-0100" if consent else "",
        sms_consent=consent,
        sms_consent_on=dt.date(2026, 1, 1) if consent else None,
    )
    return patient


def _thursday_visit(setup):  # type: ignore[no-untyped-def]
    return do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        start=at(THURSDAY, 10),
        end=at(THURSDAY, 10, 45),
    )


def _matches(setup):  # type: ignore[no-untyped-def]
    organisation = setup.clinic.organisation
    return slot_matches(organisation, timezone.now(), list(waiting_entries(organisation)))


def test_a_cancelled_visit_opens_a_slot_that_finds_the_waiting_patient(setup) -> None:
    # given Wren waits for Theo on Thursday mornings; Alex waits for Ada only
    wren = _other_patient(setup, consent=True)
    alex = _other_patient(setup, consent=False)
    wanted = do_add_waitlist_entry(
        setup.actor,
        patient=wren,
        clinicians=[setup.clinic.therapist],
        weekdays=[3],
        windows=[(dt.time(8), dt.time(12))],
    )
    do_add_waitlist_entry(setup.actor, patient=alex, clinicians=[setup.clinic.assistant])
    visit = _thursday_visit(setup)
    assert _matches(setup) == []
    # when the visit is cancelled
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.PATIENT)
    # then its time is an open slot, and only Wren's entry suits it
    (found,) = _matches(setup)
    assert (found.slot.staff_id, found.slot.start, found.slot.reason) == (
        setup.clinic.therapist.pk,
        at(THURSDAY, 10),
        "cancelled",
    )
    assert [e.pk for e in found.entries] == [wanted.pk]


def test_a_moved_visit_opens_its_old_time(setup) -> None:
    visit = _thursday_visit(setup)
    do_reschedule_appointment(setup.actor, appointment=visit, start=at(THURSDAY, 15))
    slot = OpenSlot.objects.get()
    assert (slot.start, slot.end, slot.reason) == (
        at(THURSDAY, 10),
        at(THURSDAY, 10, 45),
        "moved",
    )


def test_offer_goes_by_text_with_consent_and_book_takes_the_slot(setup) -> None:
    wren = _other_patient(setup, consent=True)
    entry = do_add_waitlist_entry(setup.actor, patient=wren)
    visit = _thursday_visit(setup)
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.LATE)
    slot = OpenSlot.objects.get()
    # when offered
    offered = do_offer_slot(setup.actor, entry=entry, slot=slot)
    # then one text is in the outbox, with the first name and no surname
    message = OutboundMessage.objects.get()
    assert offered.status == WaitlistStatus.OFFERED
    assert (offered.offered_by, offered.offer_message_id) == ("sms", message.pk)
    assert message.channel == "sms"
    assert message.to == "217-555-0100"
    assert "Wren" in message.body
    assert "Waiting" not in message.body
    # offering again sends nothing more (the outbox key)
    do_offer_slot(setup.actor, entry=entry, slot=slot)
    assert OutboundMessage.objects.count() == 1
    # when the patient accepts
    appointment = do_book_from_waitlist(setup.actor, entry=entry, slot=slot)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.BOOKED
    assert entry.booked_appointment == appointment
    assert (appointment.patient, appointment.start) == (wren, at(THURSDAY, 10))
    assert appointment.status == AppointmentStatus.BOOKED
    # the slot is taken: no longer offered to anyone
    assert _matches(setup) == []


def test_without_consent_the_offer_is_a_phone_call_recorded(setup) -> None:
    alex = _other_patient(setup, consent=False)
    entry = do_add_waitlist_entry(setup.actor, patient=alex)
    do_cancel_appointment(
        setup.actor, appointment=_thursday_visit(setup), reason=CancelReason.PATIENT
    )
    offered = do_offer_slot(setup.actor, entry=entry, slot=OpenSlot.objects.get())
    assert (offered.status, offered.offered_by, offered.offer_message) == (
        WaitlistStatus.OFFERED,
        "phone",
        None,
    )
    assert not OutboundMessage.objects.exists()


def test_a_withdrawn_entry_cannot_be_booked(setup) -> None:
    alex = _other_patient(setup, consent=False)
    entry = do_add_waitlist_entry(setup.actor, patient=alex)
    do_cancel_appointment(
        setup.actor, appointment=_thursday_visit(setup), reason=CancelReason.PATIENT
    )
    do_withdraw_waitlist_entry(setup.actor, entry=entry)
    with pytest.raises(SchedulingError, match="withdrawn"):
        do_book_from_waitlist(setup.actor, entry=entry, slot=OpenSlot.objects.get())


def test_a_past_slot_is_not_recorded(setup) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    visit = do_book_appointment(
        setup.actor,
        patient=setup.clinic.patient,
        staff=setup.clinic.therapist,
        location=setup.clinic.location,
        start=at(yesterday, 10),
        end=at(yesterday, 11),
    )
    do_cancel_appointment(setup.actor, appointment=visit, reason=CancelReason.CLINIC)
    assert not OpenSlot.objects.exists()


def test_an_entry_refuses_latest_before_earliest(setup) -> None:
    with pytest.raises(SchedulingError, match="latest"):
        do_add_waitlist_entry(
            setup.actor,
            patient=setup.clinic.patient,
            earliest=MONDAY,
            latest=MONDAY - dt.timedelta(days=1),
        )
