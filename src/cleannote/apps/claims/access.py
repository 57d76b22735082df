"""Who may see and act on claims: billers and owners (the roles table in the organisations app
has no billing capability yet, so the rule lives here, beside the actions that enforce it)."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cleannote.apps.claims.actions import may_bill
from cleannote.apps.organisations.access import View, staff_view


def biller_view(view: View) -> View:
    @staff_view()
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_bill(request.staff):  # type: ignore[attr-defined]
            raise PermissionDenied("only billers and owners work claims")
        return view(request, *args, **kwargs)

    return wrapped
