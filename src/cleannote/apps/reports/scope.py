"""Who sees which figures, and the filters a report page reads from its query string.

Staff with `RUN_REPORTS` (the owner, the biller) see the whole organisation; with only
`SEE_OWN_REPORTS` (therapists, assistants) only their own figures: the clinician filter is
fixed to them, whatever the address says. The front desk has neither and is refused. There
is no location-manager role yet (ADR 0800).
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
        if self.location_id:
            q &= Q(**{f"{prefix}location_id": self.location_id})
        if self.clinician_id:
            q &= Q(**{f"{prefix}therapist_id": self.clinician_id})
        if self.discipline:
            q &= Q(**{f"{prefix}case__discipline": self.discipline})
        return q


def sees_whole_clinic(staff: Staff) -> bool:
    return has_capability(staff.role, Capability.RUN_REPORTS)


def may_see_reports(staff: Staff) -> bool:
    return sees_whole_clinic(staff) or has_capability(staff.role, Capability.SEE_OWN_REPORTS)


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
    own_only = not sees_whole_clinic(staff)
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
    )
