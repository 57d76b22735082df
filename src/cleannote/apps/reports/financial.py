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

from django.db.models import Case, Count, F, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimRejection
from cleannote.apps.organisations.models import Location
from cleannote.apps.reports.scope import ReportFilters, primary_claims_q
from cleannote.apps.reports.summary_reads import live_part, narrowed, summary_rows, summary_run
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


# The keys a daily summary row is counted under (ADR 0856): the visit's day, location,
# clinician and discipline, asked from a claim.
CLAIM_DAY_KEYS = (
    "note__date_of_service", "note__location_id", "note__therapist_id", "note__case__discipline",
)  # fmt: skip
# An open claim's A/R keys besides the day its age counts from (`aged_from`): the claim's
# location (the A/R's location filter), the visit's clinician and discipline.
RECEIVABLE_KEYS = ("location_id", "note__therapist_id", "note__case__discipline")
# The same without the clinician: the rows of every clinician at once.
CLINIC_DAY_KEYS = tuple(k for k in CLAIM_DAY_KEYS if k != "note__therapist_id")
CLINIC_RECEIVABLE_KEYS = tuple(k for k in RECEIVABLE_KEYS if k != "note__therapist_id")

ZERO = Value(Decimal(0))


def _on_claim(keys: tuple[str, ...], prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{k}" for k in keys)


def period_counts(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """The period's primary claims per payer and `keys`: how many, charged, paid, answered,
    sent, sent clean and denied."""
    # A rejection is a row of its own (a claim may have several): asked as IN the rejected
    # claims (one hashed pass over the rejections, where an EXISTS inside an aggregate's
    # FILTER runs once per claim, ADR 0855), so the sums are not repeated per rejection; a
    # denial is one row per claim at most.
    rejected = Q(pk__in=ClaimRejection.objects.order_by().values("claim_id"))
    return (
        _money_claims(filters)
        .values(*keys, "payer_id")
        .annotate(
            name=Max("payer_name"),
            n=Count("id"),
            charged=Sum("total_charge"),
            paid=Coalesce(Sum("paid_amount"), ZERO),
            adjudicated_n=Count("id", filter=Q(adjudicated_on__isnull=False)),
            adjudicated_charged=Coalesce(
                Sum("total_charge", filter=Q(adjudicated_on__isnull=False)), ZERO
            ),
            sent_n=Count("id", filter=SENT),
            clean_n=Count("id", filter=SENT & ~rejected & Q(denial__isnull=True)),
            denied_n=Count("id", filter=Q(denial__isnull=False)),
        )
    )


def period_adjustments(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """The period's claims' adjustments per payer and `keys` (as `claim__<key>`): contractual
    (CO) and the rest."""
    return (
        ClaimAdjustment.objects.filter(claim__in=_money_claims(filters))
        .order_by()
        .values(*_on_claim(keys, "claim__"), "claim__payer_id")
        .annotate(
            contractual=Coalesce(Sum("amount", filter=Q(group="CO")), ZERO),
            other=Coalesce(Sum("amount", filter=~Q(group="CO")), ZERO),
        )
    )


def _open_claims(filters: ReportFilters) -> Any:
    """Open primary claims whatever their date (the insurance A/R today), with the day their
    age counts from: sent, else the day of service."""
    from cleannote.apps.remittance.denial_selectors import OPEN_STATUSES

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
    return open_claims.order_by()


def receivables(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """Open claims' charges less what was paid, per payer, `keys` and `aged_from`."""
    owed = _open_claims(filters).annotate(
        aged_from=Coalesce("first_sent_on", "date_of_service"),
        owed=F("total_charge") - Coalesce("paid_amount", ZERO),
    )
    return owed.values(*keys, "aged_from", "payer_id").annotate(
        name=Max("payer_name"), balance=Coalesce(Sum("owed"), ZERO)
    )


def receivable_adjustments(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """What was adjusted on open claims, except on a claim whose denial is being worked (the
    A/R aging's rule, ADR 0732), per payer, `keys` (as `claim__<key>`) and `aged_from`."""
    disputed = Q(status__in=("denied", "appealed"))
    return (
        ClaimAdjustment.objects.filter(claim__in=_open_claims(filters).exclude(disputed))
        .order_by()
        .annotate(aged_from=Coalesce("claim__first_sent_on", "claim__date_of_service"))
        .values(*_on_claim(keys, "claim__"), "aged_from", "claim__payer_id")
        .annotate(adjusted=Sum("amount"))
    )


def denial_counts(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """Denied claims' adjustments per payer, group, reason and `keys` (as `claim__<key>`),
    the patient's share (PR) left out: how many claims and how much."""
    claims = _money_claims(filters).filter(denial__isnull=False)
    return (
        ClaimAdjustment.objects.filter(claim__in=claims)
        .exclude(group="PR")
        .order_by()
        .values(*_on_claim(keys, "claim__"), "claim__payer_id", "claim__payer_name", "group",
                "reason")
        .annotate(claim_count=Count("claim_id", distinct=True), total=Sum("amount"))
    )  # fmt: skip


def code_postings(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """What payers paid on posted lines per payer, code and `keys` (as
    `claim_line__claim__<key>`), and for how many units."""
    from cleannote.apps.remittance.models import LinePosting

    postings = LinePosting.objects.filter(claim_line__claim__in=_money_claims(filters)).order_by()
    return postings.values(
        *_on_claim(keys, "claim_line__claim__"),
        "claim_line__claim__payer_id",
        "claim_line__claim__payer_name",
        "claim_line__code",
    ).annotate(paid=Sum("paid"), posted_units=Sum("units"))


def _money_rows(filters: ReportFilters, rows: Any) -> Any:
    """Financial summary rows of the filters: one clinician's, else the rows of every
    clinician at once (no clinician, ADR 0856)."""
    return rows if filters.clinician_id else rows.filter(clinician__isnull=True)


def _money_row(rows: dict[str, PayerMoney], payer_id: str, name: str) -> PayerMoney:
    if payer_id not in rows:
        rows[payer_id] = PayerMoney(payer_id=payer_id, payer_name=name)
    row = rows[payer_id]
    row.payer_name = max(row.payer_name, name)
    return row


def _add_period(rows: dict[str, PayerMoney], r: dict[str, Any]) -> None:
    row = _money_row(rows, r["payer_id"], r["name"])
    row.claims += r["n"]
    row.charges += r["charged"]
    row.payments += r["paid"]
    row.adjudicated += r["adjudicated_n"]
    row.adjudicated_charges += r["adjudicated_charged"]
    row.adjudicated_payments += r["paid"]
    row.sent += r["sent_n"]
    row.sent_clean += r["clean_n"]
    row.denied += r["denied_n"]
    row.contractual += r["contractual"]
    row.adjudicated_contractual += r["contractual"]
    row.other_adjustments += r["other"]


def _period_money(filters: ReportFilters) -> dict[str, PayerMoney]:
    """Per payer, the period's counts: closed days from the daily summaries (ADR 0856), the
    days after them counted live."""
    from cleannote.apps.reports.models import FinancialDay

    rows: dict[str, PayerMoney] = {}
    run = summary_run(filters)
    if run is not None:
        for r in (
            _money_rows(filters, summary_rows(filters, FinancialDay, run.through))
            .values("payer_id")
            .annotate(
                name=Max("payer_name"), n=Sum("claims"), charged=Sum("charges"),
                paid=Sum("payments"), adjudicated_n=Sum("adjudicated"),
                adjudicated_charged=Sum("adjudicated_charges"), sent_n=Sum("sent"),
                clean_n=Sum("sent_clean"), denied_n=Sum("denied"),
                contractual=Sum("contractual"), other=Sum("other_adjustments"),
            )
        ):  # fmt: skip
            _add_period(rows, r)
    live = live_part(filters, run.through if run is not None else None)
    if live is not None:
        adjusted = {r["claim__payer_id"]: r for r in period_adjustments(live, ())}
        for r in period_counts(live, ()):
            money = adjusted.get(r["payer_id"], {"contractual": 0, "other": 0})
            _add_period(rows, {**r, "contractual": money["contractual"], "other": money["other"]})
    return rows


def _add_receivables(filters: ReportFilters, rows: dict[str, PayerMoney]) -> None:
    """The insurance A/R per payer: from the summaries' snapshot when the organisation has
    one (as of its run, ADR 0856), else counted now. Over 90 days: its age counts from 90 days
    before the page's today or earlier."""
    from cleannote.apps.reports.models import ReceivableDay, ReportSummaryRun

    old = filters.today - dt.timedelta(days=reporting.AR_OVER_DAYS)
    # payer -> [name, balance, over 90]
    owed: dict[str, list[Any]] = {}

    def add(payer_id: str, name: str, aged_from: dt.date, amount: Decimal) -> None:
        target = owed.setdefault(payer_id, [name, Decimal(0), Decimal(0)])
        target[0] = max(target[0], name)
        target[1] += amount
        if aged_from <= old:
            target[2] += amount

    if ReportSummaryRun.objects.filter(organisation=filters.organisation).exists():
        snapshot = _money_rows(
            filters,
            narrowed(filters, ReceivableDay.objects.filter(organisation=filters.organisation)),
        )
        # Split by age in the query: two rows a payer at most, whatever the days.
        aged = Case(When(day__lte=old, then=Value(True)), default=Value(False))
        for r in (
            snapshot.annotate(aged=aged)
            .values("payer_id", "aged")
            .annotate(name=Max("payer_name"), balance=Sum(F("owed") - F("adjusted")))
        ):
            add(r["payer_id"], r["name"], old if r["aged"] else filters.today, r["balance"])
    else:
        for r in receivables(filters, ()):
            add(r["payer_id"], r["name"], r["aged_from"], r["balance"])
        for r in receivable_adjustments(filters, ()):
            add(r["claim__payer_id"], "", r["aged_from"], -r["adjusted"])
    for payer_id, (name, balance, over) in owed.items():
        row = rows.setdefault(payer_id, PayerMoney(payer_id=payer_id, payer_name=name))
        row.ar_balance, row.ar_over_90 = balance, over


def financial(filters: ReportFilters) -> list[PayerMoney]:
    """Per payer, for primary claims with a date of service in the period: what was charged,
    paid and adjusted, the net collection rate, first-pass acceptance and denials; and the
    payer's insurance A/R today (every open claim, whatever its date)."""
    rows = _period_money(filters)
    _add_receivables(filters, rows)
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
    (PR) left out: how many claims and how much; closed days from the daily summaries."""
    from cleannote.apps.reports.models import DenialReasonDay

    totals: dict[tuple[str, str, str], list[Any]] = {}

    def add(key: tuple[str, str, str], claims: int, amount: Decimal) -> None:
        target = totals.setdefault(key, [0, Decimal(0)])
        target[0] += claims
        target[1] += amount

    run = summary_run(filters)
    if run is not None:
        for r in (
            _money_rows(filters, summary_rows(filters, DenialReasonDay, run.through))
            .values("payer_name", "group", "reason")
            .annotate(n=Sum("claims"), total=Sum("amount"))
        ):
            add((r["payer_name"], r["group"], r["reason"]), r["n"], r["total"])
    live = live_part(filters, run.through if run is not None else None)
    if live is not None:
        for r in denial_counts(live, ()):
            add((r["claim__payer_name"], r["group"], r["reason"]), r["claim_count"], r["total"])
    rows = [
        {"claim__payer_name": payer, "group": group, "reason": reason, "claim_count": n,
         "total": reporting.cents(total)}
        for (payer, group, reason), (n, total) in totals.items()
    ]  # fmt: skip
    return sorted(
        rows, key=lambda r: (r["claim__payer_name"], -r["claim_count"], r["group"], r["reason"])
    )


def _paid_by_code(filters: ReportFilters) -> dict[tuple[str, str, str], list[Decimal]]:
    """(payer id, payer name, code) -> [paid, units]: closed days from the daily summaries."""
    from cleannote.apps.reports.models import PaidCodeDay

    totals: dict[tuple[str, str, str], list[Decimal]] = {}

    def add(key: tuple[str, str, str], paid: Decimal, units: Decimal) -> None:
        target = totals.setdefault(key, [Decimal(0), Decimal(0)])
        target[0] += paid
        target[1] += units

    run = summary_run(filters)
    if run is not None:
        for r in (
            _money_rows(filters, summary_rows(filters, PaidCodeDay, run.through))
            .values("payer_id", "payer_name", "code")
            .annotate(paid=Sum("paid"), posted_units=Sum("units"))
        ):
            add((r["payer_id"], r["payer_name"], r["code"]), r["paid"], r["posted_units"])
    live = live_part(filters, run.through if run is not None else None)
    if live is not None:
        for r in code_postings(live, ()):
            key = (
                r["claim_line__claim__payer_id"],
                r["claim_line__claim__payer_name"],
                r["claim_line__code"],
            )
            add(key, r["paid"], r["posted_units"])
    return totals


def reimbursement_by_code(filters: ReportFilters) -> list[dict[str, Any]]:
    """Per payer and code, what the payer paid per unit on posted lines, beside the payer's
    contracted rate and the clinic's charge in force at the end of the period (the fee
    schedules the clinic loaded, ADR 0720)."""
    from cleannote.apps.claims.fees import contracted_rates, fee_schedule_for

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
    for (payer_id, payer_name, code), (paid, units) in _paid_by_code(filters).items():
        if payer_id not in schedules:
            schedule = fee_schedule_for(location, payer_id, filters.end) if location else None
            schedules[payer_id] = contracted_rates(schedule) if schedule is not None else {}
        result.append(
            {
                "payer": payer_name,
                "code": code,
                "units": units.normalize(),
                "paid": reporting.cents(paid),
                "paid_per_unit": reporting.money_ratio(paid, units),
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
