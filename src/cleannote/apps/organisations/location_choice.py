"""Which location a page opens on (ADR 0676): the schedule and the supplies pages show where a
person works, not every location of a group at once, and remember what they last chose.

`?location=<id>` chooses one location and `?location=` (the filter's "All") every one; either
is remembered in the session under the page's key. Without it, the page opens on the choice
remembered, else on a location manager's own locations (ADR 0845), else on every location.
A location manager chooses among theirs only: another is a 400 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.selectors import managed_location_ids
from cleannote.platform.request_params import BadRequestParameter, param_id


@dataclass(frozen=True, slots=True)
class LocationChoice:
    """`location`: the one location chosen, or None; `managed`: a location manager's
    locations, which hold the page when none is chosen (() for everyone else)."""

    location: int | None
    managed: tuple[int, ...]

    def places(self) -> tuple[int, ...] | None:
        """The locations shown: the one chosen, else the manager's, else all (None)."""
        if self.location is not None:
            return (self.location,)
        return self.managed or None


def location_choice(request: HttpRequest, page: str) -> LocationChoice:
    """The location `page` (a session key, e.g. "schedule") shows."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    managed = managed_location_ids(staff)
    key = f"{page}_location"
    if "location" in request.GET:
        chosen = param_id(request.GET, "location")
        if managed and chosen is not None and chosen not in managed:
            raise BadRequestParameter("location", "is not one of the locations you manage")
        if request.session.get(key, "unset") != chosen:
            request.session[key] = chosen
        return LocationChoice(chosen, managed)
    stored = request.session.get(key)
    chosen = stored if isinstance(stored, int) else None
    if managed and chosen is not None and chosen not in managed:
        chosen = None  # no longer theirs: back to all of theirs
    return LocationChoice(chosen, managed)
