"""Template context: what the page's idle warning needs to count down (ADR 0591)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cleannote.apps.accounts.middleware import idle_limit, seconds_left, warning_seconds


def idle_warning(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"idle": None}
    limit = int(idle_limit().total_seconds())
    return {
        "idle": {
            "seconds_left": seconds_left(request),
            "warn_seconds": warning_seconds(),
            "limit": f"{limit // 60} minutes" if limit >= 120 else f"{limit} seconds",
        }
    }
