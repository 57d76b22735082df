"""A patient's whole account for the ledger page (ADR 0650, 0750): every movement of money on
the patient's visits in date order, each on the insurance side or the patient side, with the
running balance of both; the balance split insurance vs patient; and both balances by age
(0-30, 31-60, 61-90, 90+ days from the date of service).

The patient side is `PatientLedgerEntry`, row for row. The insurance side is each charge claim
(`remittance.balances.charge_claims`): its charge, each posting's payment (835 or paper
check), the payer's adjustments, the share moved to the patient, and the
`InsuranceLedgerEntry` movements, so its sum is `remittance.balances.insurance_balance`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.claims.models import Claim, ClaimAdjustment
from cleannote.apps.claims.selectors import to_cents
from cleannote.apps.claims.status import PATIENT_GROUP
from cleannote.apps.ledger.models import PatientPayment
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.balances import charge_claims, disputed
from cleannote.apps.remittance.models import (
    ClaimPosting,
    InsuranceLedgerEntry,
    PatientLedgerEntry,
)

AGE_BUCKETS = ("0-30", "31-60", "61-90", "90+")
_ZERO = Decimal("0.00")


def age_bucket(days: int) -> str:
    if days <= 30:
        return AGE_BUCKETS[0]
    if days <= 60:
        return AGE_BUCKETS[1]
    if days <= 90:
        return AGE_BUCKETS[2]
    return AGE_BUCKETS[3]


@dataclass
class AccountLine:
    """One movement: `insurance` and `patient` are what it did to each side's balance."""

    on: dt.date
    what: str
    detail: str = ""
    claim: Claim | None = None
    insurance: Decimal = _ZERO
    patient: Decimal = _ZERO
    link: str = ""  # the claim, posting, receipt or check it came from
    link_text: str = ""
    order: int = 0
    insurance_balance: Decimal = _ZERO
    patient_balance: Decimal = _ZERO

    @property
    def balance(self) -> Decimal:
        return self.insurance_balance + self.patient_balance


@dataclass
class ClaimBalance:
    claim: Claim
    insurance: Decimal
    patient: Decimal
    bucket: str


@dataclass
class Account:
    lines: list[AccountLine]
    claims: list[ClaimBalance]
    insurance: Decimal
    patient: Decimal
    unapplied: Decimal  # patient entries naming no claim (a copay, a payment on account)
    by_age: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.insurance + self.patient


def _claim_lines(claim: Claim, postings: list[ClaimPosting]) -> list[AccountLine]:
    lines = [
        AccountLine(
            claim.date_of_service, "Charge", f"{claim.lines.count()} lines to {claim.payer_name}",
            claim, insurance=claim.total_charge, order=0,
        )
    ]  # fmt: skip
    posted = _ZERO
    for posting in postings:
        era = posting.era_file
        source = f"check {era.trace_number}" if era.entered_manually else era.file_name
        lines.append(
            AccountLine(
                posting.posted_on, "Insurance payment", f"{era.payer_name} · {source}", claim,
                insurance=-posting.paid, order=1,
                link=reverse("remittance:file", args=[era.pk]),
                link_text=era.trace_number or era.file_name,
            )
        )  # fmt: skip
        posted += posting.paid
    rest = (claim.paid_amount or _ZERO) - posted
    if rest:
        lines.append(
            AccountLine(
                claim.adjudicated_on or claim.date_of_service, "Insurance payment",
                f"{claim.payer_name} · recorded on the claim", claim, insurance=-rest, order=1,
            )
        )  # fmt: skip
    groups: dict[str, list[ClaimAdjustment]] = defaultdict(list)
    for adjustment in claim.adjustments.all():
        groups["PR" if adjustment.group == PATIENT_GROUP else "other"].append(adjustment)
    on = claim.adjudicated_on or claim.date_of_service
    codes = ", ".join(f"{a.group}-{a.reason} {a.amount}" for a in groups["other"])
    other = to_cents(sum((a.amount for a in groups["other"]), _ZERO))
    if other and disputed(claim):
        lines.append(
            AccountLine(on, "Denied", f"{codes} (in dispute: still asked for)", claim, order=2)
        )
    elif other:
        lines.append(AccountLine(on, "Adjustment", codes, claim, insurance=-other, order=2))
    share = to_cents(sum((a.amount for a in groups["PR"]), _ZERO))
    if share:
        codes = ", ".join(f"PR-{a.reason} {a.amount}" for a in groups["PR"])
        lines.append(
            AccountLine(
                on, "Patient responsibility", f"{codes} moved off insurance", claim,
                insurance=-share, order=3,
            )
        )  # fmt: skip
    return lines


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def account_of(patient: Patient, today: dt.date) -> Account:
    """The patient's account as of `today`, in a fixed number of queries."""
    claims = list(
        charge_claims(patient).prefetch_related(
            "adjustments", "lines",
            Prefetch("postings", ClaimPosting.objects.select_related("era_file")),
        )
    )  # fmt: skip
    lines: list[AccountLine] = []
    for claim in claims:
        lines.extend(_claim_lines(claim, list(claim.postings.all())))
    claim_of = {c.pk: c for c in claims}
    for movement in InsuranceLedgerEntry.objects.filter(
        organisation_id=patient.organisation_id, patient=patient
    ).select_related("claim", "approved_by"):
        lines.append(
            AccountLine(
                _local(movement.posted_at), movement.get_kind_display(), _detail(movement),
                movement.claim, insurance=movement.amount, order=4,
            )
        )  # fmt: skip
    entries = list(
        PatientLedgerEntry.objects.filter(organisation_id=patient.organisation_id, patient=patient)
        .select_related("claim", "approved_by")
        .order_by("posted_at", "id")
    )
    receipts = {
        p.ledger_entry_id: p for p in PatientPayment.objects.filter(ledger_entry__in=entries)
    }
    for entry in entries:
        receipt = receipts.get(entry.pk)
        lines.append(
            AccountLine(
                _local(entry.posted_at), entry.get_kind_display(), _detail(entry), entry.claim,
                patient=entry.amount, order=5,
                link=reverse("ledger:receipt", args=[receipt.pk]) if receipt else "",
                link_text=receipt.receipt_number if receipt else "",
            )
        )  # fmt: skip
    lines.sort(key=lambda line: (line.on, line.order))
    insurance = patient_side = _ZERO
    for line in lines:
        insurance += line.insurance
        patient_side += line.patient
        line.insurance_balance, line.patient_balance = insurance, patient_side
    return _summed(lines, claims, claim_of, entries, today)


def _detail(entry: PatientLedgerEntry | InsuranceLedgerEntry) -> str:
    parts = [entry.reason]
    if entry.reference:
        parts.append(f"ref. {entry.reference}")
    if entry.approved_by is not None:
        parts.append(f"approved by {entry.approved_by.get_full_name() or entry.approved_by}")
    return " · ".join(p for p in parts if p)


def _visit(claim: Claim | None, claim_of: dict[int, Claim]) -> int | None:
    """The charge claim a movement belongs to: its own claim, or the primary a secondary or
    crossover follows; None for a movement on no visit (a copay) or a claim no longer billed."""
    if claim is None:
        return None
    if claim.pk in claim_of:
        return claim.pk
    if claim.primary_claim_id in claim_of:
        return claim.primary_claim_id
    return None


def _summed(
    lines: list[AccountLine],
    claims: list[Claim],
    claim_of: dict[int, Claim],
    entries: list[PatientLedgerEntry],
    today: dt.date,
) -> Account:
    by_claim_ins: dict[int, Decimal] = defaultdict(lambda: _ZERO)
    by_claim_pat: dict[int, Decimal] = defaultdict(lambda: _ZERO)
    for line in lines:
        visit = _visit(line.claim, claim_of)
        if visit is not None:
            by_claim_ins[visit] += line.insurance
            by_claim_pat[visit] += line.patient
    by_age = {side: dict.fromkeys(AGE_BUCKETS, _ZERO) for side in ("insurance", "patient")}
    balances = []
    for claim in claims:
        bucket = age_bucket((today - claim.date_of_service).days)
        row = ClaimBalance(claim, by_claim_ins[claim.pk], by_claim_pat[claim.pk], bucket)
        balances.append(row)
        by_age["insurance"][bucket] += row.insurance
        by_age["patient"][bucket] += row.patient
    unapplied = _ZERO
    for entry in entries:
        if _visit(entry.claim, claim_of) is None:
            unapplied += entry.amount
            by_age["patient"][age_bucket((today - _local(entry.posted_at)).days)] += entry.amount
    return Account(
        lines=lines,
        claims=balances,
        insurance=lines[-1].insurance_balance if lines else _ZERO,
        patient=lines[-1].patient_balance if lines else _ZERO,
        unapplied=unapplied,
        by_age=by_age,
    )
