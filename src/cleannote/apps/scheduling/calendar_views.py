"""The calendar pages: the week grid, an appointment's page with its steps, the booking form,
moving by drag or keys (htmx), and the clinician's own day panel on the therapist home.

Reads need `see_patients`; every write needs `manage_schedule` and goes through a `do_*` action.
A refusal comes back on the page that asked (the form, or the grid's status line for a move),
never as a 500. Every page that shows patients writes its audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.location_choice import location_choice
from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Case, Patient
from cleannote.apps.patients.selectors import search_patients
from cleannote.apps.scheduling.actions import (
    KEEP,
    do_book_appointment,
    do_cancel_appointment,
    do_check_out,
    do_mark_arrived,
    do_mark_no_show,
    do_reschedule_appointment,
)
from cleannote.apps.scheduling.calendar_grid import (
    Card,
    CardLinks,
    ClinicianPage,
    Filters,
    KnownExtras,
    Lookups,
    Roster,
    badge_drawer,
    card_extras,
    clinicians,
    day_grid,
    draw_cards,
    draw_day,
    draw_held,
    draw_week,
    filter_choices,
    monday_of,
    roster,
    week_grid,
)
from cleannote.apps.scheduling.errors import SchedulingError, SchedulingErrorCode
from cleannote.apps.scheduling.forward_flags import fix_link
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentType,
    CancelReason,
    SlotHold,
    WorkingHours,
)
from cleannote.apps.scheduling.selectors import day_bounds
from cleannote.apps.scheduling.waitlist_selectors import holds_between
from cleannote.platform.clock import format_time, hour_cycle_of, parse_time
from cleannote.platform.collector import collector_paused
from cleannote.platform.request_params import (
    BadRequestParameter,
    param_choice,
    param_date,
    param_id,
    param_text,
)


def _org(request: HttpRequest) -> Organisation:
    return request.staff.organisation  # type: ignore[attr-defined, no-any-return]


def _page(request: HttpRequest) -> int:
    """`?page=` of clinicians: a number from 1, or "all" (0); the first when absent."""
    raw = request.GET.get("page", "").strip()
    if raw == "all":
        return 0
    number = param_id(request.GET, "page")
    if number == 0:
        raise BadRequestParameter("page", "must be 1 or more, or all")
    return number or 1


def _filters(request: HttpRequest) -> Filters:
    """The grid's filters; the location as `location_choice` reads it (the one chosen or
    remembered, else a manager's own locations, else all; ADR 0676)."""
    chosen = location_choice(request, "schedule")
    return Filters(
        location=chosen.location,
        room=param_id(request.GET, "room"),
        staff=param_id(request.GET, "staff"),
        managed=chosen.managed,
        page=_page(request),
    )


def _audit_shown(request: HttpRequest, what: str, key: str, cards: list[Card]) -> None:
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        what,
        key,
        shown_patient_ids=sorted({c.appointment.patient_id for c in cards}),
    )


def _filter_context(
    request: HttpRequest, filters: Filters, known: Lookups, page: ClinicianPage
) -> dict[str, Any]:
    organisation = _org(request)
    locations, rooms = filter_choices(organisation, known)
    if filters.managed:  # a manager chooses among their own locations (ADR 0676)
        locations = [loc for loc in locations if loc.pk in filters.managed]
        rooms = [r for r in rooms if r.location_id in filters.managed]
    every = known.clinicians
    kept = [
        (name, value)
        for name, value in (
            ("location", filters.location),
            ("room", filters.room),
            ("staff", filters.staff),
        )
        if value is not None
    ]
    return {
        "filters": filters,
        "locations": locations,
        "rooms": rooms,
        "all_clinicians": every if every is not None else clinicians(organisation, Filters()),
        "filter_query": "&".join(f"{name}={value}" for name, value in kept),
        "clinician_page": page,
        # The page links keep the day and the filters; the location as chosen, so a link
        # opens the same grid whatever the session remembers.
        "page_query": urlencode([*kept, *(("day", d) for d in [request.GET.get("day", "")] if d)]),
    }


def _links(request: HttpRequest) -> CardLinks:
    staff = request.staff  # type: ignore[attr-defined]
    return CardLinks(
        cycle=hour_cycle_of(staff.organisation.hour_cycle),
        may_move=has_capability(staff.role, Capability.MANAGE_SCHEDULE),
        may_write=has_capability(staff.role, Capability.WRITE_NOTES),
        appointment_prefix=reverse("scheduling:appointment", args=[1]).removesuffix("1/"),
        chart_prefix=reverse("patients:chart", args=[1]).removesuffix("1/"),
        hold_prefix=reverse("scheduling:hold", args=[1]).removesuffix("1/"),
    )


@dataclass(frozen=True, slots=True)
class DayPeople:
    """The day page's filters and the clinicians its grid draws, read before its list."""

    filters: Filters
    holds: list[SlotHold]
    roster: Roster


def day_people(request: HttpRequest, day: dt.date) -> DayPeople:
    """The day's filters, holds and `roster`: the day list holds to the grid's clinicians."""
    filters = _filters(request)
    start, end = day_bounds(day)
    holds = _holds(request, filters, start, end)
    return DayPeople(filters, holds, roster(_org(request), start, end, filters, holds))


def day_grid_context(
    request: HttpRequest,
    day: dt.date,
    known: KnownExtras | None = None,
    people: DayPeople | None = None,
) -> dict[str, Any]:
    """What `_day_grid.html` draws; the day list page (views.day_list) includes it, and hands
    in the badges and flags it read for the same day (`known`), so they are read once, and
    the clinicians it drew (`people`)."""
    if people is None:
        people = day_people(request, day)
    filters = people.filters
    grid = day_grid(_org(request), day, filters, people.holds, people.roster)
    links = _links(request)
    draw_cards(grid.cards, links)
    draw_held(grid.held, links, timezone.localdate())
    card_extras(_org(request), grid.cards, timezone.localdate(), known)
    draw_day(grid, links.cycle, badge_drawer(links))
    _audit_shown(request, "schedule_day", day.isoformat(), grid.cards)
    return {
        "grid": grid,
        **_filter_context(request, filters, grid.lookups, grid.page),
    }


def _holds(
    request: HttpRequest, filters: Filters, start: dt.datetime, end: dt.datetime
) -> list[SlotHold]:
    """The waitlist offers holding time on the page (ADR 0670), by the page's clinician
    filter; shown with initials only."""
    holds = holds_between(_org(request), start, end, timezone.now())
    places = filters.places()
    return [
        h
        for h in holds
        if (filters.staff is None or h.staff_id == filters.staff)
        and (places is None or h.location_id in places)
        and (filters.room is None or h.room_id == filters.room)
    ]


@staff_view(Capability.SEE_PATIENTS)
def week(request: HttpRequest) -> HttpResponse:
    with collector_paused():  # thousands of short-lived rows (ADR 0607)
        return _week(request)


def _week(request: HttpRequest) -> HttpResponse:
    day = param_date(request.GET, "day") or timezone.localdate()
    filters = _filters(request)
    start, _ = day_bounds(monday_of(day))
    _, end = day_bounds(monday_of(day) + dt.timedelta(days=6))
    grid = week_grid(_org(request), day, filters, _holds(request, filters, start, end))
    links = _links(request)
    draw_cards(grid.cards, links)
    draw_held(grid.held, links, timezone.localdate())
    card_extras(_org(request), grid.cards, timezone.localdate())
    draw_week(grid, badge_drawer(links))
    _audit_shown(request, "schedule_week", grid.monday.isoformat(), grid.cards)
    return render(
        request,
        "scheduling/week.html",
        {
            "grid": grid,
            "day": day,
            "previous": grid.monday - dt.timedelta(days=7),
            "next": grid.monday + dt.timedelta(days=7),
            "this_week": monday_of(timezone.localdate()),
            **_filter_context(request, filters, grid.lookups, grid.page),
        },
    )


# -- one appointment --------------------------------------------------------------------------


def _appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    row = (
        Appointment.objects.filter(pk=appointment_id, organisation=_org(request))
        .select_related("patient", "staff__user", "location", "room", "appointment_type")
        .first()
    )
    if row is None:
        raise Http404("no such appointment")
    return row


def _open_cases(appointment: Appointment) -> list[Case]:
    return list(Case.objects.filter(patient_id=appointment.patient_id, closed_on__isnull=True))


def _detail(
    request: HttpRequest, appointment: Appointment, *, error: SchedulingError | None = None
) -> HttpResponse:
    organisation = _org(request)
    card = Card(appointment)
    card_extras(organisation, [card], timezone.localdate())
    # Each flag in full with the screen that fixes it: the badges link here (#flags).
    flag_rows = [(flag, fix_link(flag, appointment)) for flag in card.extra.get("flags", ())]
    local = timezone.localtime(appointment.start)
    cycle = hour_cycle_of(organisation.hour_cycle)
    form = {
        "day": request.POST.get("day", local.date().isoformat()),
        "time": request.POST.get("time", format_time(appointment.start, cycle)),
        "minutes": request.POST.get("minutes", str(appointment.minutes)),
        "staff": request.POST.get("staff", str(appointment.staff_id)),
        "room": request.POST.get("room", str(appointment.room_id or "")),
    }
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "card": card,
            "flag_rows": flag_rows,
            "cases": _open_cases(appointment),
            "reasons": CancelReason.choices,
            "error": error,
            "form": form,
            "all_clinicians": clinicians(organisation, Filters()),
            "rooms": filter_choices(organisation)[1],
            # what the patient was told of the booking, a move, a cancel, or why not (ADR 0940)
            "confirmations": appointment.confirmations.select_related("message"),
        },
        status=400 if error is not None else 200,
    )


@staff_view(Capability.SEE_PATIENTS)
def appointment_page(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    do_record_audit_event(
        actor_of(request),
        AuditAction.VIEW,
        "appointment",
        appointment.pk,
        patient_id=appointment.patient_id,
    )
    return _detail(request, appointment)


STEPS = {
    "arrive": ("Marked arrived.", do_mark_arrived),
    "check-out": ("Checked out.", do_check_out),
    "no-show": ("Marked a no-show.", do_mark_no_show),
}


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def appointment_step(request: HttpRequest, appointment_id: int, step: str) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    try:
        if step == "cancel":
            reason = param_choice(request.POST, "reason", CancelReason.values)
            if not reason:
                raise SchedulingError("cancel reason", "choose why the visit is cancelled")
            do_cancel_appointment(
                actor_of(request),
                appointment=appointment,
                reason=reason,
                note=param_text(request.POST, "note", max_length=200),
            )
            said = "Cancelled."
        elif step in STEPS:
            said, action = STEPS[step]
            action(actor_of(request), appointment=appointment)
        else:
            raise Http404("no such step")
    except SchedulingError as error:
        return _detail(request, appointment, error=error)
    messages.success(request, said)
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


def _moment(day: dt.date | None, raw_time: str, field: str) -> dt.datetime:
    if day is None:
        raise SchedulingError(f"{field} day", "give the day (YYYY-MM-DD)")
    try:
        clock = parse_time(raw_time)
    except ValueError:
        raise SchedulingError(f"{field} time", "give a time such as 9:15 AM or 09:15") from None
    return timezone.make_aware(dt.datetime.combine(day, clock))


def _minutes(raw: str) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit() or not 5 <= int(raw) <= 480:
        raise SchedulingError("length", "give the visit's length in minutes, 5 to 480")
    return int(raw)


_T = TypeVar("_T", Staff, Room, Location, AppointmentType, Patient)


def _row_of(model: type[_T], organisation: Organisation, pk: int | None, what: str) -> _T | None:
    if pk is None:
        return None
    row = model._default_manager.filter(pk=pk, organisation=organisation).first()
    if row is None:
        raise SchedulingError(what, f"{pk} is not one of this clinic's")
    return row


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The appointment page's form, and the grid's drag and keys (htmx, `start` as
    YYYY-MM-DDTHH:MM and `staff`): moved, or the refusal where the person is looking."""
    appointment = _appointment(request, appointment_id)
    organisation = _org(request)
    htmx = request.headers.get("HX-Request") == "true"
    try:
        if "start" in request.POST:
            raw = request.POST.get("start", "")
            try:
                start = timezone.make_aware(dt.datetime.fromisoformat(raw[:16]))
            except ValueError:
                raise BadRequestParameter("start", "must be YYYY-MM-DDTHH:MM") from None
            end = None
        else:
            start = _moment(param_date(request.POST, "day"), request.POST.get("time", ""), "new")
            minutes = _minutes(request.POST.get("minutes", ""))
            end = start + dt.timedelta(minutes=minutes) if minutes else None
        staff = _row_of(Staff, organisation, param_id(request.POST, "staff"), "clinician")
        room_given = "room" in request.POST
        room = _row_of(Room, organisation, param_id(request.POST, "room"), "room")
        do_reschedule_appointment(
            actor_of(request),
            appointment=appointment,
            start=start,
            end=end,
            staff=staff,
            room=room if room_given else KEEP,
            location=room.location if room is not None else None,
            override_hours=request.POST.get("override") == "yes",
        )
    except SchedulingError as error:
        if htmx:
            return render(
                request, "scheduling/_move_refused.html", {"error": error, "card": appointment}
            )
        return _detail(request, _appointment(request, appointment_id), error=error)
    if htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    messages.success(request, "Moved.")
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


# -- booking ----------------------------------------------------------------------------------


def _book_form(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    names = ("patient", "staff", "location", "room", "type", "day", "time", "minutes", "note")
    return {name: str(source.get(name, "")).strip()[:200] for name in names}


def _book_context(
    request: HttpRequest, form: dict[str, str], error: SchedulingError | None
) -> dict[str, Any]:
    organisation = _org(request)
    locations, rooms = filter_choices(organisation)
    patient = None
    if form["patient"].isdigit():
        patient = Patient.objects.filter(pk=int(form["patient"]), organisation=organisation).first()
    release_url = ""
    if error is not None and error.code == SchedulingErrorCode.SLOT_HELD and error.ref:
        again = f"{reverse('scheduling:book')}?{urlencode(form)}"
        release_url = f"{reverse('scheduling:hold', args=[error.ref])}?{urlencode({'next': again})}"
    return {
        "form": form,
        "error": error,
        "release_url": release_url,
        "patient": patient,
        "clinicians": clinicians(organisation, Filters()),
        "locations": locations,
        "rooms": rooms,
        "types": list(
            AppointmentType.objects.filter(organisation=organisation, active=True).order_by(
                "discipline", "name"
            )
        ),
    }


def _usual_location(
    organisation: Organisation, staff: Staff, room: Room | None, start: dt.datetime
) -> Location | None:
    """Where a visit is when the form leaves it open: the room's location, the clinician's
    hours that weekday, the clinician's default, or the clinic's only location."""
    if room is not None:
        return room.location
    weekday = timezone.localtime(start).weekday()
    hours = (
        WorkingHours.objects.filter(staff=staff, weekday=weekday, location__isnull=False)
        .select_related("location")
        .first()
    )
    if hours is not None:
        return hours.location
    if staff.default_location is not None:
        return staff.default_location
    only = list(Location.objects.filter(organisation=organisation)[:2])
    return only[0] if len(only) == 1 else None


@staff_view(Capability.MANAGE_SCHEDULE)
def book(request: HttpRequest) -> HttpResponse:
    """GET: the form (prefilled from `?staff=&day=&time=` when a free slot was chosen);
    POST: book, or the form again with the refusal and, when it may be, "book anyway"."""
    form = _book_form(request)
    if request.method != "POST":
        if not form["day"]:
            form["day"] = timezone.localdate().isoformat()
        return render(request, "scheduling/book.html", _book_context(request, form, None))
    organisation = _org(request)
    try:
        patient = _row_of(Patient, organisation, param_id(request.POST, "patient"), "patient")
        if patient is None:
            raise SchedulingError("patient", "search for the patient and choose one")
        staff = _row_of(Staff, organisation, param_id(request.POST, "staff"), "clinician")
        if staff is None:
            raise SchedulingError("clinician", "choose who sees the patient")
        room = _row_of(Room, organisation, param_id(request.POST, "room"), "room")
        location = _row_of(Location, organisation, param_id(request.POST, "location"), "location")
        kind = _row_of(AppointmentType, organisation, param_id(request.POST, "type"), "type")
        start = _moment(param_date(request.POST, "day"), form["time"], "appointment")
        location = location or _usual_location(organisation, staff, room, start)
        if location is None:
            raise SchedulingError("location", "choose where the visit is")
        minutes = _minutes(form["minutes"])
        appointment = do_book_appointment(
            actor_of(request),
            patient=patient,
            staff=staff,
            location=location,
            start=start,
            end=start + dt.timedelta(minutes=minutes) if minutes else None,
            appointment_type=kind,
            room=room,
            note=form["note"],
            override_hours=request.POST.get("override") == "yes",
        )
    except SchedulingError as error:
        return render(
            request, "scheduling/book.html", _book_context(request, form, error), status=400
        )
    messages.success(request, "Booked.")
    day = timezone.localtime(appointment.start).date().isoformat()
    return redirect(f"{reverse('scheduling:week')}?day={day}#card-{appointment.pk}")


@staff_view(Capability.MANAGE_SCHEDULE)
def patient_choices(request: HttpRequest) -> HttpResponse:
    """The booking form's patient search (htmx): at most 12 matches, audited as a search."""
    query = param_text(request.GET, "q", max_length=80)
    patients = list(search_patients(_org(request), query)[:12]) if len(query) >= 2 else []
    if query:
        do_record_audit_event(
            actor_of(request),
            AuditAction.SEARCH,
            "patient",
            "schedule_book",
            shown_patient_ids=[p.pk for p in patients],
            search_text=query,
        )
    return render(
        request, "scheduling/_patient_choices.html", {"patients": patients, "query": query}
    )


# -- the clinician's own day ------------------------------------------------------------------


@staff_view(Capability.SEE_PATIENTS)
def my_day(request: HttpRequest) -> HttpResponse:
    """The signed-in clinician's appointments today, for the therapist home (loaded by htmx)."""
    staff = request.staff  # type: ignore[attr-defined]
    today = timezone.localdate()
    start, end = day_bounds(today)
    appointments = list(
        Appointment.objects.filter(staff=staff, start__gte=start, start__lt=end)
        .select_related("patient", "location", "room", "appointment_type")
        .order_by("start", "id")
    )
    cards = [Card(a) for a in appointments]
    card_extras(_org(request), cards, today)
    _audit_shown(request, "schedule_my_day", today.isoformat(), cards)
    return render(request, "scheduling/_my_day.html", {"cards": cards, "today": today})
