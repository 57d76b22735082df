"""Reads for denials and A/R aging, within one organisation. `ar_aging` is one query however
many claims there are (ADR 0732)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimStatus, ClaimStatusEvent
from cleannote.apps.claims.selectors import aged_from
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.remittance.denial_models import Denial, DenialAction, DenialStep

BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")
# Claims the payer still owes on: sent and not settled, or denied and still being worked.
OPEN_STATUSES = (
    ClaimStatus.IN_BATCH,
    ClaimStatus.ACCEPTED,
    ClaimStatus.PARTIALLY_PAID,
    ClaimStatus.DENIED,
    ClaimStatus.APPEALED,
)
# A denied or appealed claim's whole unpaid charge is owed while it is worked (its denial
# adjustments are what the appeal disputes); other claims owe what the adjustments leave.
_DISPUTED = (ClaimStatus.DENIED, ClaimStatus.APPEALED)


def claim_of(organisation: Organisation, claim_id: int) -> Claim | None:
    return (
        Claim.objects.filter(organisation=organisation, pk=claim_id)
        .select_related("patient", "note", "organisation", "coverage")
        .first()
    )


def denial_of(claim: Claim) -> Denial | None:
    return (
        Denial.objects.filter(claim=claim)
        .select_related("assigned_to__user")
        .prefetch_related("actions")
        .first()
    )


def billers_of(organisation: Organisation) -> list[Staff]:
    return [
        s
        for s in Staff.objects.filter(
            organisation=organisation, user__is_active=True
        ).select_related("user")
        if has_capability(s.role, Capability.POST_PAYMENTS)
    ]


def bucket_of(age_days: int) -> str:
    if age_days <= 30:
        return BUCKETS[0]
    if age_days <= 60:
        return BUCKETS[1]
    if age_days <= 90:
        return BUCKETS[2]
    if age_days <= 120:
        return BUCKETS[3]
    return BUCKETS[4]


@dataclass
class AgingRow:
    claim_id: int
    patient_id: int
    control_number: str
    payer_name: str
    date_of_service: dt.date
    first_sent_on: dt.date | None
    status: str
    age_days: int
    bucket: str
    balance: Decimal
    last_action: str
    last_action_on: dt.datetime | None


@dataclass
class PayerAging:
    payer_name: str
    totals: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, Decimal(0)))
    total: Decimal = Decimal(0)


@dataclass
class AgingReport:
    as_of: dt.date
    rows: list[AgingRow]
    payers: list[PayerAging]
    totals: dict[str, Decimal]
    total: Decimal


def _aging_claims(organisation: Organisation) -> QuerySet[Claim]:
    money = DecimalField(max_digits=12, decimal_places=2)
    adjusted = (
        ClaimAdjustment.objects.filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    last_event = ClaimStatusEvent.objects.filter(claim=OuterRef("pk")).order_by("-at", "-id")
    last_step = DenialAction.objects.filter(denial__claim=OuterRef("pk")).order_by("-at", "-id")
    return (
        Claim.objects.filter(organisation=organisation, status__in=OPEN_STATUSES, voided=False)
        .annotate(
            adjusted=Coalesce(
                Subquery(adjusted, output_field=money), Value(Decimal(0)), output_field=money
            ),
            event_status=Subquery(last_event.values("status")[:1]),
            event_at=Subquery(last_event.values("at")[:1]),
            step=Subquery(last_step.values("step")[:1]),
            step_at=Subquery(last_step.values("at")[:1]),
            step_note=Subquery(last_step.values("note")[:1]),
        )
        .order_by("payer_name", "date_of_service", "id")
    )  # fmt: skip


def ar_aging(organisation: Organisation, as_of: dt.date) -> AgingReport:
    """Insurance A/R by payer and age bucket (days since the claim was first sent, ADR 0704;
    since the date of service for a claim never sent in a batch), with the last thing done on
    each claim: a denial step if newer than its last status change."""
    rows: list[AgingRow] = []
    payers: dict[str, PayerAging] = {}
    totals = dict.fromkeys(BUCKETS, Decimal(0))
    for claim in _aging_claims(organisation):
        paid = claim.paid_amount or Decimal(0)
        balance = claim.total_charge - paid
        if claim.status not in _DISPUTED:
            balance -= claim.adjusted  # type: ignore[attr-defined]
        if balance <= 0:
            continue
        age = (as_of - aged_from(claim)).days
        bucket = bucket_of(max(age, 0))
        event_at = claim.event_at  # type: ignore[attr-defined]
        step_at = claim.step_at  # type: ignore[attr-defined]
        if step_at is not None and (event_at is None or step_at >= event_at):
            last = DenialStep(claim.step).label  # type: ignore[attr-defined]
            note = claim.step_note  # type: ignore[attr-defined]
            last_action, last_on = (f"{last}: {note}" if note else last), step_at
        elif event_at is not None:
            status = ClaimStatus(claim.event_status).label  # type: ignore[attr-defined]
            last_action, last_on = f"Status: {status}", event_at
        else:
            last_action, last_on = "Created", claim.created_at
        rows.append(
            AgingRow(
                claim_id=claim.pk,
                patient_id=claim.patient_id,
                control_number=claim.patient_control_number or str(claim.pk),
                payer_name=claim.payer_name,
                date_of_service=claim.date_of_service,
                first_sent_on=claim.first_sent_on,
                status=ClaimStatus(claim.status).label,
                age_days=age,
                bucket=bucket,
                balance=balance,
                last_action=last_action,
                last_action_on=last_on,
            )
        )
        payer = payers.setdefault(claim.payer_name, PayerAging(claim.payer_name))
        payer.totals[bucket] += balance
        payer.total += balance
        totals[bucket] += balance
    return AgingReport(
        as_of=as_of,
        rows=rows,
        payers=list(payers.values()),
        totals=totals,
        total=sum(totals.values(), Decimal(0)),
    )
