"""The day list: every appointment of a day with the patient's newest coverage check."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.scheduling.actions import do_change_appointment_type
from cleannote.apps.scheduling.calendar_grid import KnownExtras, filtered
from cleannote.apps.scheduling.calendar_views import day_grid_context, day_people
from cleannote.apps.scheduling.coverage_badges import coverage_badges
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.forward_flags import attention_groups, flags_for, report_types
from cleannote.apps.scheduling.models import EXPECTED, Appointment, AppointmentType
from cleannote.apps.scheduling.selectors import appointments_on, coverage_by_patient, day_bounds
from cleannote.platform.collector import collector_paused
from cleannote.platform.request_params import param_date, param_id


def _day(request: HttpRequest) -> dt.date:
    """`?day=` (a date from 1900 to 2100, else a 400), today when absent."""
    return param_date(request.GET, "day") or timezone.localdate()


@staff_view(Capability.SEE_PATIENTS)
def day_list(request: HttpRequest) -> HttpResponse:
    with collector_paused():  # hundreds of rows and thousands of cells (ADR 0607)
        return _day_list(request)


def _day_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    day = _day(request)
    # The list is the grid's day as rows: the same location, room and page of clinicians
    # (ADR 0676), its cancelled and missed visits too.
    people = day_people(request, day)
    listed = filtered(appointments_on(organisation, day), people.filters, people.roster.staff_ids())
    appointments = list(listed)
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
            # The grid's cards are this day's visits too: their badges and flags, read
            # above, are not read again (ADR 0660).
            **day_grid_context(
                request,
                day,
                KnownExtras(frozenset(a.pk for a in appointments), badges, flags),
                people,
            ),
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
        ).select_related("patient", "staff__user", "location", "appointment_type")
    )
    flags = flags_for(organisation, appointments, today)
    groups = attention_groups(appointments, flags, report_types(organisation))
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


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def plan_report(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Plan the progress report on a visit the forward view flagged: give the appointment a
    type that books a report (`appointment_type` from the form), then back to the list."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    appointment = Appointment.objects.filter(organisation=organisation, pk=appointment_id).first()
    if appointment is None:
        raise Http404("no such appointment")
    chosen = param_id(request.POST, "appointment_type")
    kind = (
        AppointmentType.objects.filter(organisation=organisation, pk=chosen).first()
        if chosen is not None
        else None
    )
    try:
        if kind is None:
            raise SchedulingError("appointment type", "choose the type that books the report")
        do_change_appointment_type(
            actor_of(request), appointment=appointment, appointment_type=kind
        )
    except SchedulingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The visit is now a {kind.name.lower()}.")
    return redirect("scheduling:attention")
