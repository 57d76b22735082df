"""scheduling.series_selectors: a series' limits read from the chart, and what is already on
the clinician's and the patient's calendar."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.models import AuthorizedCodeGroup, Referral
from cleannote.apps.scheduling.actions import do_add_break, do_add_time_off, do_book_appointment
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus
from cleannote.apps.scheduling.series_selectors import (
    authorization_in_force,
    busy_between,
    series_limits,
)
from tests.personas import TODAY


def test_limits_come_from_the_plan_and_the_referral_in_force(clinic) -> None:
    # given Pat's plan: 2x/week for 6 weeks, through today + 7; a referral for 12 visits with
    # one signed note
    tomorrow = TODAY + dt.timedelta(days=1)
    # when
    limits = series_limits(clinic.plan, tomorrow)
    # then
    assert limits.plan_end == TODAY + dt.timedelta(days=7)
    assert limits.recertify_by == clinic.plan.recertify_by
    assert limits.visits == 12
    assert limits.authorization_end is None
    assert limits.authorized_visits_left == 11


def test_a_code_group_with_fewer_visits_left_is_the_cap(clinic) -> None:
    referral = Referral.objects.get(case=clinic.case)
    referral.expires_on = TODAY + dt.timedelta(days=30)
    referral.save()
    AuthorizedCodeGroup.objects.create(referral=referral, codes=["97110"], visits=4)
    found, left = authorization_in_force(clinic.plan, TODAY)
    assert found == referral
    # 4 for 97110, one used by the signed note
    assert left == 3
    assert series_limits(clinic.plan, TODAY).authorization_end == TODAY + dt.timedelta(days=30)


def test_an_expired_referral_is_not_in_force(clinic) -> None:
    referral = Referral.objects.get(case=clinic.case)
    referral.expires_on = TODAY - dt.timedelta(days=1)
    referral.save()
    assert authorization_in_force(clinic.plan, TODAY) == (None, None)


def test_busy_is_the_clinicians_and_the_patients_held_appointments(clinic, other_clinic) -> None:
    actor = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    day = TODAY + dt.timedelta(days=3)

    def at(hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)

    def book(staff, hour):  # type: ignore[no-untyped-def]
        return do_book_appointment(
            actor,
            patient=clinic.patient,
            staff=staff,
            location=clinic.location,
            start=at(hour),
            end=at(hour) + dt.timedelta(minutes=45),
        )

    theirs = book(clinic.therapist, 9)
    with_other = book(clinic.assistant, 11)  # the patient is busy with someone else
    cancelled = book(clinic.therapist, 13)
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)
    busy = busy_between(
        clinic.organisation,
        staff_id=clinic.therapist.pk,
        patient_id=clinic.patient.pk,
        start=at(0),
        end=at(23),
    )
    assert [(b.ref, b.kind) for b in busy] == [
        (theirs.pk, "appointment"),
        (with_other.pk, "appointment"),
    ]
    # another organisation's calendar is never read
    assert (
        busy_between(
            other_clinic.organisation,
            staff_id=clinic.therapist.pk,
            patient_id=clinic.patient.pk,
            start=at(0),
            end=at(23),
        )
        == []
    )


def test_time_off_and_breaks_are_busy(clinic) -> None:
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    monday = TODAY + dt.timedelta(days=7 - TODAY.weekday())
    do_add_time_off(
        actor, staff=clinic.therapist, first_day=monday, last_day=monday + dt.timedelta(days=1)
    )
    do_add_break(
        actor, staff=clinic.therapist, weekday=3, start=dt.time(12), end=dt.time(13), label="lunch"
    )
    busy = busy_between(
        clinic.organisation,
        staff_id=clinic.therapist.pk,
        patient_id=clinic.patient.pk,
        start=dt.datetime.combine(monday, dt.time.min, tzinfo=zone),
        end=dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=zone),
    )
    thursday = monday + dt.timedelta(days=3)
    assert [(b.kind, b.start, b.end) for b in busy] == [
        (
            "time off",
            dt.datetime.combine(monday, dt.time.min, tzinfo=zone),
            dt.datetime.combine(monday + dt.timedelta(days=2), dt.time.min, tzinfo=zone),
        ),
        (
            "break",
            dt.datetime.combine(thursday, dt.time(12), tzinfo=zone),
            dt.datetime.combine(thursday, dt.time(13), tzinfo=zone),
        ),
    ]
