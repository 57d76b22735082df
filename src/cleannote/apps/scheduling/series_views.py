"""The series pages (ADR 0610): "Book series" from a plan of care (a form prefilled from the
plan, a preview of every date with its collisions, then the booking), the series' occurrences,
and one occurrence's changes (move it, move it and the later ones, cancel it, cancel it and
the later ones)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Organisation, Role, Staff
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import PlanOfCare
from cleannote.apps.scheduling.actions import do_cancel_appointment, do_reschedule_appointment
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import Appointment, AppointmentSeries
from cleannote.apps.scheduling.series import (
    WEEKDAY_NAMES,
    SeriesError,
    SeriesPattern,
    default_weekdays,
)
from cleannote.apps.scheduling.series_actions import (
    OBJECT_TYPE,
    SeriesConflict,
    do_book_series,
    do_cancel_following,
    do_move_following,
    preview_series,
)
from cleannote.apps.scheduling.series_forms import (
    CancelForm,
    FollowingForm,
    MoveOneForm,
    SeriesForm,
    clinicians_of,
)
from cleannote.apps.scheduling.series_selectors import series_limits
from cleannote.platform.clock import format_time, hour_cycle_of


def _plan_of(organisation: Organisation, plan_id: int) -> PlanOfCare:
    plan = (
        PlanOfCare.objects.select_related("case__patient")
        .filter(pk=plan_id, case__patient__organisation=organisation)
        .first()
    )
    if plan is None:
        raise Http404("no such plan of care in this organisation")
    return plan


def _treating(plan: PlanOfCare, organisation: Organisation) -> Staff | None:
    """A clinician of the case's discipline: a therapist, then the owner, then an assistant."""
    clinicians = list(clinicians_of(organisation))
    same = [s for s in clinicians if s.discipline == plan.case.discipline]
    ranked = sorted(same, key=lambda s: (s.is_assistant, s.role != Role.THERAPIST)) or clinicians
    return ranked[0] if ranked else None


def _initial(plan: PlanOfCare, staff: Staff, organisation: Organisation) -> dict[str, Any]:
    clinician = staff if staff.credential else _treating(plan, organisation)
    location = (clinician.default_location if clinician else None) or (
        organisation.locations.order_by("pk").first()
    )
    today = timezone.localdate()
    return {
        "weekdays": [str(d) for d in default_weekdays(plan.frequency_per_week)],
        "at": format_time(dt.time(10), hour_cycle_of(organisation.hour_cycle)),
        "minutes": 45,
        "staff": clinician,
        "location": location,
        "first_day": max(today + dt.timedelta(days=1), plan.start_date),
    }


def _first_preview(actor: Any, plan: PlanOfCare, initial: dict[str, Any]) -> Any:
    """The dates the plan's defaults give, shown as soon as the page opens; none when the
    defaults cannot make a series (no clinician, the plan already over)."""
    if initial["staff"] is None:
        return None
    pattern = SeriesPattern(
        weekdays=tuple(int(d) for d in initial["weekdays"]),
        at=dt.time(10),
        minutes=initial["minutes"],
        first_day=initial["first_day"],
    )
    try:
        return preview_series(
            actor,
            patient=plan.case.patient,
            staff=initial["staff"],
            pattern=pattern,
            limits=series_limits(plan, pattern.first_day),
            location=initial["location"],
        )
    except SeriesError:
        return None


def _move_link(patient: Any, form: SeriesForm) -> str:
    """The booking form's address, filled with this series' patient, clinician, place, type and
    length: a colliding date is booked at another day or time from there (ADR 0614)."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else form.initial
    kind = data.get("appointment_type")
    fields = {
        "patient": patient.pk,
        "staff": getattr(data.get("staff"), "pk", ""),
        "location": getattr(data.get("location"), "pk", ""),
        "type": getattr(kind, "pk", ""),
        "room": getattr(data.get("room"), "pk", ""),
        "minutes": kind.default_minutes if kind else data.get("minutes") or "",
    }
    return f"{reverse('scheduling:book')}?{urlencode(fields)}"


@staff_view(Capability.MANAGE_SCHEDULE)
def book_series(request: HttpRequest, plan_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    organisation = staff.organisation
    plan = _plan_of(organisation, plan_id)
    patient = plan.case.patient
    actor = actor_of(request)
    preview = None
    refusal = ""
    if request.method == "POST":
        form = SeriesForm(request.POST, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            kind = data["appointment_type"]
            pattern = SeriesPattern(
                weekdays=data["weekdays"],
                at=data["at"],
                minutes=kind.default_minutes if kind else data["minutes"],
                first_day=data["first_day"],
            )
            limits = series_limits(plan, pattern.first_day)
            try:
                if request.POST.get("step") == "book":
                    booked = do_book_series(
                        actor,
                        patient=patient,
                        staff=data["staff"],
                        location=data["location"],
                        pattern=pattern,
                        limits=limits,
                        plan=plan,
                        appointment_type=kind,
                        room=data["room"],
                        skip_conflicts=data["skip_conflicts"],
                    )
                    skipped = f", {len(booked.skipped)} left out" if booked.skipped else ""
                    messages.success(request, f"Booked {len(booked.appointments)} visits{skipped}.")
                    return redirect("scheduling:series", booked.series.pk)
                preview = preview_series(
                    actor,
                    patient=patient,
                    staff=data["staff"],
                    pattern=pattern,
                    limits=limits,
                    location=data["location"],
                    appointment_type=kind,
                    room=data["room"],
                )
            except SeriesConflict as conflict:
                refusal = (
                    f"Not booked: {len(conflict.dates)} date(s) collide. Choose another time, "
                    "or tick the box to book the free dates only."
                )
                preview = preview_series(
                    actor,
                    patient=patient,
                    staff=data["staff"],
                    pattern=pattern,
                    limits=limits,
                    location=data["location"],
                    appointment_type=kind,
                    room=data["room"],
                )
            except (SeriesError, SchedulingError) as problem:
                form.add_error(None, str(problem))
    else:
        initial = _initial(plan, staff, organisation)
        form = SeriesForm(initial=initial, organisation=organisation)
        do_record_audit_event(
            actor, AuditAction.VIEW, "plan_of_care", plan.pk, patient_id=patient.pk
        )
        preview = _first_preview(actor, plan, initial)
    first_day = form.cleaned_data.get("first_day") if form.is_bound and form.is_valid() else None
    limits = series_limits(plan, first_day or form.initial.get("first_day") or plan.start_date)
    return render(
        request,
        "scheduling/series_book.html",
        {
            "plan": plan,
            "patient": patient,
            "form": form,
            "limits": limits,
            "preview": preview,
            "refusal": refusal,
            "move_link": _move_link(patient, form),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _series_of(organisation: Organisation, series_id: int) -> AppointmentSeries:
    series = (
        AppointmentSeries.objects.select_related(
            "patient", "staff__user", "location", "plan_of_care", "appointment_type"
        )
        .filter(pk=series_id, organisation=organisation)
        .first()
    )
    if series is None:
        raise Http404("no such series in this organisation")
    return series


def _family(series: AppointmentSeries) -> list[int]:
    """The series and every part split from it by "this and following"."""
    ids, frontier = [series.pk], [series.pk]
    while frontier:
        frontier = list(
            AppointmentSeries.objects.filter(continues_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


@staff_view(Capability.SEE_PATIENTS)
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _series_of(request.staff.organisation, series_id)  # type: ignore[attr-defined]
    appointments = list(
        Appointment.objects.filter(series_id__in=_family(series))
        .select_related("staff__user", "location")
        .order_by("start", "id")
    )
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, OBJECT_TYPE, series.pk, patient_id=series.patient_id
    )
    return render(
        request,
        "scheduling/series.html",
        {"series": series, "appointments": appointments, "now": timezone.now()},
    )


def _occurrence(organisation: Organisation, series_id: int, appointment_id: int) -> Appointment:
    row = (
        Appointment.objects.select_related("patient", "staff__user", "location", "series")
        .filter(pk=appointment_id, organisation=organisation, series_id__in=[series_id])
        .first()
    )
    if row is None:
        # a split series' later part: the occurrence may point at a continuation
        row = (
            Appointment.objects.select_related("patient", "staff__user", "location", "series")
            .filter(pk=appointment_id, organisation=organisation, series__isnull=False)
            .first()
        )
        if row is None or series_id not in _ancestors(row.series):
            raise Http404("no such occurrence in this series")
    return row


def _ancestors(series: AppointmentSeries | None) -> list[int]:
    found = []
    while series is not None:
        found.append(series.pk)
        series = series.continues
    return found


STEPS = ("move", "following", "cancel", "cancel_following")


@staff_view(Capability.MANAGE_SCHEDULE)
def occurrence_page(request: HttpRequest, series_id: int, appointment_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    row = _occurrence(organisation, series_id, appointment_id)
    actor = actor_of(request)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "POST" and step not in STEPS:
        return HttpResponse("step: not one of " + ", ".join(STEPS), status=400)
    local = timezone.localtime(row.start)
    cycle = hour_cycle_of(organisation.hour_cycle)

    def bound(name: str) -> dict[str, Any]:
        return {"data": request.POST} if step == name else {}

    forms = {
        "move": MoveOneForm(
            prefix="move",
            initial={"day": local.date(), "at": format_time(local, cycle)},
            **bound("move"),
        ),
        "following": FollowingForm(
            prefix="following", organisation=organisation, **bound("following")
        ),
        "cancel": CancelForm(prefix="cancel", **bound("cancel")),
        "cancel_following": CancelForm(prefix="cancel_following", **bound("cancel_following")),
    }
    if step:
        form = forms[step]
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = _apply(actor, step, row, data)
            except (SchedulingError, SeriesError) as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(request, done)
                return redirect("scheduling:series", series_id)
    else:
        do_record_audit_event(
            actor, AuditAction.VIEW, "appointment", row.pk, patient_id=row.patient_id
        )
    return render(
        request,
        "scheduling/series_occurrence.html",
        {
            "series_id": series_id,
            "appointment": row,
            "forms": forms,
            "step": step,
            "pattern": f"{WEEKDAY_NAMES[local.weekday()]} at {format_time(local, cycle)} "
            f"for {row.minutes} min",
        },
        status=400 if step else 200,
    )


def _apply(actor: Any, step: str, row: Appointment, data: dict[str, Any]) -> str:
    zone = timezone.get_current_timezone()
    if step == "move":
        start = dt.datetime.combine(data["day"], data["at"], tzinfo=zone)
        do_reschedule_appointment(actor, appointment=row, start=start)
        return "Moved this visit; the rest of the series is unchanged."
    if step == "following":
        do_move_following(
            actor,
            appointment=row,
            at=data.get("at"),
            staff=data.get("staff"),
            weekdays=data.get("weekdays") or None,
        )
        return "Moved this visit and the later ones."
    if step == "cancel":
        do_cancel_appointment(actor, appointment=row, reason=data["reason"], note=data["note"])
        return "Cancelled this visit; the others stay booked."
    cancelled = do_cancel_following(
        actor, appointment=row, reason=data["reason"], note=data["note"]
    )
    return f"Cancelled {len(cancelled)} visits from this one on."
