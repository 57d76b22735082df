"""The only writers of the login throttle."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from cleannote.apps.accounts.models import LoginThrottle
from cleannote.apps.accounts.throttle import username_key


@transaction.atomic
def do_record_login_failure(username: str, now: dt.datetime) -> LoginThrottle:
    """Count one failure; the one that reaches the limit locks the username and resets the count."""
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(
        username_key=username_key(username)
    )
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until = None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= settings.CLEANNOTE_LOGIN_MAX_FAILURES:
        row.locked_until = now + dt.timedelta(minutes=settings.CLEANNOTE_LOGIN_LOCK_MINUTES)
        row.failures = 0
    row.save()
    return row


@transaction.atomic
def do_clear_login_failures(username: str) -> None:
    LoginThrottle.objects.filter(username_key=username_key(username)).delete()
