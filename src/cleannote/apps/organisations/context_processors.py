"""Template context: the signed-in staff member and what their role may do (for the menu)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cleannote.apps.organisations.access import staff_for
from cleannote.apps.organisations.roles import Capability, has_capability


def current_staff(request: HttpRequest) -> dict[str, Any]:
    staff = staff_for(request) if hasattr(request, "user") else None
    if staff is None:
        return {"staff": None, "can": {}, "sign_in_pending": None}
    return {
        "staff": staff,
        "can": {c.value: has_capability(staff.role, c) for c in Capability},
        # A step of signing in is still open (code, password, set-up): the menu stays hidden.
        "sign_in_pending": getattr(request, "sign_in_pending", None),
    }
