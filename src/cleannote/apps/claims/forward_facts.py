"""What the claims know that the forward compliance view needs (ADR 0620): Medicare therapy
charges so far this year per patient and bucket (`therapy_ytd`), and each case's billed
charges, counted from original claims that are not voided and not a secondary payer's copy,
so a visit counts once.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, QuerySet, Sum

from cleannote.apps.claims.models import Claim, Frequency
from cleannote.apps.claims.pip_limits import pip_drawn
from cleannote.apps.claims.therapy_ytd import medicare_therapy_ytd
from cleannote.apps.scheduling.forward_flags import TherapyBilling


def _originals() -> QuerySet[Claim]:
    return Claim.objects.filter(
        frequency=Frequency.ORIGINAL, voided=False, primary_claim__isnull=True
    ).order_by()


def therapy_billing(
    organisation_id: int,
    patient_ids: Collection[int],
    case_ids: Collection[int],
    year: int,
    with_pip: bool = True,
) -> TherapyBilling:
    """A fixed number of queries, however many patients and cases; what PIP/MedPay carriers
    drew only `with_pip` (the KX and targeted review flags alone do not read it)."""
    billed = {
        case_id: (total, count)
        for case_id, total, count in _originals()
        .filter(note__case_id__any_of=case_ids)
        .values_list("note__case_id")
        .annotate(total=Sum("total_charge"), count=Count("id"))
    }
    return TherapyBilling(
        ytd=medicare_therapy_ytd(organisation_id, patient_ids, year),
        billed=billed,
        pip_drawn=pip_drawn(case_ids) if with_pip else {},
    )
