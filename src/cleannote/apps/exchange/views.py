"""The owner's clearinghouse profiles: the list with recent downloads, add, and edit (ADR 0700).

Input is checked by the form; writes go through `profile_actions`; another organisation's
profile is a 404, any role but the owner a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.forms import ProfileForm
from cleannote.apps.exchange.models import ClearinghouseProfile, ReceivedFile
from cleannote.apps.exchange.profile_actions import (
    PROFILE_FIELDS,
    do_save_profile,
    ensure_default_profile,
)
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability

RECENT_FILES = 50


@staff_view(Capability.MANAGE_CLEARINGHOUSE)
def profile_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    ensure_default_profile(organisation)
    profiles = ClearinghouseProfile.objects.filter(organisation=organisation)
    received = (
        ReceivedFile.objects.filter(profile__organisation=organisation)
        .select_related("profile")
        .defer("content")
        .order_by("-downloaded_at", "-id")[:RECENT_FILES]
    )
    return render(
        request, "exchange/profile_list.html", {"profiles": profiles, "received": received}
    )


def _save(request: HttpRequest, profile: ClearinghouseProfile | None) -> HttpResponse:
    instance = profile if profile is not None else ClearinghouseProfile()
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        if profile is not None:
            profile.refresh_from_db()  # the form wrote onto it; the action compares nothing
        try:
            saved = do_save_profile(actor_of(request), profile, values)
        except ExchangeError as exc:
            form.add_error(None, exc.problem)
        else:
            messages.success(request, f"Clearinghouse profile {saved.name} saved.")
            return redirect("exchange:profiles")
    return render(request, "exchange/profile_form.html", {"form": form, "profile": profile})


@staff_view(Capability.MANAGE_CLEARINGHOUSE)
@require_http_methods(["GET", "POST"])
def profile_add(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@staff_view(Capability.MANAGE_CLEARINGHOUSE)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    profile = ClearinghouseProfile.objects.filter(organisation=organisation, pk=profile_id).first()
    if profile is None:
        raise Http404("no such clearinghouse profile")
    return _save(request, profile)
