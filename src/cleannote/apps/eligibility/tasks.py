"""Background eligibility runs: ask about the next clinic day's appointments the afternoon
before (the nightly `manage.py cleannote_eligibility_tomorrow`, the schedule's button), or
about any day from the eligibility page.

Idempotent (ADR 0110, ADR 0633): a second run finds every coverage already asked (or skipped)
for that day and builds nothing; a 270 built by a run that stopped before filing it is filed
by the next run, and a filed one is never filed again.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.eligibility.actions import (
    DayRun,
    do_check_day,
    do_file_270,
    do_record_271,
    next_clinic_day,
    unfiled_requests,
)
from cleannote.apps.eligibility.models import EligibilityFile, FileKind
from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter, filing_adapter
from cleannote.apps.exchange.models import ClearinghouseProfile
from cleannote.apps.organisations.models import Organisation


def _actor(organisation_id: int, user_id: int | None) -> Actor:
    organisation = Organisation.objects.get(pk=organisation_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return Actor(user=user, organisation=organisation)


def _run_and_file(actor: Actor, day: dt.date) -> DayRun:
    run = do_check_day(actor, day)
    adapter = filing_adapter(actor.organisation.pk)
    if adapter is not None:  # with SFTP, the exchange's poll files them (ADR 0700)
        for request_file in unfiled_requests(actor.organisation, day):
            do_file_270(actor, request_file, adapter)
    return run


def check_appointments_on(
    organisation_id: int, day_iso: str | None = None, user_id: int | None = None
) -> list[int]:
    """Build and file the 270 for `day_iso` (default tomorrow); the ids of the new checks."""
    actor = _actor(organisation_id, user_id)
    day = dt.date.fromisoformat(day_iso) if day_iso else timezone.localdate() + dt.timedelta(days=1)
    return [c.pk for c in _run_and_file(actor, day).asked]


def check_next_clinic_day(
    organisation_id: int, today_iso: str, user_id: int | None = None
) -> dict[str, object]:
    """Ask about the first day after `today_iso` (the clinic's date) with appointments.

    Returns plain values (a queued job's result is stored as data): the day, the new checks,
    the carriers skipped and the patients whose answer is still fresh.
    """
    actor = _actor(organisation_id, user_id)
    day = next_clinic_day(actor.organisation, dt.date.fromisoformat(today_iso))
    run = _run_and_file(actor, day)
    return {
        "day": day.isoformat(),
        "asked": [c.pk for c in run.asked],
        "skipped": [c.pk for c in run.skipped],
        "fresh": run.fresh,
    }


def file_pending_requests(
    actor: Actor, adapter: ClearinghouseAdapter, profile: ClearinghouseProfile
) -> int:
    """The exchange's poll: file every built 270 not filed yet, oldest first, through the
    default profile (270s are not routed per payer, ADR 0707); how many."""
    if not profile.is_default:
        return 0
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
