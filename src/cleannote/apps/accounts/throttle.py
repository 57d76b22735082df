"""The sign-in lockout, configured on django-axes (ADR 0214).

Axes counts failures in `AccessAttempt` rows (one per username, address and browser) and
refuses a sign-in while the failures in the cool-off window reach the limit for any of
`AXES_LOCKOUT_PARAMETERS`. We count two things:

- the username and the address together, limit `CLEANNOTE_LOGIN_MAX_FAILURES` (5): someone
  guessing one account's password is stopped, but only from their own address, so nobody can
  lock a colleague out from elsewhere;
- the address alone, limit `CLEANNOTE_LOGIN_MAX_FAILURES_PER_ADDRESS` (20): one address trying
  many usernames is slowed, while a clinic's staff behind one address can still mistype.

Axes compares one count with one limit, so `SignInThrottle.get_failures` reports the address's
count scaled to the per-account limit (it reaches the limit exactly when the address reaches
its own). A successful sign-in clears only that account's failures from that address: an
attacker's own good password never wipes the address's count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest


def typed_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username as the lockout keys it: trimmed and lower-cased, typed or not existing."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return str(raw).strip().lower()[:150]


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInThrottle(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_account, per_address = self.get_user_attempts(request, credentials)
        limit = settings.CLEANNOTE_LOGIN_MAX_FAILURES
        scaled = _failures(per_address) * limit // settings.CLEANNOTE_LOGIN_MAX_FAILURES_PER_ADDRESS
        return max(_failures(per_account), scaled)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        per_account, _per_address = self.filter_user_attempts(request, credentials)
        count, _ = per_account.delete()
        return int(count)


@dataclass(frozen=True, slots=True)
class Lock:
    """The lock a sign-in ran into: when it ends, and whether the address alone is locked."""

    ends_at: dt.datetime
    by_address: bool


def lock_of(request: HttpRequest, now: dt.datetime) -> Lock:
    """When the lock this sign-in ran into ends: the later of the account's and the address's."""
    cool_off = dt.timedelta(minutes=settings.CLEANNOTE_LOGIN_LOCK_MINUTES)
    window = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    ip_address = getattr(request, "axes_ip_address", None)
    account = window.filter(username=get_client_username(request), ip_address=ip_address)
    ends: list[dt.datetime] = []
    if _failures(account) >= settings.CLEANNOTE_LOGIN_MAX_FAILURES:
        ends.append(account.aggregate(last=Max("attempt_time"))["last"] + cool_off)
    # The address stays locked until enough of its failures have left the window.
    address_end = None
    seen = 0
    for attempt_time, failures in (
        window.filter(ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", "failures_since_start")
    ):
        seen += failures
        if seen >= settings.CLEANNOTE_LOGIN_MAX_FAILURES_PER_ADDRESS:
            address_end = attempt_time + cool_off
            break
    if address_end is not None:
        ends.append(address_end)
    ends_at = max(ends, default=now + cool_off)
    return Lock(ends_at=ends_at, by_address=address_end is not None and address_end == ends_at)
