"""On PostgreSQL the database itself refuses a double booking (ADR 0600)."""

from __future__ import annotations

import os

import pytest
from django.db import IntegrityError, connection, transaction

from cleannote.apps.scheduling import actions
from cleannote.apps.scheduling.actions import do_book_appointment, do_cancel_appointment
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.models import Appointment, CancelReason
from tests.apps.scheduling.conftest import MONDAY, at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL): SQLite has no exclusion constraints",
    ),
]


def test_migrate_leaves_two_exclusion_constraints_on_the_appointment_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'scheduling_appointment'::regclass AND contype = 'x' "
            "ORDER BY conname"
        )
        rows = cursor.fetchall()
    assert [name for name, _ in rows] == [
        "appointment_room_no_overlap",
        "appointment_staff_no_overlap",
    ]
    staff = dict(rows)["appointment_staff_no_overlap"]
    assert (
        "EXCLUDE USING gist (staff_id WITH =, tstzrange(start, \"end\", '[)'::text) WITH &&)"
        in (staff)
    )
    assert "'cancelled'" in staff
    assert "'no_show'" in staff


def _copy(appointment: Appointment, **changes: object) -> Appointment:
    fields = {
        f.attname: getattr(appointment, f.attname)
        for f in Appointment._meta.concrete_fields
        if not f.primary_key
    }
    fields.update(changes)
    return Appointment(**fields)


def test_a_write_that_skips_the_actions_is_still_refused(calendar):
    booked = calendar.booked
    for changes in ({"room_id": None}, {"staff_id": calendar.ot.pk}):
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy(booked, start=at(MONDAY, 9, 30), end=at(MONDAY, 10), **changes).save()
    # a cancelled visit gives the time back, and touching ranges never clash
    _copy(booked, start=at(MONDAY, 9, 45), end=at(MONDAY, 10, 30)).save()
    do_cancel_appointment(calendar.desk, appointment=booked, reason=CancelReason.CLINIC)
    _copy(
        booked, status="booked", cancel_reason="", start=at(MONDAY, 9), end=at(MONDAY, 9, 30)
    ).save()


def test_a_booking_that_raced_past_the_check_gets_the_same_refusal(calendar, monkeypatch):
    # given another desk's booking committed between our check and our insert
    checks = iter([lambda *a, **k: None])
    real = actions._refuse_overlaps

    def check_once_too_late(*args: object, **kwargs: object) -> None:
        return next(checks, real)(*args, **kwargs)

    monkeypatch.setattr(actions, "_refuse_overlaps", check_once_too_late)
    with pytest.raises(SchedulingError) as refused:
        do_book_appointment(
            calendar.desk,
            patient=calendar.clinic.patient,
            staff=calendar.clinic.therapist,
            location=calendar.clinic.location,
            start=at(MONDAY, 9, 15),
            end=at(MONDAY, 10),
        )
    assert refused.value.code == SchedulingErrorCode.CLINICIAN_BOOKED
    assert "is already booked Mon 4 Jan 2027 9:00 AM–9:45 AM" in str(refused.value)
    assert Appointment.objects.count() == 1
