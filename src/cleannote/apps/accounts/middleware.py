"""Ends a signed-in session after CLEANNOTE_IDLE_TIMEOUT_MINUTES without a request.

The session cookie's age does the same job in the browser, but the server must not trust the
browser: the time of the last request is kept in the session and checked on every request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LAST_SEEN_KEY = "cleannote_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = dt.timedelta(minutes=settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES)
            if last_seen is not None and now - dt.datetime.fromisoformat(last_seen) > limit:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now.isoformat()
        return self.get_response(request)
