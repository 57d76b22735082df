"""Reads of the login throttle: is this username locked right now?"""

from __future__ import annotations

import datetime as dt

from cleannote.apps.accounts.models import LoginThrottle


def username_key(username: str) -> str:
    return username.strip().lower()[:150]


def locked_until(username: str, now: dt.datetime) -> dt.datetime | None:
    """When the lock on `username` ends, or None when it may try to sign in now."""
    row = LoginThrottle.objects.filter(username_key=username_key(username)).first()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until
