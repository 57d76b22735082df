"""Background eligibility run: ask about tomorrow's appointments the afternoon before.

Idempotent (ADR 0110): a second run finds every patient already asked about for that day and
builds nothing; the built 270 is filed once whatever the number of retries.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.eligibility.actions import do_build_270_for_day, do_file_270
from cleannote.apps.exchange.clearinghouse import adapter_from_settings
from cleannote.apps.organisations.models import Organisation


def check_appointments_on(
    organisation_id: int, day_iso: str | None = None, user_id: int | None = None
) -> list[int]:
    """Build and file the 270 for `day_iso` (default tomorrow); the ids of the new checks."""
    organisation = Organisation.objects.get(pk=organisation_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user, organisation=organisation)
    day = dt.date.fromisoformat(day_iso) if day_iso else timezone.localdate() + dt.timedelta(days=1)
    checks = do_build_270_for_day(actor, day)
    if checks:
        do_file_270(actor, checks[0].request_file, adapter_from_settings())
    return [c.pk for c in checks]
