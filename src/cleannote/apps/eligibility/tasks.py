"""Background eligibility run: ask about tomorrow's appointments the afternoon before.

Idempotent (ADR 0110): a second run finds every patient already asked about for that day and
builds nothing; the built 270 is filed once whatever the number of retries.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.eligibility.actions import do_build_270_for_day, do_file_270, do_record_271
from cleannote.apps.eligibility.models import EligibilityFile, FileKind
from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter, filing_adapter
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
    adapter = filing_adapter(organisation.pk)
    if checks and adapter is not None:  # with SFTP, the exchange's poll files it (ADR 0700)
        do_file_270(actor, checks[0].request_file, adapter)
    return [c.pk for c in checks]


def file_pending_requests(actor: Actor, adapter: ClearinghouseAdapter) -> int:
    """The exchange's poll: file every built 270 not filed yet, oldest first; how many."""
    pending = EligibilityFile.objects.filter(
        organisation=actor.organisation, kind=FileKind.REQUEST, filed_at__isnull=True
    )
    filed = 0
    for request_file in pending.order_by("pk"):
        do_file_270(actor, request_file, adapter)
        filed += 1
    return filed


def import_downloaded_271(actor: Actor, data: bytes, file_name: str) -> str:
    """The exchange's importer for a downloaded 271 (ADR 0701): store each answer."""
    checks = do_record_271(actor, data, file_name=file_name)
    return f"271: {len(checks)} eligibility answer(s) stored"
