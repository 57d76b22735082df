"""The one gate every page goes through: logged in, has a staff profile, has the capability.

`request.staff` is set for the view, with its organisation loaded, so views scope every query
by `request.staff.organisation` without another lookup.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability

View = Callable[..., HttpResponse]


def staff_for(request: HttpRequest) -> Staff | None:
    cached = getattr(request, "_cleannote_staff", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    staff = Staff.objects.select_related("organisation", "user").filter(user_id=user.pk).first()
    request._cleannote_staff = staff  # type: ignore[attr-defined]
    return staff


def staff_view(*capabilities: Capability) -> Callable[[View], View]:
    """Require login, a staff profile and every capability listed; 403 otherwise."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            staff = staff_for(request)
            if staff is None:
                raise PermissionDenied("no staff profile for this login")
            for capability in capabilities:
                if not has_capability(staff.role, capability):
                    raise PermissionDenied(f"role {staff.role} lacks {capability}")
            request.staff = staff  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR as the server saw it; a proxy deployment sets it from the proxy's header."""
    return request.META.get("REMOTE_ADDR") or None


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in staff member as the actor of an audited action, with the client address."""
    staff = request.staff  # type: ignore[attr-defined]
    return Actor(user=staff.user, organisation=staff.organisation, ip_address=client_ip(request))
