"""What the claims know that the forward compliance view needs (ADR 0620): Medicare therapy
charges so far this year per patient and bucket, and each case's billed charges.

Counted from original claims that are not voided and not a secondary payer's copy, so a
visit counts once. Charges, not allowed amounts: a booked visit has no allowed amount yet,
and a clinic's charge is at least what Medicare allows, so the flag comes early, never late.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from cleannote.apps.claims.models import Claim, Frequency
from cleannote.apps.claims.pip_limits import pip_drawn
from cleannote.apps.scheduling.forward_flags import TherapyBilling
from cleannote.rules.thresholds import TherapyBucket, bucket_for
from cleannote.rules.visit import Discipline, PayerKind


def _originals() -> QuerySet[Claim]:
    return Claim.objects.filter(
        frequency=Frequency.ORIGINAL, voided=False, primary_claim__isnull=True
    ).order_by()


def medicare_therapy_ytd(
    patient_ids: Collection[int], year: int
) -> dict[int, dict[TherapyBucket, Decimal]]:
    """{patient id: {bucket: Medicare therapy charges in `year`}}: one query. What the KX and
    targeted review amounts are counted against, by the forward flags and the compliance
    report alike."""
    ytd: dict[int, dict[TherapyBucket, Decimal]] = {}
    medicare = (
        _originals()
        .filter(
            patient_id__any_of=patient_ids,
            payer_kind=PayerKind.MEDICARE.value,
            date_of_service__year=year,
        )
        .values_list("patient_id", "note__case__discipline")
        .annotate(total=Sum("total_charge"))
    )
    for patient_id, discipline, total in medicare:
        bucket = bucket_for(Discipline(discipline))
        if bucket is not None:
            buckets = ytd.setdefault(patient_id, {})
            buckets[bucket] = buckets.get(bucket, Decimal("0")) + total
    return ytd


def therapy_billing(
    patient_ids: Collection[int], case_ids: Collection[int], year: int
) -> TherapyBilling:
    """Three queries, however many patients and cases."""
    billed = {
        case_id: (total, count)
        for case_id, total, count in _originals()
        .filter(note__case_id__any_of=case_ids)
        .values_list("note__case_id")
        .annotate(total=Sum("total_charge"), count=Count("id"))
    }
    return TherapyBilling(
        ytd=medicare_therapy_ytd(patient_ids, year), billed=billed, pip_drawn=pip_drawn(case_ids)
    )
