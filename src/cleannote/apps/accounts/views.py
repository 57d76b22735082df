"""Sign in (with the lockout, ADR 0214) and sign out; every try is an audit event."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.accounts.actions import do_record_failed_sign_in, do_sign_in, do_sign_out
from cleannote.apps.accounts.forms import LoginForm
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
