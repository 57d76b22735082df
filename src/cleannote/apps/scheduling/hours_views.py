"""Schedule settings, second page: one clinician's working hours per weekday and location,
breaks and time off, added and removed through the audited `do_*` actions (issue 12).
Time off over booked visits is confirmed first: the page lists the visits it would leave
booked, each linked to its page to reschedule it (ADR 0606).

Who may set whose hours (ADR 0612): staff with `SET_ANY_HOURS` (the owner, the desk) pick any
clinician; everyone else sees and sets only their own, and asking for another clinician's is a
403 page that links to their own hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.scheduling.actions import (
    do_add_break,
    do_add_time_off,
    do_add_working_hours,
    do_remove_availability,
)
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import (
    EXPECTED,
    Appointment,
    StaffBreak,
    TimeOff,
    WorkingHours,
)
from cleannote.apps.scheduling.settings_forms import BreakForm, HoursForm, TimeOffForm

REMOVABLE: dict[str, Any] = {
    "hours": WorkingHours,
    "break": StaffBreak,
    "time_off": TimeOff,
}


def _clinicians(organisation: Any) -> list[Staff]:
    return list(
        Staff.objects.filter(organisation=organisation, user__is_active=True)
        .exclude(credential="")
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def booked_during(staff: Staff, first_day: dt.date, last_day: dt.date) -> list[Appointment]:
    """The clinician's visits still expected on those days (booked or arrived), by start."""
    return list(
        Appointment.objects.filter(
            staff=staff,
            status__in=EXPECTED,
            start__date__gte=first_day,
            start__date__lte=last_day,
        )
        .select_related("appointment_type", "location")
        .order_by("start")
    )


@staff_view(Capability.MANAGE_SCHEDULE)
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest) -> HttpResponse:
    me: Staff = request.staff  # type: ignore[attr-defined]
    organisation = me.organisation
    people = _clinicians(organisation)
    wanted = request.GET.get("staff", "")
    if not has_capability(me.role, Capability.SET_ANY_HOURS):
        if wanted and wanted != str(me.pk):
            return _refused(request, me)
        people = [p for p in people if p.pk == me.pk]
    if not people:
        return render(request, "scheduling/settings_hours.html", {"people": people})
    try:
        who = next(p for p in people if str(p.pk) == wanted) if wanted else people[0]
    except StopIteration as error:
        raise Http404("no such clinician") from error
    actor = actor_of(request)
    what = request.POST.get("what", "") if request.method == "POST" else ""
    forms: dict[str, Form] = {
        "hours_form": HoursForm(
            request.POST if what == "hours" else None, organisation=organisation
        ),
        "break_form": BreakForm(request.POST if what == "break" else None),
        "time_off_form": TimeOffForm(request.POST if what == "time_off" else None),
    }
    clashes: list[Appointment] = []
    here = f"{reverse('scheduling:settings_hours')}?staff={who.pk}"
    if request.method == "POST":
        said = None
        try:
            said, clashes = _apply(request, what, forms, actor, who)
        except SchedulingError as error:
            forms[f"{what}_form"].add_error(None, error.problem)
        if said:
            messages.success(request, said)
            return redirect(here)
    context = {
        "people": people,
        "who": who,
        **forms,
        "clashes": clashes,
        "working_hours": list(
            WorkingHours.objects.filter(staff=who)
            .select_related("location")
            .order_by("weekday", "start")
        ),
        "breaks": list(StaffBreak.objects.filter(staff=who).order_by("weekday", "start")),
        "time_off": list(TimeOff.objects.filter(staff=who).order_by("-first_day")),
    }
    status = 400 if request.method == "POST" and not clashes else 200
    return render(request, "scheduling/settings_hours.html", context, status=status)


def _refused(request: HttpRequest, me: Staff) -> HttpResponse:
    """403 with the way forward: the signed-in clinician's own hours (ADR 0612)."""
    own = f"{reverse('scheduling:settings_hours')}?staff={me.pk}"
    context = {
        "exception": "you may see and change only your own hours and time off; "
        "the owner or the front desk sets other clinicians' hours",
        "back": {"url": own, "label": "Your own hours and time off"},
    }
    html = loader.render_to_string("403.html", context, request)
    return HttpResponse(html, status=403)


def _apply(
    request: HttpRequest, what: str, forms: dict[str, Form], actor: Any, who: Staff
) -> tuple[str | None, list[Appointment]]:
    if what in REMOVABLE:
        if "remove" in request.POST:
            try:
                row = REMOVABLE[what].objects.get(staff=who, pk=int(request.POST["remove"]))
            except (ValueError, REMOVABLE[what].DoesNotExist) as error:
                raise Http404("no such row") from error
            do_remove_availability(actor, row=row)
            return "Removed.", []
        form = forms[f"{what}_form"]
        if not form.is_valid():
            return None, []
        data = form.cleaned_data
        if what == "hours":
            do_add_working_hours(actor, staff=who, **data)
            return f"{who.display_name}: hours added.", []
        if what == "break":
            do_add_break(actor, staff=who, **data)
            return f"{who.display_name}: break added.", []
        if data["last_day"] < data["first_day"]:
            raise SchedulingError("time off", "ends before it starts")
        clashes = booked_during(who, data["first_day"], data["last_day"])
        if clashes and request.POST.get("confirm") != "1":
            form.add_error(
                None,
                f"{len(clashes)} booked visit(s) fall in this time off; reschedule them "
                "(links below) or add the time off anyway.",
            )
            return None, clashes
        do_add_time_off(actor, staff=who, **data)
        left = f"; {len(clashes)} booked visit(s) still to reschedule" if clashes else ""
        return f"{who.display_name}: time off added{left}.", []
    raise Http404("unknown change")
