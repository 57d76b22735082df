"""Where a visit's money stands: what insurance is still asked for and what the patient owes,
per claim (ADR 0750).

A claim's insurance balance is its charge less what the payer paid and adjusted (the
patient's share moved to the patient ledger), plus the movements no payer answer records
(`InsuranceLedgerEntry`: transfers, write-offs, refunds to the payer). Its patient balance is
the sum of the patient ledger entries naming it or a claim that follows it (a secondary or a
crossover). Charges are the claims that bill a visit: not voided, not a void, not a
follower (a secondary claim bills the same services again) and not replaced by a corrected
claim.

A denied claim's payer adjustments are disputed, not settled (as on the A/R aging, ADR 0732):
while the claim is denied or appealed, or its denial is being worked or was written off, they
do not lower the insurance balance; a denial written off does, as a write-off row."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from cleannote.apps.claims.models import Claim, ClaimStatus, Origin
from cleannote.apps.claims.selectors import settlement_of, to_cents
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.denial_models import Denial, DenialState
from cleannote.apps.remittance.models import InsuranceLedgerEntry, PatientLedgerEntry

FOLLOWERS = (Origin.SECONDARY, Origin.CROSSOVER)


def charge_claims(patient: Patient) -> QuerySet[Claim]:
    """The claims that bill the patient's visits, oldest service first."""
    return (
        Claim.objects.filter(organisation_id=patient.organisation_id, patient=patient)
        .exclude(origin__in=(*FOLLOWERS, Origin.VOID))
        .exclude(voided=True)
        .exclude(follow_ups__origin=Origin.CORRECTED)
        .order_by("date_of_service", "id")
    )


DISPUTED_STATUSES = (ClaimStatus.DENIED, ClaimStatus.APPEALED)
DISPUTED_DENIALS = (
    DenialState.OPEN,
    DenialState.APPEALED,
    DenialState.RESUBMITTED,
    DenialState.WRITTEN_OFF,
)


def disputed(claim: Claim) -> bool:
    """Whether the payer's adjustments of the claim are in dispute rather than settled."""
    return (
        claim.status in DISPUTED_STATUSES
        or Denial.objects.filter(claim=claim, state__in=DISPUTED_DENIALS).exists()
    )


def insurance_balance(claim: Claim) -> Decimal:
    """What the claim's payers are still asked for (negative: they paid more than billed)."""
    settlement = settlement_of(claim)
    adjusted = Decimal("0") if disputed(claim) else settlement.written_off
    moved = to_cents(
        InsuranceLedgerEntry.objects.filter(claim=claim).aggregate(total=Sum("amount"))["total"]
    )
    return settlement.charge - settlement.paid - adjusted - settlement.patient_share + moved


def patient_balance_of_claim(claim: Claim) -> Decimal:
    """What the patient owes for the claim's visit (its followers' entries included)."""
    return to_cents(
        PatientLedgerEntry.objects.filter(
            Q(claim=claim) | Q(claim__primary_claim=claim, claim__origin__in=FOLLOWERS)
        ).aggregate(total=Sum("amount"))["total"]
    )


def patient_total(patient: Patient) -> Decimal:
    """The patient's whole balance (negative: a credit the clinic holds)."""
    return to_cents(
        PatientLedgerEntry.objects.filter(
            organisation_id=patient.organisation_id, patient=patient
        ).aggregate(total=Sum("amount"))["total"]
    )


def refunded_to_payer(claim: Claim) -> Decimal:
    return to_cents(
        InsuranceLedgerEntry.objects.filter(claim=claim, kind="refund").aggregate(
            total=Sum("amount")
        )["total"]
    )
