"""The financial report's reads: per payer, charges, payments and adjustments of the
period's primary claims, the insurance A/R today, first-pass acceptance and denials, denials
by CARC and what each payer paid per unit of each code. What the figures mean and the
arithmetic on them live in `cleannote.rules.reporting`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimRejection
from cleannote.apps.organisations.models import Location
from cleannote.apps.reports.scope import ReportFilters, primary_claims_q
from cleannote.rules import reporting


def _in_scope(filters: ReportFilters, field: str) -> dict[str, Any]:
    """`{field}__in` the locations the figures count, or nothing when they count all."""
    scope = filters.location_scope()
    return {} if scope is None else {f"{field}__in": scope}


FINANCIAL_FIGURES = (
    "claims", "charges", "payments", "contractual_adjustments", "other_adjustments",
    "net_collection_rate", "ar_balance", "ar_over_90", "days_in_ar", "first_pass_rate",
    "denial_rate", "paid_per_visit",
)  # fmt: skip


@dataclass
class PayerMoney:
    payer_id: str
    payer_name: str
    claims: int = 0
    charges: Decimal = Decimal(0)
    payments: Decimal = Decimal(0)
    contractual: Decimal = Decimal(0)
    other_adjustments: Decimal = Decimal(0)
    adjudicated: int = 0
    adjudicated_charges: Decimal = Decimal(0)
    adjudicated_payments: Decimal = Decimal(0)
    adjudicated_contractual: Decimal = Decimal(0)
    sent: int = 0
    sent_clean: int = 0
    denied: int = 0
    ar_balance: Decimal = Decimal(0)
    ar_over_90: Decimal = Decimal(0)
    figures: dict[str, Any] = field(default_factory=dict)


# Sent to the payer: in a batch, or answered by it (a claim posted from a paper EOB was never
# in a batch).
SENT = Q(first_sent_on__isnull=False) | Q(adjudicated_on__isnull=False)


def _money_claims(filters: ReportFilters) -> Any:
    claims = Claim.objects.filter(
        primary_claims_q(), filters.notes_q("note__"), organisation=filters.organisation
    )
    if filters.payer_id:
        claims = claims.filter(payer_id=filters.payer_id)
    return claims.order_by()


def financial(filters: ReportFilters) -> list[PayerMoney]:
    """Per payer, for primary claims with a date of service in the period: what was charged,
    paid and adjusted, the net collection rate, first-pass acceptance and denials; and the
    payer's insurance A/R today (every open claim, whatever its date)."""
    from cleannote.apps.remittance.denial_selectors import OPEN_STATUSES

    rows: dict[str, PayerMoney] = {}
    claims = _money_claims(filters)
    zero = Value(Decimal(0))
    # A rejection is a row of its own (a claim may have several): asked as IN the rejected
    # claims (one hashed pass over the rejections, where an EXISTS inside an aggregate's
    # FILTER runs once per claim, ADR 0855), so the sums are not repeated per rejection; a
    # denial is one row per claim at most.
    rejected = Q(pk__in=ClaimRejection.objects.order_by().values("claim_id"))
    for r in claims.values("payer_id").annotate(
        name=Max("payer_name"),
        n=Count("id"),
        charged=Sum("total_charge"),
        paid=Coalesce(Sum("paid_amount"), zero),
        adjudicated_n=Count("id", filter=Q(adjudicated_on__isnull=False)),
        adjudicated_charged=Coalesce(
            Sum("total_charge", filter=Q(adjudicated_on__isnull=False)), zero
        ),
        sent_n=Count("id", filter=SENT),
        clean_n=Count("id", filter=SENT & ~rejected & Q(denial__isnull=True)),
        denied_n=Count("id", filter=Q(denial__isnull=False)),
    ):
        rows[r["payer_id"]] = PayerMoney(
            payer_id=r["payer_id"], payer_name=r["name"], claims=r["n"], charges=r["charged"],
            payments=r["paid"], adjudicated=r["adjudicated_n"],
            adjudicated_charges=r["adjudicated_charged"], adjudicated_payments=r["paid"],
            sent=r["sent_n"], sent_clean=r["clean_n"], denied=r["denied_n"],
        )  # fmt: skip
    for r in (
        ClaimAdjustment.objects.filter(claim__in=claims)
        .order_by()
        .values("claim__payer_id")
        .annotate(
            contractual=Coalesce(Sum("amount", filter=Q(group="CO")), zero),
            other=Coalesce(Sum("amount", filter=~Q(group="CO")), zero),
        )
    ):
        if r["claim__payer_id"] in rows:
            row = rows[r["claim__payer_id"]]
            row.contractual, row.other_adjustments = r["contractual"], r["other"]
            row.adjudicated_contractual = r["contractual"]
    # Insurance A/R today: open claims' charges less what was paid and, except on a claim
    # whose denial is being worked, what was adjusted (the A/R aging's rule, ADR 0732).
    open_claims = Claim.objects.filter(
        primary_claims_q(), organisation=filters.organisation, status__in=OPEN_STATUSES
    )
    if filters.payer_id:
        open_claims = open_claims.filter(payer_id=filters.payer_id)
    if (places := filters.location_scope()) is not None:
        open_claims = open_claims.filter(location_id__in=places)
    if filters.clinician_id:
        open_claims = open_claims.filter(note__therapist_id=filters.clinician_id)
    if filters.discipline:
        open_claims = open_claims.filter(note__case__discipline=filters.discipline)
    old = filters.today - dt.timedelta(days=reporting.AR_OVER_DAYS)
    aged = Q(first_sent_on__lte=old) | Q(first_sent_on__isnull=True, date_of_service__lte=old)
    disputed = Q(status__in=("denied", "appealed"))
    owed = open_claims.order_by().annotate(owed=F("total_charge") - Coalesce("paid_amount", zero))
    for r in owed.values("payer_id").annotate(
        name=Max("payer_name"),
        balance=Coalesce(Sum("owed"), zero),
        over=Coalesce(Sum("owed", filter=aged), zero),
    ):
        row = rows.setdefault(
            r["payer_id"], PayerMoney(payer_id=r["payer_id"], payer_name=r["name"])
        )
        row.ar_balance, row.ar_over_90 = r["balance"], r["over"]
    for r in (
        ClaimAdjustment.objects.filter(claim__in=open_claims.exclude(disputed))
        .order_by()
        .values("claim__payer_id")
        .annotate(adjusted=Sum("amount"), over=Coalesce(Sum("amount", filter=Q(
            Q(claim__first_sent_on__lte=old)
            | Q(claim__first_sent_on__isnull=True, claim__date_of_service__lte=old)
        )), zero))
    ):  # fmt: skip
        row = rows[r["claim__payer_id"]]
        row.ar_balance -= r["adjusted"]
        row.ar_over_90 -= r["over"]
    days = (filters.end - filters.start).days + 1
    for row in rows.values():
        row.figures = {
            "claims": row.claims,
            "charges": reporting.cents(row.charges),
            "payments": reporting.cents(row.payments),
            "contractual_adjustments": reporting.cents(row.contractual),
            "other_adjustments": reporting.cents(row.other_adjustments),
            "net_collection_rate": reporting.net_collection_rate(
                row.adjudicated_payments, row.adjudicated_charges, row.adjudicated_contractual
            ),
            "ar_balance": reporting.cents(row.ar_balance),
            "ar_over_90": reporting.cents(row.ar_over_90),
            "days_in_ar": reporting.days_in_ar(row.ar_balance, row.charges, days),
            "first_pass_rate": reporting.percent(row.sent_clean, row.sent),
            "denial_rate": reporting.percent(row.denied, row.adjudicated),
            "paid_per_visit": reporting.money_ratio(row.adjudicated_payments, row.adjudicated),
        }
    return sorted(rows.values(), key=lambda r: r.payer_name)


def denials_by_carc(filters: ReportFilters) -> list[dict[str, Any]]:
    """Denied claims' adjustments by payer and CARC (group and reason), the patient's share
    (PR) left out: how many claims and how much."""
    claims = _money_claims(filters).filter(denial__isnull=False)
    rows = (
        ClaimAdjustment.objects.filter(claim__in=claims)
        .exclude(group="PR")
        .order_by()
        .values("claim__payer_name", "group", "reason")
        .annotate(claim_count=Count("claim_id", distinct=True), total=Sum("amount"))
        .order_by("claim__payer_name", "-claim_count", "group", "reason")
    )
    return [{**r, "total": reporting.cents(r["total"])} for r in rows]


def reimbursement_by_code(filters: ReportFilters) -> list[dict[str, Any]]:
    """Per payer and code, what the payer paid per unit on posted lines, beside the payer's
    contracted rate and the clinic's charge in force at the end of the period (the fee
    schedules the clinic loaded, ADR 0720)."""
    from cleannote.apps.claims.fees import contracted_rates, fee_schedule_for
    from cleannote.apps.remittance.models import LinePosting

    postings = LinePosting.objects.filter(claim_line__claim__in=_money_claims(filters)).order_by()
    grouped = postings.values(
        "claim_line__claim__payer_id", "claim_line__claim__payer_name", "claim_line__code"
    ).annotate(paid=Sum("paid"), posted_units=Sum("units"))
    location = (
        Location.objects.filter(organisation=filters.organisation, pk=filters.location_id).first()
        if filters.location_id
        else Location.objects.filter(organisation=filters.organisation, **_in_scope(filters, "pk"))
        .order_by("pk")
        .first()
    )
    schedules: dict[str, Any] = {}
    general = fee_schedule_for(location, "", filters.end) if location is not None else None
    charges = contracted_charge_master(general)
    result = []
    for r in grouped:
        payer_id = r["claim_line__claim__payer_id"]
        if payer_id not in schedules:
            schedule = fee_schedule_for(location, payer_id, filters.end) if location else None
            schedules[payer_id] = contracted_rates(schedule) if schedule is not None else {}
        code = r["claim_line__code"]
        result.append(
            {
                "payer": r["claim_line__claim__payer_name"],
                "code": code,
                "units": r["posted_units"].normalize(),
                "paid": reporting.cents(r["paid"]),
                "paid_per_unit": reporting.money_ratio(r["paid"], r["posted_units"]),
                "contracted": schedules[payer_id].get((code, "")),
                "charge": charges.get(code),
            }
        )
    return sorted(result, key=lambda r: (r["payer"], r["code"]))


def contracted_charge_master(schedule: Any) -> dict[str, Decimal]:
    """The clinic's charge per unit of each code (the general schedule's amounts)."""
    if schedule is None:
        return {}
    return {e.code: e.amount for e in schedule.entries.all() if not e.modifier}


def clinic_money(filters: ReportFilters) -> dict[str, Any]:
    """The clinic's financial headline figures: the payers' counts added up."""
    payers = financial(filters)
    paid = sum((p.adjudicated_payments for p in payers), Decimal(0))
    charged = sum((p.adjudicated_charges for p in payers), Decimal(0))
    contractual = sum((p.adjudicated_contractual for p in payers), Decimal(0))
    balance = sum((p.ar_balance for p in payers), Decimal(0))
    charges = sum((p.charges for p in payers), Decimal(0))
    days = (filters.end - filters.start).days + 1
    return {
        "payments": reporting.cents(sum((p.payments for p in payers), Decimal(0))),
        "net_collection_rate": reporting.net_collection_rate(paid, charged, contractual),
        "ar_balance": reporting.cents(balance),
        "ar_over_90": reporting.cents(sum((p.ar_over_90 for p in payers), Decimal(0))),
        "days_in_ar": reporting.days_in_ar(balance, charges, days),
    }
