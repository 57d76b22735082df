"""Reads of the payer directory, always scoped to one organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.payers.models import Payer


def directory(organisation: Organisation, *, active_only: bool = False) -> QuerySet[Payer]:
    payers = Payer.objects.filter(organisation=organisation)
    if active_only:
        payers = payers.filter(is_active=True)
    return payers.order_by("name", "id")


def directory_with_counts(organisation: Organisation) -> QuerySet[Payer]:
    """The directory with how many coverages point at each payer (the list page)."""
    return directory(organisation).annotate(coverage_count=Count("coverages"))


def payer_of(organisation: Organisation, payer_id: int) -> Payer | None:
    return Payer.objects.filter(organisation=organisation, pk=payer_id).first()
