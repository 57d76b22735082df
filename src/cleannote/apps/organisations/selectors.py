"""Reads of organisations and staff, always within one organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from cleannote.apps.organisations.models import Location, Organisation, Staff


def locations_of(organisation: Organisation) -> QuerySet[Location]:
    return Location.objects.filter(organisation=organisation)


def staff_of(organisation: Organisation) -> QuerySet[Staff]:
    return Staff.objects.filter(organisation=organisation).select_related("user")
