"""Ends a signed-in session after CLEANNOTE_IDLE_TIMEOUT_MINUTES without a request.

The session cookie's age does the same job in the browser, but the server must not trust the
browser: the time of the last request is kept in the session and checked on every request.
The mark is refreshed once per `CLEANNOTE_SESSION_REFRESH_SECONDS`, so a therapist typing into
the self-saving note page does not cost a session write per keystroke (ADR 0140).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cleannote.apps.accounts.actions import do_sign_out
from cleannote.apps.accounts.session_store import LAST_SEEN_KEY, refresh_interval

__all__ = ["LAST_SEEN_KEY", "IdleTimeoutMiddleware"]


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = dt.timedelta(minutes=settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES)
            seen = dt.datetime.fromisoformat(last_seen) if last_seen is not None else None
            if seen is not None and now - seen > limit:
                do_sign_out(request, idle=True)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect_to_login(request.get_full_path())
            # Rewritten once per refresh interval, not per request: the mark runs at most that
            # far behind, so the check above can only end a session early, never late.
            if seen is None or now - seen >= refresh_interval():
                request.session[LAST_SEEN_KEY] = now.isoformat()
        return self.get_response(request)
