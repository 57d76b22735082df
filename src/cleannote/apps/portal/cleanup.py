"""The nightly sweep of what portal sign-ins leave behind (ADR 0922).

A one-time link used or expired more than `keep_days` ago can sign nobody in; keeping it only
keeps an address's sign-in times. A portal session past its expiry can never be read again
(the server checks the expiry), but its row stays in the session table until someone deletes
it. `do_remove_spent_sign_ins` deletes both, per clinic, in one transaction with one audit row
per clinic that counts what went (no address, no patient, no key): a system action, the
"system" actor of the other nightly sweeps.

A portal session is a row of Django's session table whose data holds one of the portal's keys
(`session.PORTAL_KEYS`); staff sessions are not the portal's to delete. A portal session that
holds no account (the one-line notice of a signed-out browser) belongs to no clinic: its count
goes to the site's chain.

Two runs at once (a cron line fired twice, two workers) delete each row once: each clinic's
part holds `LockScope.PORTAL_CLEANUP` until it commits, and the counts are the rows each DELETE
removed, so the second run finds nothing left and writes no audit row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q

from cleannote.apps.audit.actions import Actor, do_record_access_event, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.portal.models import PortalAccount, PortalSignInLink
from cleannote.apps.portal.session import ACCOUNT_KEY, PORTAL_KEYS
from cleannote.platform.locks import LockScope, hold

KEEP_DAYS = 30
CLEANUP = "portal_cleanup"
_SITE = 0  # the lock key of the sessions that belong to no clinic
_BATCH = 500


@dataclass(frozen=True)
class Removed:
    links: int = 0
    sessions: int = 0

    def __add__(self, other: Removed) -> Removed:
        return Removed(self.links + other.links, self.sessions + other.sessions)


def _spent_links(cutoff: dt.datetime) -> Q:
    return Q(used_at__lt=cutoff) | Q(expires_at__lt=cutoff)


def _expired_portal_sessions(now: dt.datetime) -> dict[int, list[str]]:
    """Session keys of the portal sessions past expiry, by the clinic of their account
    (`_SITE` for those holding no account)."""
    decode = import_module(settings.SESSION_ENGINE).SessionStore().decode
    by_account: dict[int | None, list[str]] = defaultdict(list)
    expired = Session.objects.filter(expire_date__lt=now).values_list("session_key", "session_data")
    for key, data in expired.iterator(chunk_size=_BATCH):
        held = decode(data)
        if not PORTAL_KEYS.intersection(held):
            continue
        account_id = held.get(ACCOUNT_KEY)
        by_account[int(account_id) if isinstance(account_id, int) else None].append(key)
    clinic_of = dict(
        PortalAccount.objects.filter(pk__in=[pk for pk in by_account if pk is not None])
        .values_list("pk", "organisation_id")
        .iterator()
    )
    by_clinic: dict[int, list[str]] = defaultdict(list)
    for account_id, keys in by_account.items():
        by_clinic[_SITE if account_id is None else clinic_of.get(account_id, _SITE)].extend(keys)
    return by_clinic


def _delete_sessions(keys: list[str], now: dt.datetime) -> int:
    deleted = 0
    for start in range(0, len(keys), _BATCH):
        batch = keys[start : start + _BATCH]
        deleted += Session.objects.filter(session_key__in=batch, expire_date__lt=now).delete()[0]
    return deleted


def _words(removed: Removed, keep_days: int) -> str:
    return (
        f"{removed.links} sign-in link(s) used or expired over {keep_days} days ago, "
        f"{removed.sessions} expired portal session(s)"
    )


def do_remove_spent_sign_ins(now: dt.datetime, keep_days: int = KEEP_DAYS) -> Removed:
    """Delete the sign-in links used or expired before `now - keep_days` and the portal
    sessions expired by `now`; one transaction and one audit row (counts only) per clinic
    that had any. Idempotent; what this run itself deleted."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    cutoff = now - dt.timedelta(days=keep_days)
    sessions = _expired_portal_sessions(now)
    clinics = set(
        PortalSignInLink.objects.filter(_spent_links(cutoff))
        .values_list("account__organisation_id", flat=True)
        .distinct()
    ) | (set(sessions) - {_SITE})
    total = Removed()
    for organisation in Organisation.objects.filter(pk__in=clinics).order_by("pk"):
        with transaction.atomic():
            hold(LockScope.PORTAL_CLEANUP, organisation.pk)
            links = PortalSignInLink.objects.filter(
                _spent_links(cutoff), account__organisation=organisation
            ).delete()[0]
            removed = Removed(links, _delete_sessions(sessions.get(organisation.pk, []), now))
            if removed.links or removed.sessions:
                do_record_audit_event(
                    Actor(user=None, organisation=organisation),
                    AuditAction.DELETE,
                    CLEANUP,
                    now.date().isoformat(),
                    reason=_words(removed, keep_days),
                )
        total += removed
    if sessions.get(_SITE):
        with transaction.atomic():
            hold(LockScope.PORTAL_CLEANUP, _SITE)
            removed = Removed(0, _delete_sessions(sessions[_SITE], now))
            if removed.sessions:
                do_record_access_event(
                    None,
                    user=None,
                    username="system",
                    ip_address=None,
                    action=AuditAction.DELETE,
                    object_type=CLEANUP,
                    object_id=now.date().isoformat(),
                    reason=_words(removed, keep_days),
                )
        total += removed
    return total
