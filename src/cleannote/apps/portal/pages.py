"""What every signed-in portal page stands on (ADR 0950): `portal_page` finds the account
this browser's portal session signed in and the patient being viewed, audits the page as that
account, and `portal_render` renders with the portal's base, navigation and notice.

The patient being viewed is held in the portal session, never in the URL: a guardian switches
between their own record and a dependant's with a form that names the access row, and a page
shows only `request.portal.patient`. Pages never take a patient id from the request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_ratelimit.core import is_ratelimited

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import client_ip
from cleannote.apps.patients.models import Patient
from cleannote.apps.portal.actions import live_accesses, portal_actor
from cleannote.apps.portal.models import PortalAccess, PortalAccount
from cleannote.apps.portal.nav import NAV
from cleannote.apps.portal.session import (
    VIEWING_KEY,
    end_portal_session,
    portal_session,
    save_portal_session,
    signed_in_account_id,
    take_notice,
)

View = Callable[..., HttpResponse]
PAGE = "portal_page"
# The largest id a row can have (a signed 64-bit key, on SQLite and PostgreSQL alike).
MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Portal:
    """The signed-in account, every chart it may see, and the one being viewed."""

    account: PortalAccount
    accesses: list[PortalAccess]
    viewing: PortalAccess
    actor: Actor

    @property
    def patient(self) -> Patient:
        return self.viewing.patient

    @property
    def organisation_id(self) -> int:
        return self.account.organisation_id


def portal_of(request: HttpRequest) -> Portal | None:
    """The signed-in portal of this request, or None (not signed in, idle, closed, or no
    chart left to see: then the session ends)."""
    account_id = signed_in_account_id(request)
    if account_id is None:
        return None
    account = (
        PortalAccount.objects.select_related("organisation")
        .filter(pk=account_id, disabled_at__isnull=True)
        .first()
    )
    accesses = live_accesses(account) if account is not None else []
    if account is None or not accesses:
        end_portal_session(request)
        return None
    wanted = portal_session(request).get(VIEWING_KEY)
    viewing = next((a for a in accesses if a.pk == wanted), accesses[0])
    return Portal(account, accesses, viewing, portal_actor(account, client_ip(request)))


def portal_page(view: View) -> View:
    """A signed-in portal page: `request.portal` is the `Portal`; a GET is audited as the
    account viewing the patient (the page's URL name is the object); not signed in, the
    browser goes to the sign-in form. A POST's own action writes its audit row."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        portal = portal_of(request)
        if portal is None:
            return save_portal_session(request, redirect("portal:home"))
        if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in kwargs.values()):
            raise Http404("no such record")  # beyond any row id: never handed to the database
        request.portal = portal  # type: ignore[attr-defined]
        if request.method == "GET":
            match = request.resolver_match
            do_record_audit_event(
                portal.actor,
                AuditAction.VIEW,
                PAGE,
                match.url_name if match is not None else request.path,
                patient_id=portal.patient.pk,
            )
        return save_portal_session(request, view(request, *args, **kwargs))

    return wrapped


def portal_public(view: View) -> View:
    """A portal page for someone not signed in (the sign-in forms, the link): only saves the
    portal session it may start or end."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return save_portal_session(request, view(request, *args, **kwargs))

    return wrapped


def portal_render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a portal template (extending "portal/base.html") with the portal, its
    navigation and any one-time notice."""
    full = {
        "portal": getattr(request, "portal", None),
        "nav": NAV,
        "notice": take_notice(request),
        **(context or {}),
    }
    return render(request, template, full, status=status)


# Per client address: generous for a person, tight for a script; per address typed, tighter.
RATES = {"page": "30/m", "ask": "5/m", "per_address": "5/h"}


def too_many(
    request: HttpRequest,
    group: str,
    rate: str,
    key: str | Callable[[str, HttpRequest], str] = "ip",
) -> HttpResponse | None:
    """The 429 page when this client (or this typed address) asked too often, else None (and
    the ask counted)."""
    if is_ratelimited(request, group=group, key=key, rate=rate, increment=True):
        response = portal_render(request, "portal/limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    return None
