"""Who sees which figures, and the filters a report page reads from its query string.

Staff with `RUN_REPORTS` (the owner, the biller) see the whole organisation; with only
`SEE_OWN_REPORTS` (therapists, assistants) only their own figures: the clinician filter is
fixed to them, whatever the address says. A location manager (`SEE_LOCATION_REPORTS`) sees
the figures of the locations they run, every clinician's there: a location filter outside
them is refused, and without one the page counts all of theirs (ADR 0845). The front desk
has none of these and is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.platform.request_params import (
    BadRequestParameter,
    param_choice,
    param_date,
    param_id,
    param_text,
)
from cleannote.rules.visit import DISCIPLINE_OF_CREDENTIAL, Discipline

DEFAULT_DAYS = 28  # four weeks ending today when no dates are given
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ReportFilters:
    organisation: Organisation
    start: dt.date
    end: dt.date
    today: dt.date
    location_id: int | None = None
    clinician_id: int | None = None
    payer_id: str = ""
    discipline: str = ""
    own_only: bool = False  # the clinician filter is the viewer, and cannot be changed
    # A location manager's locations: every figure is limited to them (empty: no such limit).
    location_ids: tuple[int, ...] = ()

    def location_scope(self) -> list[int] | None:
        """The locations the figures count: the one chosen, else the manager's, else all
        (None)."""
        if self.location_id:
            return [self.location_id]
        return list(self.location_ids) if self.location_ids else None

    def query_items(self) -> list[tuple[str, str]]:
        items = [("start", self.start.isoformat()), ("end", self.end.isoformat())]
        for name, value in (
            ("location", self.location_id),
            ("clinician", None if self.own_only else self.clinician_id),
            ("payer", self.payer_id),
            ("discipline", self.discipline),
        ):
            if value:
                items.append((name, str(value)))
        return items

    def credentials(self) -> list[str]:
        """The credentials of the chosen discipline (assistants with their therapists)."""
        return [c.value for c, d in DISCIPLINE_OF_CREDENTIAL.items() if d.value == self.discipline]

    def notes_q(self, prefix: str = "") -> Q:
        """The filters on notes (or on rows reached from a note through `prefix`)."""
        q = Q(
            **{
                f"{prefix}date_of_service__gte": self.start,
                f"{prefix}date_of_service__lte": self.end,
            }
        )
        if (scope := self.location_scope()) is not None:
            q &= Q(**{f"{prefix}location_id__in": scope})
        if self.clinician_id:
            q &= Q(**{f"{prefix}therapist_id": self.clinician_id})
        if self.discipline:
            q &= Q(**{f"{prefix}case__discipline": self.discipline})
        return q


def sees_whole_clinic(staff: Staff) -> bool:
    return has_capability(staff.role, Capability.RUN_REPORTS)


def sees_locations(staff: Staff) -> bool:
    return has_capability(staff.role, Capability.SEE_LOCATION_REPORTS)


def may_see_reports(staff: Staff) -> bool:
    return (
        sees_whole_clinic(staff)
        or sees_locations(staff)
        or has_capability(staff.role, Capability.SEE_OWN_REPORTS)
    )


def managed_location_ids(staff: Staff) -> tuple[int, ...]:
    """The locations whose figures a location manager sees; () for everyone else."""
    if sees_whole_clinic(staff) or not sees_locations(staff):
        return ()
    return tuple(sorted(staff.managed_locations.values_list("pk", flat=True)))


def read_filters(params: Any, staff: Staff, today: dt.date) -> ReportFilters:
    """The page's filters from its query string, checked; a clinician's own id is forced."""
    start = param_date(params, "start")
    end = param_date(params, "end") or today
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise BadRequestParameter("start", "must be on or before the end date")
    if (end - start).days >= MAX_DAYS:
        raise BadRequestParameter("start", "the period may be at most three years")
    organisation = staff.organisation
    location_id = param_id(params, "location")
    if (
        location_id
        and not Location.objects.filter(organisation=organisation, pk=location_id).exists()
    ):
        raise BadRequestParameter("location", "is not one of this clinic's locations")
    location_ids = managed_location_ids(staff)
    if sees_locations(staff) and not sees_whole_clinic(staff):
        if not location_ids:
            raise BadRequestParameter("location", "you manage no location yet: ask the owner")
        if location_id and location_id not in location_ids:
            raise BadRequestParameter("location", "is not one of the locations you manage")
    own_only = not sees_whole_clinic(staff) and not sees_locations(staff)
    clinician_id = staff.pk if own_only else param_id(params, "clinician")
    if (
        clinician_id
        and not own_only
        and not Staff.objects.filter(organisation=organisation, pk=clinician_id).exists()
    ):
        raise BadRequestParameter("clinician", "is not one of this clinic's staff")
    return ReportFilters(
        organisation=organisation,
        start=start,
        end=end,
        today=today,
        location_id=location_id,
        clinician_id=clinician_id,
        payer_id=param_text(params, "payer", max_length=80),
        discipline=param_choice(params, "discipline", [d.value for d in Discipline]),
        own_only=own_only,
        location_ids=location_ids,
    )


def primary_claims_q(prefix: str = "") -> Q:
    """A claim the reports count: billed from a note to the primary payer, not voided."""
    return Q(
        **{f"{prefix}origin": "note", f"{prefix}voided": False, f"{prefix}payer_sequence": "P"}
    )
