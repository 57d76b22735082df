"""The day list: every appointment of a day with the patient's newest coverage check."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.scheduling.coverage_badges import coverage_badges
from cleannote.apps.scheduling.forward_flags import attention_groups, flags_for
from cleannote.apps.scheduling.models import EXPECTED, Appointment
from cleannote.apps.scheduling.selectors import appointments_on, coverage_by_patient, day_bounds
from cleannote.platform.request_params import param_date


def _day(request: HttpRequest) -> dt.date:
    """`?day=` (a date from 1900 to 2100, else a 400), today when absent."""
    return param_date(request.GET, "day") or timezone.localdate()


@staff_view(Capability.SEE_PATIENTS)
def day_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    day = _day(request)
    appointments = list(appointments_on(organisation, day))
    statuses = coverage_by_patient(organisation.pk, {a.patient_id for a in appointments})
    flags = flags_for(organisation, appointments, timezone.localdate())
    badges = coverage_badges(organisation.pk, [(a.pk, a.patient_id) for a in appointments])
    rows = [
        (a, badges.get(a.pk), statuses.get(a.patient_id), flags.get(a.pk, ())) for a in appointments
    ]
    return render(
        request,
        "scheduling/day.html",
        {
            "day": day,
            "rows": rows,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@staff_view(Capability.SEE_PATIENTS)
def attention(request: HttpRequest) -> HttpResponse:
    """Needs attention: this week's and next week's booked visits that will break a limit,
    grouped by what breaks (the forward compliance view, ADR 0620)."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    today = timezone.localdate()
    start, _ = day_bounds(today)
    last = _monday(today) + dt.timedelta(days=13)
    _, until = day_bounds(last)
    appointments = list(
        Appointment.objects.filter(
            organisation=organisation, start__gte=start, start__lt=until, status__in=EXPECTED
        ).select_related("patient", "staff__user", "location")
    )
    flags = flags_for(organisation, appointments, today)
    groups = attention_groups(appointments, flags)
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "attention_list",
        today.isoformat(),
        shown_patient_ids=sorted({r.appointment.patient_id for g in groups for r in g.rows}),
    )
    return render(
        request,
        "scheduling/attention.html",
        {"today": today, "last": last, "groups": groups, "count": sum(len(g.rows) for g in groups)},
    )
