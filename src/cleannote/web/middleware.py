"""Response headers Django 5.2 does not set by itself, and the audit of refused requests.

The content security policy allows only our own origin: htmx and the stylesheet are served from
our static files, templates carry no inline script or style, so an injected <script> has
nowhere to load from.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cleannote.apps.audit.actions import do_record_access_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import client_ip, staff_for

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Pages show patient records: no shared or browser-history cache may keep a copy.
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# The status each refusal is recorded as.
_REFUSALS = {403: AuditAction.FORBIDDEN, 404: AuditAction.NOT_FOUND}


class RefusedAccessAuditMiddleware:
    """A signed-in user refused a record (403, or 404 for another organisation's) is audited.

    A record's URL is one whose route names an id (`patient_id`, `note_id`, `claim_id`...): the
    event records the kind and the id asked for, the user and the address, nothing from the
    record. It goes to the user's organisation's chain, or the site chain for a login without
    a staff profile (ADR 0213). The view's own transaction is over by now; the event is
    written in its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        action = _REFUSALS.get(response.status_code)
        if action is not None and request.user.is_authenticated:
            record = _record_asked_for(request)
            if record is not None:
                staff = staff_for(request)
                do_record_access_event(
                    staff.organisation if staff is not None else None,
                    user=request.user,
                    username=request.user.get_username(),
                    ip_address=client_ip(request),
                    action=action,
                    object_type=record[0],
                    object_id=record[1],
                )
        return response


def _record_asked_for(request: HttpRequest) -> tuple[str, str] | None:
    """The (kind, id) a record URL names, e.g. ("note", "12"); None for other pages."""
    match = request.resolver_match
    if match is None:
        return None
    for name, value in match.kwargs.items():
        if name.endswith("_id"):
            return name.removesuffix("_id"), str(value)
    return None
