"""Reads a series needs: its limits from the chart, and what is already on the calendar."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.clinical_selectors import referral_rows
from cleannote.apps.patients.models import PlanOfCare, Referral
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus, StaffBreak, TimeOff
from cleannote.apps.scheduling.series import Busy, SeriesLimits

_FREED = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


def authorization_in_force(plan: PlanOfCare, day: dt.date) -> tuple[Referral | None, int | None]:
    """The case's referral in force on `day` and the visits it has left (None: no cap).

    Visits left is the tightest of the referral's visits for all codes and each code group's
    visits, less what signed notes used (the notes app counts them, `patients.referral_usage`).
    """
    for row in referral_rows(plan.case, day):
        if row.status != "in force":
            continue
        referral = row.referral
        left: list[int] = []
        if referral.authorized_visits is not None:
            used = referral.visits_used  # type: ignore[attr-defined]
            left.append(referral.authorized_visits - used)
        left.extend(g.group.visits - g.visits_used for g in row.groups if g.group.visits)
        return referral, (max(0, min(left)) if left else None)
    return None, None


def series_limits(plan: PlanOfCare, first_day: dt.date) -> SeriesLimits:
    """The plan's end, its recertification day, its visit count (frequency x weeks) and the
    authorization's end and visits left, for a series starting on `first_day`."""
    referral, visits_left = authorization_in_force(plan, first_day)
    return SeriesLimits(
        plan_end=plan.certified_through,
        recertify_by=plan.recertify_by,
        visits=plan.frequency_per_week * plan.duration_weeks,
        authorization_end=referral.expires_on if referral is not None else None,
        authorized_visits_left=visits_left,
    )


def busy_between(
    organisation: Organisation,
    *,
    staff_id: int,
    patient_id: int,
    start: dt.datetime,
    end: dt.datetime,
    exclude_ids: frozenset[int] = frozenset(),
) -> list[Busy]:
    """What stands in [start, end): the clinician's and the patient's appointments that hold
    their time (a cancelled or missed one gave it back), the clinician's days off and weekly
    breaks."""
    rows = (
        Appointment.objects.filter(
            Q(staff_id=staff_id) | Q(patient_id=patient_id),
            organisation=organisation,
            start__lt=end,
            end__gt=start,
        )
        .exclude(status__in=_FREED)
        .exclude(pk__in=exclude_ids)
        .order_by("start", "id")
        .values_list("pk", "start", "end")
    )
    busy = [Busy(s, e, "appointment", pk) for pk, s, e in rows]
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    for pk, off_from, off_to in TimeOff.objects.filter(
        staff_id=staff_id, first_day__lte=last, last_day__gte=first
    ).values_list("pk", "first_day", "last_day"):
        busy.append(
            Busy(
                dt.datetime.combine(off_from, dt.time.min, tzinfo=zone),
                dt.datetime.combine(off_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
                "time off",
                pk,
            )
        )
    breaks = list(
        StaffBreak.objects.filter(staff_id=staff_id).values_list("pk", "weekday", "start", "end")
    )
    day = first
    while breaks and day <= last:
        for pk, weekday, low, high in breaks:
            if day.weekday() == weekday:
                busy.append(
                    Busy(
                        dt.datetime.combine(day, low, tzinfo=zone),
                        dt.datetime.combine(day, high, tzinfo=zone),
                        "break",
                        pk,
                    )
                )
        day += dt.timedelta(days=1)
    return busy
