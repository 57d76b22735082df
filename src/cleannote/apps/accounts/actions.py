"""Signing in and out, and the audit events of every try (ADR 0213).

Each writes its audit row in the same transaction as the change it records. Events go to the
chain of the organisation the account belongs to, so its owner sees tries on their staff's
accounts; a username nobody has goes to the site chain. A failed try's username is recorded
(it is not PHI), its password never.
"""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cleannote.apps.accounts.session_store import LAST_SEEN_KEY
from cleannote.apps.audit.actions import do_record_access_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import client_ip
from cleannote.apps.organisations.models import Organisation, Staff

SESSION = "session"
IDLE_SESSION = "session_idle"


def _organisation_of(user: User | None) -> Organisation | None:
    if user is None:
        return None
    staff = Staff.objects.select_related("organisation").filter(user_id=user.pk).first()
    return staff.organisation if staff is not None else None


def _account_named(username: str) -> User | None:
    """The account a typed username means, matched as the lockout matches it (any case)."""
    return User.objects.filter(username__iexact=username.strip()).order_by("pk").first()


def _record(
    request: HttpRequest, user: User | None, username: str, action: AuditAction, object_type: str
) -> None:
    do_record_access_event(
        _organisation_of(user),
        user=user,
        username=username,
        ip_address=client_ip(request),
        action=action,
        object_type=object_type,
        object_id=user.pk if user is not None else "",
    )


@transaction.atomic
def do_sign_in(request: HttpRequest, user: User) -> None:
    login(request, user)
    _record(request, user, user.get_username(), AuditAction.SIGN_IN, SESSION)


@transaction.atomic
def do_sign_out(request: HttpRequest, *, idle: bool = False) -> None:
    user = request.user if request.user.is_authenticated else None
    if isinstance(user, User):
        kind = IDLE_SESSION if idle else SESSION
        _record(request, user, user.get_username(), AuditAction.SIGN_OUT, kind)
    logout(request)


def do_extend_session(request: HttpRequest) -> None:
    """The person chose "Stay signed in" in the idle warning (ADR 0591): the session's
    last-seen mark moves to now, whatever the refresh interval, so the full idle timeout runs
    again. Not an audit event: it reads and writes no record, as any page request does not."""
    request.session[LAST_SEEN_KEY] = timezone.now().isoformat()


@transaction.atomic
def do_record_failed_sign_in(
    request: HttpRequest, username: str, *, counted: bool, locked: bool
) -> None:
    """A refused try: counted (a wrong password) and/or locked (the lockout stopped it).

    The try that reaches the limit is both a failure and a lockout; a try during the lock is
    a lockout only (the password was never checked).
    """
    user = _account_named(username)
    typed = username.strip()
    if counted:
        _record(request, user, typed, AuditAction.SIGN_IN_FAILED, SESSION)
    if locked:
        _record(request, user, typed, AuditAction.LOCKED_OUT, SESSION)
