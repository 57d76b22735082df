"""Ends a signed-in session after CLEANNOTE_IDLE_TIMEOUT_MINUTES without a request.

The session cookie's age does the same job in the browser, but the server must not trust the
browser: the time of the last request is kept in the session and checked on every request.
The mark is refreshed once per `CLEANNOTE_SESSION_REFRESH_SECONDS`, so a therapist typing into
the self-saving note page does not cost a session write per keystroke (ADR 0140).

Every signed-in answer says how long the session has left (`Idle-Seconds-Left`), so the page's
warning (`idle_warning.js`, ADR 0591) counts down from the server's own figure; the page's
status check (`accounts:idle_status`) reads it without counting as activity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.accounts.actions import do_sign_out
from cleannote.apps.accounts.session_store import LAST_SEEN_KEY, refresh_interval

__all__ = [
    "LAST_SEEN_KEY",
    "IdleTimeoutMiddleware",
    "idle_limit",
    "seconds_left",
    "warning_seconds",
]


SECONDS_LEFT_HEADER = "Idle-Seconds-Left"
IDLE_MESSAGE = "You were signed out after a period of inactivity."
WARNING_BEFORE = dt.timedelta(minutes=2)


def idle_limit() -> dt.timedelta:
    """The one idle timeout, from settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES."""
    return dt.timedelta(minutes=settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES)


def warning_seconds() -> int:
    """How long before the idle sign-out the page warns: two minutes, or half the timeout
    when that is shorter (a test's few seconds)."""
    return int(min(WARNING_BEFORE, idle_limit() / 2).total_seconds())


def _last_seen(request: HttpRequest) -> dt.datetime | None:
    last_seen = request.session.get(LAST_SEEN_KEY)
    return dt.datetime.fromisoformat(last_seen) if last_seen is not None else None


def seconds_left(request: HttpRequest, now: dt.datetime | None = None) -> int:
    """Whole seconds before the server ends this session for idleness (never more than it
    will allow: the mark may run up to one refresh interval behind the last request)."""
    seen = _last_seen(request)
    now = now or timezone.now()
    left = idle_limit() - (now - seen) if seen is not None else idle_limit()
    return max(0, int(left.total_seconds()))


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = timezone.now()
        seen = _last_seen(request)
        if seen is not None and now - seen > idle_limit():
            do_sign_out(request, idle=True)
            messages.info(request, IDLE_MESSAGE)
            return redirect_to_login(request.get_full_path())
        # Rewritten once per refresh interval, not per request: the mark runs at most that
        # far behind, so the check above can only end a session early, never late. The
        # page's own status check is not activity: it leaves the mark as it is.
        if (seen is None or now - seen >= refresh_interval()) and not _is_status_check(request):
            request.session[LAST_SEEN_KEY] = now.isoformat()
        response = self.get_response(request)
        if request.user.is_authenticated:  # not after a sign-out
            response.headers[SECONDS_LEFT_HEADER] = str(seconds_left(request, now))
        return response


def _is_status_check(request: HttpRequest) -> bool:
    return request.method == "GET" and request.path == reverse("accounts:idle_status")
