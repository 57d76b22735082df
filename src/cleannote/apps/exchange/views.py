"""The owner's clearinghouse profiles: the list with recent downloads, add, and edit (ADR 0700);
the payers' clearinghouse routes, for billers and the owner (ADR 0707).

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
from cleannote.apps.exchange.models import ClearinghouseProfile, PayerRoute, ReceivedFile
from cleannote.apps.exchange.profile_actions import (
    PROFILE_FIELDS,
    do_save_profile,
    ensure_default_profile,
)
from cleannote.apps.exchange.routes import do_set_route
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.payers.models import Payer
from cleannote.platform.request_params import param_id

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


@staff_view(Capability.MANAGE_PAYERS)
@require_http_methods(["GET", "POST"])
def route_list(request: HttpRequest) -> HttpResponse:
    """Every payer with the clearinghouse its claims go through; one select per payer."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    if request.method == "POST":
        payer_id = param_id(request.POST, "payer")
        payer = Payer.objects.filter(organisation=organisation, pk=payer_id or 0).first()
        if payer is None:
            raise Http404("no such payer")
        profile_id = param_id(request.POST, "profile")
        profile = None
        if profile_id is not None:
            profile = ClearinghouseProfile.objects.filter(
                organisation=organisation, pk=profile_id
            ).first()
            if profile is None:
                messages.error(request, f"Payer {payer.name}: no such clearinghouse; not changed.")
                return redirect("exchange:routes")
        try:
            do_set_route(actor_of(request), payer, profile)
        except ExchangeError as exc:
            messages.error(request, f"Not changed: {exc}.")
        else:
            where = profile.name if profile is not None and not profile.is_default else "default"
            messages.success(request, f"{payer.name} now goes through the {where} clearinghouse.")
        return redirect("exchange:routes")
    profiles = list(ClearinghouseProfile.objects.filter(organisation=organisation))
    default = next((p for p in profiles if p.is_default), None)
    routed = {
        r.payer_id: r.profile
        for r in PayerRoute.objects.filter(organisation=organisation).select_related("profile")
    }
    payers = Payer.objects.filter(organisation=organisation).order_by("name", "pk")
    rows = [(payer, routed.get(payer.pk)) for payer in payers]
    return render(
        request,
        "exchange/route_list.html",
        {"rows": rows, "profiles": profiles, "default": default},
    )
