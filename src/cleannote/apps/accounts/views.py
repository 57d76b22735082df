"""Sign in (throttled) and sign out."""

from __future__ import annotations

import math

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.accounts.actions import do_clear_login_failures, do_record_login_failure
from cleannote.apps.accounts.forms import LoginForm
from cleannote.apps.accounts.throttle import locked_until

LOCKED_MESSAGE = "Too many failed sign-ins for this account. Try again in {minutes} minutes."
FAILED_MESSAGE = "That username and password do not match."


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        now = timezone.now()
        lock_end = locked_until(username, now)
        if lock_end is not None:
            minutes = math.ceil((lock_end - now).total_seconds() / 60)
            error, status = LOCKED_MESSAGE.format(minutes=minutes), 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                row = do_record_login_failure(username, now)
                if row.locked_until is not None:
                    minutes = math.ceil((row.locked_until - now).total_seconds() / 60)
                    error, status = LOCKED_MESSAGE.format(minutes=minutes), 429
                else:
                    error = FAILED_MESSAGE
            else:
                do_clear_login_failures(username)
                login(request, user)
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
