"""Staff pages for the front desk's messages: the clinic's reminder and self-booking rules
(owner) and each clinician's own calendar-feed address (ADRs 0641, 0642, 0643)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.calendar_feeds import (
    DAYS_AHEAD,
    DAYS_BACK,
    do_issue_calendar_feed,
    do_revoke_calendar_feed,
)
from cleannote.apps.scheduling.contact_routes import front_desk_settings, public_url
from cleannote.apps.scheduling.front_desk_forms import FrontDeskSettingsForm
from cleannote.apps.scheduling.models import CalendarFeed, FrontDeskSettings, SelfBookingLink
from cleannote.apps.scheduling.self_booking import (
    do_issue_self_booking_link,
    do_revoke_self_booking_link,
    self_booking_address,
    send_self_booking_link,
)


@transaction.atomic
def do_save_front_desk_settings(actor: Actor, form: FrontDeskSettingsForm) -> FrontDeskSettings:
    rules: FrontDeskSettings = form.save(commit=False)
    rules.organisation = actor.organisation
    rules.save()
    form.save_m2m()
    do_record_audit_event(actor, AuditAction.UPDATE, "front_desk_settings", rules.pk)
    return rules


@staff_view(Capability.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    form = FrontDeskSettingsForm(
        request.POST or None,
        instance=front_desk_settings(organisation),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        do_save_front_desk_settings(actor_of(request), form)
        messages.success(request, "Reminder and self-booking rules saved.")
        return redirect("front_desk:settings")
    return render(request, "scheduling/front_desk_settings.html", {"form": form})


@staff_view()
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request: HttpRequest) -> HttpResponse:
    """The signed-in clinician's own feed: make (or replace) the address, see it once, revoke."""
    staff = request.staff  # type: ignore[attr-defined]
    address = ""
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            if do_revoke_calendar_feed(actor_of(request), staff):
                messages.success(request, "Feed address revoked: calendars using it stop updating.")
            return redirect("front_desk:calendar_feed")
        token = do_issue_calendar_feed(actor_of(request), staff)
        address = public_url(reverse("patient_links:calendar_feed", args=[token]))
    feed = CalendarFeed.objects.filter(staff=staff).first()
    return render(
        request,
        "scheduling/calendar_feed.html",
        {"feed": feed, "address": address, "days_back": DAYS_BACK, "days_ahead": DAYS_AHEAD},
    )


@staff_view(Capability.EDIT_CHART)
@require_http_methods(["GET", "POST"])
def self_booking_link_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's personal online-booking link: make or replace, revoke, send it by the
    channels the patient consented to (ADR 0643)."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    patient = Patient.objects.filter(organisation=organisation, pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient in this organisation")
    actor = actor_of(request)
    if request.method == "POST":
        step = request.POST.get("do", "")
        if step == "issue":
            do_issue_self_booking_link(actor, patient)
            messages.success(request, "New link made; any older link no longer works.")
        elif step == "revoke":
            if do_revoke_self_booking_link(actor, patient):
                messages.success(request, "Link revoked.")
        elif step == "send":
            sent = send_self_booking_link(actor, patient)
            if sent:
                messages.success(request, f"Link queued to the patient by {', '.join(sent)}.")
            else:
                messages.error(
                    request,
                    "Not sent: the patient has not consented to email or text, or has no "
                    "address or number on file (the chart's communication consent).",
                )
        return redirect("front_desk:self_booking_link", patient_id=patient.pk)
    do_record_audit_event(
        actor, AuditAction.VIEW, "self_booking_link", patient.pk, patient_id=patient.pk
    )
    link = SelfBookingLink.objects.filter(patient=patient, revoked_at__isnull=True).first()
    address = self_booking_address(link) if link is not None else ""
    return render(
        request,
        "scheduling/self_booking_link.html",
        {
            "patient": patient,
            "link": link,
            "address": address,
            "rules": front_desk_settings(organisation),
        },
    )
