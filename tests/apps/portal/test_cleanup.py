"""The nightly sweep of spent portal sign-in links and expired portal sessions (ADR 0922):
what goes and what stays, one audit row of counts per clinic, nothing twice."""

from __future__ import annotations

import datetime as dt
import io
import threading
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.organisations.models import Role
from cleannote.apps.portal.actions import do_invite_to_portal
from cleannote.apps.portal.cleanup import CLEANUP, Removed, do_remove_spent_sign_ins
from cleannote.apps.portal.models import PortalAccount, PortalSignInLink
from cleannote.apps.portal.session import ACCOUNT_KEY, NOTICE_KEY
from tests.apps.portal.conftest import register
from tests.personas import VALID_NPIS, _organisation, _staff

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def _link(account: PortalAccount, *, created_days_ago: int, used: bool) -> PortalSignInLink:
    """A link issued `created_days_ago` days before NOW (used at once, or left to expire)."""
    held = PortalSignInLink.objects.filter(account=account).count()
    created = NOW - dt.timedelta(days=created_days_ago)
    return PortalSignInLink.objects.create(
        account=account,
        digest=f"{account.pk:08d}{held:08d}".ljust(64, "0"),
        channel=account.channel,
        created_at=created,
        expires_at=created + dt.timedelta(minutes=30),
        used_at=created + dt.timedelta(minutes=2) if used else None,
    )


def _session(data: dict[str, object], *, expired: bool) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(data)
    store.create()
    expiry = NOW - dt.timedelta(minutes=5) if expired else NOW + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=store.session_key).update(expire_date=expiry)
    return str(store.session_key)


@pytest.fixture
def two_clinics(family):
    """The family's account with old, recent and live links, a second clinic's account, and
    portal and staff sessions on either side of their expiry."""
    account, _secret = do_invite_to_portal(family.actor, family.parent, channel="email")
    PortalSignInLink.objects.filter(account=account).update(created_at=NOW, expires_at=NOW)
    other, _location = _organisation("Hillside", VALID_NPIS[1])
    desk = _staff(other, "hal", Role.FRONT_DESK)
    other_actor = Actor(user=desk.user, organisation=other)
    neighbour = register(other_actor, "Nell", email="nell@example.com")
    other_account, _ = do_invite_to_portal(other_actor, neighbour, channel="email")
    PortalSignInLink.objects.filter(account=other_account).delete()
    links = {
        "used 40 days ago": _link(account, created_days_ago=40, used=True),
        "expired 31 days ago": _link(account, created_days_ago=31, used=False),
        "used 2 days ago": _link(account, created_days_ago=2, used=True),
        "other clinic, expired 90 days ago": _link(other_account, created_days_ago=90, used=False),
        "other clinic, used 10 days ago": _link(other_account, created_days_ago=10, used=True),
    }
    sessions = {
        "portal, expired": _session({ACCOUNT_KEY: account.pk}, expired=True),
        "portal, live": _session({ACCOUNT_KEY: account.pk}, expired=False),
        "other clinic's portal, expired": _session({ACCOUNT_KEY: other_account.pk}, expired=True),
        "signed-out notice, expired": _session({NOTICE_KEY: "You are signed out."}, expired=True),
        "staff, expired": _session({"_auth_user_id": str(family.desk.user.pk)}, expired=True),
    }
    return family, other, links, sessions


def _left(links, sessions):
    kept_links = set(PortalSignInLink.objects.values_list("pk", flat=True))
    kept_sessions = set(Session.objects.values_list("session_key", flat=True))
    return (
        sorted(name for name, link in links.items() if link.pk in kept_links),
        sorted(name for name, key in sessions.items() if key in kept_sessions),
    )


def test_the_sweep_deletes_spent_links_and_expired_portal_sessions_only(two_clinics):
    family, other, links, sessions = two_clinics
    before = AuditEvent.objects.count()
    # when the sweep runs, keeping 30 days of links
    removed = do_remove_spent_sign_ins(NOW, keep_days=30)
    # then the links used or expired over 30 days ago went, and the expired portal sessions
    assert removed == Removed(links=3, sessions=3)
    assert _left(links, sessions) == (
        ["other clinic, used 10 days ago", "used 2 days ago"],
        ["portal, live", "staff, expired"],
    )
    # the live link of the invitation stays
    assert PortalSignInLink.objects.filter(expires_at=NOW).count() == 1
    # and each clinic's chain, and the site's for the notice, has one row of counts: no
    # patient, no address, the system as actor
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert [
        (e.organisation_id, e.action, e.object_type, e.actor_username, e.patient_id, e.reason)
        for e in rows
    ] == [
        (
            family.actor.organisation.pk,
            AuditAction.DELETE,
            CLEANUP,
            "system",
            None,
            "2 sign-in link(s) used or expired over 30 days ago, 1 expired portal session(s)",
        ),
        (
            other.pk,
            AuditAction.DELETE,
            CLEANUP,
            "system",
            None,
            "1 sign-in link(s) used or expired over 30 days ago, 1 expired portal session(s)",
        ),
        (
            None,
            AuditAction.DELETE,
            CLEANUP,
            "system",
            None,
            "0 sign-in link(s) used or expired over 30 days ago, 1 expired portal session(s)",
        ),
    ]
    assert all("example.com" not in e.reason for e in rows)


def test_a_second_run_deletes_nothing_and_writes_no_audit_row(two_clinics):
    do_remove_spent_sign_ins(NOW)
    after_first = AuditEvent.objects.count()
    assert do_remove_spent_sign_ins(NOW) == Removed(0, 0)
    assert AuditEvent.objects.count() == after_first


def test_the_command_keeps_as_many_days_as_asked_and_prints_counts(two_clinics):
    _family, _other, links, sessions = two_clinics
    out = io.StringIO()
    call_command("cleannote_portal_cleanup", "--days", "5", stdout=out)
    # (the command reads the real clock: the link used 10 days before NOW is past 5 days)
    assert out.getvalue().endswith("portal session(s) deleted.\n")
    left, _sessions = _left(links, sessions)
    assert "other clinic, used 10 days ago" not in left
    with pytest.raises(CommandError, match="'soon' is not a whole number of days"):
        call_command("cleannote_portal_cleanup", "--days", "soon")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writing transaction in at a time (BEGIN IMMEDIATE, ADR 0072)",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_delete_each_row_once(two_clinics):
    before = AuditEvent.objects.count()
    start = threading.Barrier(2)
    results: list[Removed] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(do_remove_spent_sign_ins(NOW))
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    # between them the two runs deleted each row once, and wrote each clinic's row once
    assert len(results) == 2
    assert results[0] + results[1] == Removed(links=3, sessions=3)
    assert AuditEvent.objects.count() - before == 3
