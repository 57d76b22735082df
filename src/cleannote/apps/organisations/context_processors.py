"""Template context: the signed-in staff member, what their role may do (for the menu), and
how their clinic shows times."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cleannote.apps.organisations.access import staff_for
from cleannote.apps.organisations.roles import Capability, has_capability


def current_staff(request: HttpRequest) -> dict[str, Any]:
    staff = staff_for(request) if hasattr(request, "user") else None
    if staff is None:
        return {"staff": None, "can": {}, "sign_in_pending": None, "hour_cycle": None}
    return {
        "staff": staff,
        # The clinic's 12- or 24-hour setting, read by the {% clock %} tags (ADR 0590).
        "hour_cycle": staff.organisation.hour_cycle,
        "can": {c.value: has_capability(staff.role, c) for c in Capability},
        # A step of signing in is still open (code, password, set-up): the menu stays hidden.
        "sign_in_pending": getattr(request, "sign_in_pending", None),
    }
