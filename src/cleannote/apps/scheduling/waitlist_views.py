"""The waitlist worklist, `/schedule/waitlist/` (ADR 0611): the entries still waiting, each
opened slot with the patients it suits, Offer (a text or an email through the outbox, by
consent) and Book on acceptance; adding, editing and removing (with a reason) an entry
(ADR 0615). Times show the clinic's 12- or 24-hour way."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.errors import MessageRefused
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import HoldStatus, OpenSlot, SlotHold, WaitlistEntry
from cleannote.apps.scheduling.series import WEEKDAY_NAMES
from cleannote.apps.scheduling.series_forms import (
    WaitlistEditForm,
    WaitlistForm,
    WaitlistRemoveForm,
)
from cleannote.apps.scheduling.waitlist import windows_text
from cleannote.apps.scheduling.waitlist_actions import (
    OBJECT_TYPE,
    do_add_waitlist_entry,
    do_book_from_waitlist,
    do_decline_offer,
    do_offer_slot,
    do_release_hold,
    do_update_waitlist_entry,
    do_withdraw_waitlist_entry,
)
from cleannote.apps.scheduling.waitlist_selectors import slot_matches, waiting_entries
from cleannote.platform.clock import format_time, hour_cycle_of


@staff_view(Capability.SEE_PATIENTS)
def waitlist(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    entries = list(waiting_entries(organisation))
    matches = slot_matches(organisation, timezone.now(), entries)
    cycle = hour_cycle_of(organisation.hour_cycle)
    rows = [
        (
            entry,
            ", ".join(WEEKDAY_NAMES[d] for d in entry.weekdays) or "any day",
            windows_text(entry.windows, lambda t: format_time(t, cycle)) or "any time",
        )
        for entry in entries
    ]
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        OBJECT_TYPE,
        "waitlist",
        shown_patient_ids=sorted({e.patient_id for e in entries}),
    )
    return render(request, "scheduling/waitlist.html", {"rows": rows, "matches": matches})


@staff_view(Capability.MANAGE_SCHEDULE)
def add_entry(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    if request.method == "POST":
        form = WaitlistForm(request.POST, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_add_waitlist_entry(
                    actor_of(request),
                    patient=data["patient"],
                    clinicians=data["clinicians"],
                    location=data["location"],
                    weekdays=data["weekdays"],
                    windows=data["windows"],
                    earliest=data["earliest"],
                    latest=data["latest"],
                    note=data["note"],
                )
            except SchedulingError as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(request, "Added to the waitlist.")
                return redirect("scheduling:waitlist")
    else:
        patient = request.GET.get("patient", "")
        form = WaitlistForm(
            initial={"patient": patient} if patient.isdigit() else {}, organisation=organisation
        )
    return render(
        request,
        "scheduling/waitlist_add.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view(Capability.MANAGE_SCHEDULE)
def edit_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Change an entry's wish, or remove it with a reason (ADR 0615)."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    entry = _entry(organisation, entry_id)
    actor = actor_of(request)
    cycle = hour_cycle_of(organisation.hour_cycle)
    initial = {
        "clinicians": list(entry.clinicians.all()),
        "location": entry.location,
        "weekdays": [str(d) for d in entry.weekdays],
        "windows": windows_text(entry.windows, lambda t: format_time(t, cycle)).replace("–", "-"),
        "earliest": entry.earliest,
        "latest": entry.latest,
        "note": entry.note,
    }
    step = request.POST.get("do", "") if request.method == "POST" else ""
    form = WaitlistEditForm(
        request.POST if step == "save" else None, initial=initial, organisation=organisation
    )
    remove = WaitlistRemoveForm(request.POST if step == "remove" else None)
    try:
        if step == "save" and form.is_valid():
            data = form.cleaned_data
            do_update_waitlist_entry(
                actor,
                entry=entry,
                clinicians=data["clinicians"],
                location=data["location"],
                weekdays=data["weekdays"],
                windows=data["windows"],
                earliest=data["earliest"],
                latest=data["latest"],
                note=data["note"],
            )
            messages.success(request, "Waitlist entry saved.")
            return redirect("scheduling:waitlist")
        if step == "remove" and remove.is_valid():
            do_withdraw_waitlist_entry(actor, entry=entry, reason=remove.cleaned_data["reason"])
            messages.success(request, "Removed from the waitlist.")
            return redirect("scheduling:waitlist")
    except SchedulingError as problem:
        (form if step == "save" else remove).add_error(None, str(problem))
    if request.method == "GET":
        do_record_audit_event(
            actor, AuditAction.VIEW, OBJECT_TYPE, entry.pk, patient_id=entry.patient_id
        )
    return render(
        request,
        "scheduling/waitlist_edit.html",
        {"entry": entry, "form": form, "remove": remove},
        status=400 if step and (form.errors or remove.errors) else 200,
    )


def _entry(organisation: Organisation, entry_id: int) -> WaitlistEntry:
    entry = WaitlistEntry.objects.filter(pk=entry_id, organisation=organisation).first()
    if entry is None:
        raise Http404("no such waitlist entry in this organisation")
    return entry


def _slot(organisation: Organisation, slot_id: int) -> OpenSlot:
    slot = (
        OpenSlot.objects.select_related("staff__user", "location")
        .filter(pk=slot_id, organisation=organisation)
        .first()
    )
    if slot is None:
        raise Http404("no such open slot in this organisation")
    return slot


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def offer(request: HttpRequest, entry_id: int, slot_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    entry, slot = _entry(organisation, entry_id), _slot(organisation, slot_id)
    try:
        row = do_offer_slot(actor_of(request), entry=entry, slot=slot)
    except (SchedulingError, MessageRefused) as problem:
        messages.error(request, f"Waitlist entry {entry.pk} was not offered the slot: {problem}")
    else:
        how = {"sms": "by text", "email": "by email"}.get(row.offered_by)
        messages.success(
            request,
            (
                f"Offer queued {how} (see the outbox)."
                if how
                else "No consent to text or email on file: call the patient; the offer is recorded."
            )
            + " The slot is held for them until they answer or the hold lapses.",
        )
    return redirect("scheduling:waitlist")


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def book(request: HttpRequest, entry_id: int, slot_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    entry, slot = _entry(organisation, entry_id), _slot(organisation, slot_id)
    try:
        do_book_from_waitlist(actor_of(request), entry=entry, slot=slot)
    except SchedulingError as problem:
        messages.error(request, f"Not booked: {problem}")
    else:
        messages.success(request, "Booked; the waitlist entry is closed.")
    return redirect("scheduling:waitlist")


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def withdraw(request: HttpRequest, entry_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    try:
        do_withdraw_waitlist_entry(actor_of(request), entry=_entry(organisation, entry_id))
    except SchedulingError as problem:
        messages.error(request, f"Not withdrawn: {problem}")
    else:
        messages.success(request, "Withdrawn from the waitlist.")
    return redirect("scheduling:waitlist")


# -- holds (ADR 0670) -------------------------------------------------------------------------


def _hold(organisation: Organisation, hold_id: int) -> SlotHold:
    hold = (
        SlotHold.objects.select_related("patient", "staff__user", "room", "location", "entry")
        .filter(pk=hold_id, organisation=organisation)
        .first()
    )
    if hold is None:
        raise Http404("no such hold in this organisation")
    return hold


def _back(request: HttpRequest) -> str:
    """Where to go after a hold's step: `next` when it is a page of this site (the booking
    form the refusal came from), else the waitlist."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse("scheduling:waitlist"))


@staff_view(Capability.SEE_PATIENTS)
def hold_page(request: HttpRequest, hold_id: int) -> HttpResponse:
    """One hold: the slot, who it is held for (initials), until when, and the desk's steps:
    the patient accepted (book it), declined, or release it to book someone else."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    hold = _hold(organisation, hold_id)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "slot_hold", hold.pk, patient_id=hold.patient_id
    )
    live = hold.status == HoldStatus.HELD and hold.expires_at > timezone.now()
    return render(
        request,
        "scheduling/hold.html",
        {"hold": hold, "live": live, "next": _back(request)},
    )


@staff_view(Capability.MANAGE_SCHEDULE)
@require_POST
def hold_step(request: HttpRequest, hold_id: int, step: str) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    hold = _hold(organisation, hold_id)
    actor = actor_of(request)
    try:
        if step == "release":
            do_release_hold(actor, hold=hold, reason=str(request.POST.get("reason", ""))[:200])
            messages.success(request, "Hold released: the time can be booked.")
            return redirect(_back(request))
        if step == "decline":
            do_decline_offer(actor, hold=hold)
            messages.success(
                request, "Recorded as declined: the slot can be offered to the next patient."
            )
            return redirect("scheduling:waitlist")
        if step == "accept":
            appointment = do_book_from_waitlist(actor, entry=hold.entry, slot=hold.slot)
            messages.success(request, "Booked the held slot; the waitlist entry is closed.")
            return redirect("scheduling:appointment", appointment.pk)
    except SchedulingError as problem:
        messages.error(request, f"Hold {hold.pk}: {problem}")
        return redirect("scheduling:hold", hold.pk)
    raise Http404("no such step")
