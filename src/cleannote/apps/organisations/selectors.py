"""Reads of organisations and staff, always within one organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from cleannote.apps.organisations.models import Location, Organisation, Role, Staff


def locations_of(organisation: Organisation) -> QuerySet[Location]:
    return Location.objects.filter(organisation=organisation)


def staff_of(organisation: Organisation) -> QuerySet[Staff]:
    return Staff.objects.filter(organisation=organisation).select_related("user")


def managed_location_ids(staff: Staff) -> tuple[int, ...]:
    """The locations a location manager runs, by id (ADR 0845); () for every other role."""
    if staff.role != Role.MANAGER:
        return ()
    return tuple(sorted(staff.managed_locations.values_list("pk", flat=True)))
