"""Reads of claims, batches and fee schedules, always within one organisation.

The worklist is a fixed number of queries however many claims it shows: findings are
prefetched, the patient and location joined, never looked up per row.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from cleannote.apps.claims.models import (
    Batch,
    Claim,
    ClaimAdjustment,
    ClaimFinding,
    ClaimStatus,
    FeeSchedule,
)
from cleannote.apps.claims.status import PATIENT_GROUP, Settlement
from cleannote.apps.organisations.models import Organisation

WORKLIST_LIMIT = 200
# Settled claims leave the default worklist: only a balance a payer still owes keeps a claim open.
SETTLED = (ClaimStatus.PAID, ClaimStatus.CLOSED)


def claims_of(organisation: Organisation) -> QuerySet[Claim]:
    return Claim.objects.filter(organisation=organisation)


def worklist(
    organisation: Organisation,
    *,
    status: str = "",
    payer_id: str = "",
    location_id: int | None = None,
) -> QuerySet[Claim]:
    claims = claims_of(organisation)
    claims = claims.filter(status=status) if status else claims.exclude(status__in=SETTLED)
    if payer_id:
        claims = claims.filter(payer_id=payer_id)
    if location_id is not None:
        claims = claims.filter(location_id=location_id)
    return (
        claims.select_related("patient", "location", "note")
        .prefetch_related(Prefetch("findings", queryset=ClaimFinding.objects.order_by("id")))
        .order_by("date_of_service", "id")[:WORKLIST_LIMIT]
    )


def payers_billed(organisation: Organisation) -> list[tuple[str, str]]:
    """(payer id, payer name) pairs for the worklist's payer filter."""
    rows = claims_of(organisation).values_list("payer_id", "payer_name").distinct()
    return sorted(set(rows))


def claim_detail(organisation: Organisation, claim_id: int) -> Claim | None:
    return (
        claims_of(organisation)
        .select_related("patient", "location", "coverage", "note", "original_claim",
                        "primary_claim", "created_by")
        .prefetch_related("lines__adjustments", "diagnoses", "findings", "events",
                          "follow_ups", "secondary_claims", "batch_entries__batch",
                          "postings__era_file", "provider_adjustments__era_file",
                          "rejections")
        .filter(pk=claim_id)
        .first()
    )  # fmt: skip


def claims_of_note(organisation: Organisation, note_id: int) -> QuerySet[Claim]:
    return claims_of(organisation).filter(note_id=note_id).order_by("id")


def batches_of(organisation: Organisation) -> QuerySet[Batch]:
    return Batch.objects.filter(organisation=organisation)


def batch_detail(organisation: Organisation, batch_id: int) -> Batch | None:
    return batches_of(organisation).prefetch_related("entries__claim").filter(pk=batch_id).first()


def fee_schedules_of(organisation: Organisation) -> QuerySet[FeeSchedule]:
    return FeeSchedule.objects.filter(organisation=organisation).select_related("location")


CENT = Decimal("0.01")


def to_cents(total: Decimal | None) -> Decimal:
    """A database sum of money, to the cent: SQLite adds decimals as floats, so a sum that
    should be 0 can come back as -1.8E-15 (and one of 17.60 as 17.6000000000000)."""
    return (total or Decimal("0")).quantize(CENT)


def settlement_of(claim: Claim) -> Settlement:
    """The claim's charge against its recorded payment and adjustments (one query)."""
    patient, other = Decimal("0"), Decimal("0")
    for group, total in (
        ClaimAdjustment.objects.filter(claim=claim)
        .order_by()
        .values("group")
        .annotate(total=Sum("amount"))
        .values_list("group", "total")
    ):
        if group == PATIENT_GROUP:
            patient += to_cents(total)
        else:
            other += to_cents(total)
    return Settlement(
        charge=claim.total_charge,
        paid=claim.paid_amount or Decimal("0"),
        written_off=other,
        patient_share=patient,
    )


def rejected_claims(organisation: Organisation) -> QuerySet[Claim]:
    """The rejections worklist: rejected claims, oldest service first, with their reasons
    (newest file first) in a fixed number of queries (ADR 0702)."""
    from cleannote.apps.claims.models import ClaimRejection

    return (
        claims_of(organisation)
        .filter(status=ClaimStatus.REJECTED)
        .select_related("patient", "note")
        .prefetch_related(
            Prefetch("rejections", queryset=ClaimRejection.objects.order_by("-received_at", "id"))
        )
        .order_by("date_of_service", "id")[:WORKLIST_LIMIT]
    )
