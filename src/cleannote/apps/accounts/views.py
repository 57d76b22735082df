"""Sign in (with the lockout, ADR 0214) and sign out; every try is an audit event. The idle
warning's two requests: how long the session has left, and "Stay signed in" (ADR 0591)."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.accounts.actions import (
    do_extend_session,
    do_record_failed_sign_in,
    do_sign_in,
    do_sign_out,
)
from cleannote.apps.accounts.forms import LoginForm
from cleannote.apps.accounts.middleware import seconds_left
from cleannote.apps.accounts.throttle import lock_of

LOCKED_MESSAGE = (
    "Too many failed sign-ins for this account from this computer. Try again in {minutes} minutes."
)
ADDRESS_LOCKED_MESSAGE = (
    "Too many failed sign-ins from this computer's network address. "
    "Try again in {minutes} minutes, or ask the practice owner for help."
)
FAILED_MESSAGE = "That username and password do not match."
LOCKED_STATUS = 429


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _page(request: HttpRequest, form: LoginForm, error: str | None, status: int) -> HttpResponse:
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=status,
    )


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page saying how long the lock lasts (axes' AXES_LOCKOUT_CALLABLE)."""
    if original_response is not None and original_response.status_code == LOCKED_STATUS:
        return original_response
    now = timezone.now()
    lock = lock_of(request, now)
    minutes = max(1, math.ceil((lock.ends_at - now).total_seconds() / 60))
    message = ADDRESS_LOCKED_MESSAGE if lock.by_address else LOCKED_MESSAGE
    return _page(request, LoginForm(), message.format(minutes=minutes), LOCKED_STATUS)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            do_sign_in(request, user)
            return redirect(_next_url(request))
        locked = bool(getattr(request, "axes_locked_out", False))
        # Axes counts a try it checked; a try during a lock never reaches the password check.
        counted = getattr(request, "axes_failures_since_start", None) is not None
        do_record_failed_sign_in(request, username, counted=counted, locked=locked)
        if locked:
            return locked_out(request)
        return _page(request, form, FAILED_MESSAGE, 200)
    return _page(request, form, None, 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    do_sign_out(request)
    return redirect("accounts:login")


def _signed_out() -> JsonResponse:
    return JsonResponse({"seconds_left": 0, "signed_in": False}, status=401)


@require_http_methods(["GET"])
def idle_status(request: HttpRequest) -> HttpResponse:
    """How long the session has left; reading it is not activity (the middleware skips it)."""
    if not request.user.is_authenticated:
        return _signed_out()
    return JsonResponse({"seconds_left": seconds_left(request), "signed_in": True})


@require_POST
def extend_session(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out()
    do_extend_session(request)
    return JsonResponse({"seconds_left": seconds_left(request), "signed_in": True})
