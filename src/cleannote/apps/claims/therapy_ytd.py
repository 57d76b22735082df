"""Medicare therapy charges so far this year, per patient and bucket (ADR 0620, 0802, 0861):
what the KX and targeted review amounts are counted against, by the forward flags and the
compliance report alike.

Counted from original claims that are not voided and not a secondary payer's copy, so a
visit counts once. Charges, not allowed amounts: a booked visit has no allowed amount yet,
and a clinic's charge is at least what Medicare allows, so the flag comes early, never late.

Over a clinic's year that is a grouped sum over tens of thousands of claims, each joined to
its note and case. So the nightly task (`count_medicare_therapy`, run by
`cleannote_report_summaries`) counts each case's claims up to the newest claim id, and a
reader adds what changed since: the claims created after that id, less the counted ones that
are voided now. A claim's charge, payer, date, frequency and note never change once it is
written (a correction is a new claim), so the sum is the live one, whenever the count ran.
Without a count for the year (a new clinic, a new year before the task ran) it is counted live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from cleannote.apps.claims.models import (
    Claim,
    Frequency,
    MedicareTherapyCharges,
    MedicareTherapyCount,
)
from cleannote.apps.organisations.models import Organisation
from cleannote.platform.locks import LockScope, hold
from cleannote.rules.thresholds import TherapyBucket, bucket_for
from cleannote.rules.visit import Discipline, PayerKind

YearToDate = dict[int, dict[TherapyBucket, Decimal]]


def _medicare_originals(year: int) -> QuerySet[Claim]:
    """Original Medicare claims of `year`, not a secondary payer's copy (voided or not)."""
    return Claim.objects.filter(
        frequency=Frequency.ORIGINAL,
        primary_claim__isnull=True,
        payer_kind=PayerKind.MEDICARE.value,
        date_of_service__year=year,
    ).order_by()


def _by_discipline(claims: QuerySet[Claim]) -> Iterable[tuple[int, str, Decimal, int]]:
    """(patient id, case discipline, charges, claims) per patient and discipline."""
    return (
        claims.values_list("patient_id", "note__case__discipline")
        .annotate(total=Sum("total_charge"), n=Count("id"))
        .values_list("patient_id", "note__case__discipline", "total", "n")
    )


def medicare_therapy_ytd(
    organisation_id: int, patient_ids: Collection[int], year: int
) -> YearToDate:
    """{patient id: {bucket: Medicare therapy charges in `year`}}: from the organisation's
    count of the year and what changed since (three queries), else live (two)."""
    counted = MedicareTherapyCount.objects.filter(
        organisation_id=organisation_id, year=year
    ).first()
    claims = _medicare_originals(year).filter(
        organisation_id=organisation_id, patient_id__any_of=patient_ids
    )
    # {(patient, discipline): [charges, claims]}: a patient is in the answer when one of its
    # claims is, as in a grouped sum.
    sums: dict[tuple[int, str], list[Decimal | int]] = {}

    def add(patient_id: int, discipline: str, total: Decimal, n: int, sign: int = 1) -> None:
        entry = sums.setdefault((patient_id, discipline), [Decimal("0"), 0])
        entry[0] = Decimal(entry[0]) + sign * total
        entry[1] = int(entry[1]) + sign * n

    if counted is None:
        for row in _by_discipline(claims.filter(voided=False)):
            add(*row)
        return _buckets(sums)
    for patient_id, discipline, total, n in MedicareTherapyCharges.objects.filter(
        count=counted, patient_id__any_of=patient_ids
    ).values_list("patient_id", "case__discipline", "charges", "claims"):
        add(patient_id, discipline, total, n)
    mark = counted.through_claim
    for row in _by_discipline(claims.filter(pk__lte=mark, voided=True)):
        add(*row, sign=-1)
    for row in _by_discipline(claims.filter(pk__gt=mark, voided=False)):
        add(*row)
    return _buckets(sums)


def _buckets(sums: dict[tuple[int, str], list[Decimal | int]]) -> YearToDate:
    ytd: YearToDate = {}
    for (patient_id, discipline), (total, n) in sorted(sums.items()):
        bucket = bucket_for(Discipline(discipline))
        if n and bucket is not None:
            buckets = ytd.setdefault(patient_id, {})
            buckets[bucket] = buckets.get(bucket, Decimal("0")) + Decimal(total)
    return ytd


def count_medicare_therapy(
    organisation: Organisation, year: int, at: dt.datetime | None = None
) -> int:
    """Count `year`'s Medicare therapy charges of `organisation` per case, every claim up to
    the newest id, voided ones included (the reader takes them back), replacing the
    organisation's earlier counts; returns the rows written. Two runs at once take turns."""
    with transaction.atomic():
        hold(LockScope.MEDICARE_THERAPY_COUNT, organisation.pk)
        MedicareTherapyCount.objects.filter(organisation=organisation).delete()
        claims = Claim.objects.filter(organisation=organisation)
        mark = claims.aggregate(newest=Max("pk"))["newest"] or 0
        counted = MedicareTherapyCount.objects.create(
            organisation=organisation,
            year=year,
            through_claim=mark,
            counted_at=at or timezone.now(),
        )
        rows = [
            MedicareTherapyCharges(
                count=counted, patient_id=patient_id, case_id=case_id, charges=total, claims=n
            )
            for patient_id, case_id, total, n in _medicare_originals(year)
            .filter(organisation=organisation, pk__lte=mark)
            .values_list("patient_id", "note__case_id")
            .annotate(total=Sum("total_charge"), n=Count("id"))
            .values_list("patient_id", "note__case_id", "total", "n")
        ]
        MedicareTherapyCharges.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
