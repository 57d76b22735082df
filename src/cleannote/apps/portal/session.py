"""The portal's own session, apart from staff's (ADR 0950).

A portal session lives under its own cookie (`cleannote_portal`), sent by the browser only to
URLs under /portal/, in the same session table as staff's but never the same row: a staff
sign-in does not sign anyone in to the portal (the portal reads only its own cookie), and a
portal sign-in gives no staff page anything (the account is no Django user, and the staff
cookie is not touched). It ends after `CLEANNOTE_PORTAL_IDLE_MINUTES` without a request,
checked on the server from the last-seen mark, and when the browser closes (no max-age).
Signing in always starts a new session key, so a key planted before sign-in is worthless.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "cleannote_portal"
COOKIE_PATH = "/portal/"
ACCOUNT_KEY = "portal_account"
VIEWING_KEY = "portal_viewing"
SEEN_KEY = "portal_last_seen"
NOTICE_KEY = "portal_notice"
# A passkey ceremony's challenge, held until its answer (passkeys.py, ADR 0952).
PASSKEY_CHALLENGE_KEY = "portal_passkey_challenge"
# What makes a row of the session table the portal's (the nightly sweep's test, ADR 0922).
PORTAL_KEYS = frozenset({ACCOUNT_KEY, VIEWING_KEY, SEEN_KEY, NOTICE_KEY, PASSKEY_CHALLENGE_KEY})
# The last-seen mark is rewritten at most this often: the idle check may end a session up to
# this much early, never late.
SEEN_STEP = dt.timedelta(seconds=30)


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CLEANNOTE_PORTAL_IDLE_MINUTES)


def portal_session(request: HttpRequest) -> SessionBase:
    """The request's portal session (loaded once), from the portal cookie alone."""
    cached: SessionBase | None = getattr(request, "_portal_session", None)
    if cached is None:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        cached = store(request.COOKIES.get(COOKIE))
        request._portal_session = cached  # type: ignore[attr-defined]
    return cached


def start_portal_session(request: HttpRequest, account_id: int) -> None:
    """A fresh session (a new key) for the account that just signed in."""
    session = portal_session(request)
    session.flush()
    session[ACCOUNT_KEY] = account_id
    session[SEEN_KEY] = timezone.now().isoformat()
    session.set_expiry(int(idle_limit().total_seconds()))


def end_portal_session(request: HttpRequest) -> None:
    portal_session(request).flush()


def signed_in_account_id(request: HttpRequest) -> int | None:
    """The account this session signed in, or None; an idle session is ended here."""
    session = portal_session(request)
    account_id = session.get(ACCOUNT_KEY)
    if account_id is None:
        return None
    now = timezone.now()
    seen = session.get(SEEN_KEY)
    if seen is None or now - dt.datetime.fromisoformat(seen) > idle_limit():
        session.flush()
        session[NOTICE_KEY] = "You were signed out after a period of inactivity."
        return None
    if now - dt.datetime.fromisoformat(seen) >= SEEN_STEP:
        session[SEEN_KEY] = now.isoformat()
        session.set_expiry(int(idle_limit().total_seconds()))
    return int(account_id)


def take_notice(request: HttpRequest) -> str:
    """A one-time line for the next page (signed out, link sent), removed as it is read."""
    session = portal_session(request)
    if NOTICE_KEY not in session:
        return ""
    return str(session.pop(NOTICE_KEY))


def put_notice(request: HttpRequest, text: str) -> None:
    portal_session(request)[NOTICE_KEY] = text


def save_portal_session(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Write the portal session if it changed and set (or clear) its cookie."""
    session: SessionBase | None = getattr(request, "_portal_session", None)
    if session is None:
        return response
    if session.is_empty():
        if COOKIE in request.COOKIES:
            response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
        return response
    if session.modified or session.session_key != request.COOKIES.get(COOKIE):
        session.save()
        response.set_cookie(
            COOKIE,
            str(session.session_key),
            path=COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
