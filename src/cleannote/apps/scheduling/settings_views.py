"""Schedule settings: the clinic's rooms and their equipment and its appointment types, each
added, edited inline and taken out of booking through the `do_*` actions, which audit them
(owner and whoever has MANAGE_SCHEDULE, issue 12). A refusal is shown on the row's form.

A row's Save and its in/out of booking post through htmx when JS runs (ADR 0616): the answer
is that row alone, saved or with the refusal in it, and the page does not reload. Without JS
the same forms post the whole page and redirect, as before."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.actions import (
    RoomRefused,
    do_create_room,
    do_set_room_active,
    do_update_room,
)
from cleannote.apps.organisations.models import Room
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.scheduling.actions import (
    do_create_appointment_type,
    do_set_appointment_type_active,
    do_update_appointment_type,
)
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import AppointmentType
from cleannote.apps.scheduling.settings_forms import (
    AppointmentTypeForm,
    RoomEditForm,
    RoomForm,
)


def _row(queryset: Any, request: HttpRequest, key: str) -> Any:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    try:
        return queryset.get(organisation=organisation, pk=int(request.POST.get(key, "")))
    except (ValueError, queryset.model.DoesNotExist) as error:
        raise Http404(f"no such {key}") from error


@staff_view(Capability.MANAGE_SCHEDULE)
@require_http_methods(["GET", "POST"])
def rooms_and_types(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    actor = actor_of(request)
    what = request.POST.get("what", "") if request.method == "POST" else ""
    forms: dict[str, Form] = {
        "room_form": RoomForm(
            request.POST if what == "add_room" else None, organisation=organisation
        ),
        "type_form": AppointmentTypeForm(request.POST if what == "add_type" else None),
    }
    failed_row: tuple[str, int, Form] | None = None
    if request.method == "POST" and what in ROW_CHANGES and request.headers.get("HX-Request"):
        return _row_answer(request, what, forms, actor)
    if request.method == "POST":
        try:
            said = _apply(request, what, forms, actor)
        except (RoomRefused, SchedulingError) as error:
            said = None
            target = forms.get("edit") or forms["room_form" if "room" in what else "type_form"]
            target.add_error(None, str(error))
        if said:
            messages.success(request, said)
            return redirect("scheduling:settings")
        edit = forms.pop("edit", None)
        if edit is not None:
            failed_row = (what, int(request.POST["pk"]), edit)
    rooms = list(
        Room.objects.filter(organisation=organisation)
        .select_related("location")
        .order_by("location__name", "name")
    )
    types = list(
        AppointmentType.objects.filter(organisation=organisation).order_by(
            "-active", "discipline", "name"
        )
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "scheduling/settings_rooms_types.html",
        {**forms, "rooms": rooms, "types": types, "failed_row": failed_row},
        status=status,
    )


ROW_CHANGES = {
    "edit_room": "room",
    "room_active": "room",
    "edit_type": "type",
    "type_active": "type",
}


def _row_answer(
    request: HttpRequest, what: str, forms: dict[str, Form], actor: Any
) -> HttpResponse:
    """The changed row alone, for htmx to swap in place: what was saved, or the refusal with
    what was typed. Always 200 (htmx swaps no 4xx answer); nothing is written on a refusal."""
    kind = ROW_CHANGES[what]
    error = ""
    said = None
    try:
        said = _apply(request, what, forms, actor)
    except (RoomRefused, SchedulingError) as refusal:
        error = str(refusal)
    edit = forms.get("edit")
    if said is None and not error and edit is not None:
        error = " ".join(
            [*edit.non_field_errors()]
            + [
                f"{edit.fields[name].label}: {e}"
                for name, errs in edit.errors.items()
                if name != "__all__"
                for e in errs
            ]
        )
    queryset = (
        Room.objects.select_related("location") if kind == "room" else AppointmentType.objects
    )
    row = _row(queryset, request, "pk")
    context: dict[str, Any] = {
        "r" if kind == "room" else "t": row,
        "row_error": error,
        "row_said": said or "",
        "row_values": request.POST if error else None,
        "disciplines": AppointmentTypeForm().fields["discipline"].choices,  # type: ignore[attr-defined]
    }
    return render(request, f"scheduling/_{kind}_row.html", context)


def _apply(request: HttpRequest, what: str, forms: dict[str, Form], actor: Any) -> str | None:
    """Run the action the POST asks for; the message to flash, or None when a form is invalid."""
    if what == "add_room":
        form = forms["room_form"]
        if not form.is_valid():
            return None
        room = do_create_room(actor, **form.cleaned_data)
        return f"Room {room.name} added at {room.location.name}."
    if what == "add_type":
        form = forms["type_form"]
        if not form.is_valid():
            return None
        kind = do_create_appointment_type(actor, **form.cleaned_data)
        return f"Appointment type {kind.name} added."
    if what == "edit_room":
        room = _row(Room.objects.select_related("location"), request, "pk")
        form = forms["edit"] = RoomEditForm(request.POST)
        if not form.is_valid():
            return None
        do_update_room(actor, room=room, **form.cleaned_data)
        return f"Room {room.name} saved."
    if what == "edit_type":
        kind = _row(AppointmentType.objects.all(), request, "pk")
        form = forms["edit"] = AppointmentTypeForm(request.POST)
        if not form.is_valid():
            return None
        do_update_appointment_type(actor, appointment_type=kind, **form.cleaned_data)
        return f"Appointment type {kind.name} saved."
    active = request.POST.get("active") == "1"
    if what == "room_active":
        room = do_set_room_active(
            actor, room=_row(Room.objects.all(), request, "pk"), active=active
        )
        return f"Room {room.name} {'back in use' if active else 'taken out of booking'}."
    if what == "type_active":
        kind = do_set_appointment_type_active(
            actor,
            appointment_type=_row(AppointmentType.objects.all(), request, "pk"),
            active=active,
        )
        return f"Appointment type {kind.name} {'offered again' if active else 'no longer offered'}."
    raise Http404("unknown change")
