"""The only writer of refunds, transfers and write-offs of a balance (ADR 0750).

Each action locks the patient's row first, so two billers never move the same balance at
once, checks the move against the balance it comes from (a refund only from a credit, a
transfer or write-off never more than the side holds), then writes its ledger row(s) and one
audit row in one transaction. A refusal (`RemittanceError`, naming the field) writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.models import Claim, ClaimLine
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.balances import (
    insurance_balance,
    patient_balance_of_claim,
    patient_total,
    refunded_to_payer,
)
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.models import (
    BalanceWriteOffReason,
    InsuranceKind,
    InsuranceLedgerEntry,
    LedgerKind,
    PatientLedgerEntry,
    RefundMethod,
)

CENT = Decimal("0.01")
PATIENT = "patient"
INSURANCE = "insurance"
SIDES = (PATIENT, INSURANCE)


def _biller(actor: Actor, field: str = "actor") -> User:
    """The acting user, who must be a biller or owner of the organisation acted on."""
    if actor.user is None:
        raise RemittanceError(field, "a biller or owner of the clinic moves balances")
    staff = Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
    if staff is None or not has_capability(staff.role, Capability.POST_PAYMENTS):
        raise RemittanceError(field, "only billers and owners move balances")
    return actor.user


def _approver(actor: Actor, approved_by: User | None) -> User:
    if approved_by is None:
        raise RemittanceError("approved_by", "name the biller or owner who approved it")
    staff = Staff.objects.filter(user=approved_by, organisation=actor.organisation).first()
    if (
        staff is None
        or not approved_by.is_active
        or not has_capability(staff.role, Capability.POST_PAYMENTS)
    ):
        raise RemittanceError("approved_by", "must be an active biller or owner of the clinic")
    return approved_by


def money(value: Decimal | str | None, field: str = "amount") -> Decimal:
    """A positive amount to the cent, or a refusal naming the field."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").removeprefix("$"))
    except (InvalidOperation, ValueError):
        raise RemittanceError(field, "enter an amount such as 25.00") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise RemittanceError(field, "enter an amount to the cent, such as 25.00")
    if amount <= 0:
        raise RemittanceError(field, "must be more than 0.00")
    if amount >= Decimal("100000000"):
        raise RemittanceError(field, "is too large")
    return amount


def _lock(actor: Actor, patient: Patient) -> Patient:
    locked = (
        Patient.objects.select_for_update()
        .filter(pk=patient.pk, organisation=actor.organisation)
        .first()
    )
    if locked is None:
        raise RemittanceError("patient", "belongs to another organisation")
    return locked


def _claim(actor: Actor, claim: Claim, line: ClaimLine | None) -> Claim:
    """The claim as stored now, read after its patient's lock: a caller's copy may predate a
    posting, and a balance must never be worked out from stale paid amounts."""
    if claim.organisation_id != actor.organisation.pk:
        raise RemittanceError("claim", "belongs to another organisation")
    if line is not None and line.claim_id != claim.pk:
        raise RemittanceError("claim_line", f"is not a line of claim {claim.pk}")
    _lock(actor, claim.patient)
    return Claim.objects.get(pk=claim.pk)


def _audit(actor: Actor, kind: str, pk: int, patient_id: int, note: str) -> None:
    do_record_audit_event(
        actor, AuditAction.CREATE, kind, pk, patient_id=patient_id, reason=note[:200] or kind
    )


@transaction.atomic
def do_refund_patient(
    actor: Actor,
    patient: Patient,
    *,
    amount: Decimal | str,
    method: str,
    reference: str = "",
    note: str = "",
    claim: Claim | None = None,
    at: dt.datetime | None = None,
) -> PatientLedgerEntry:
    """Give back money the patient paid beyond what they owe: only from a credit balance."""
    user = _biller(actor)
    value = money(amount)
    if method not in RefundMethod.values or method == RefundMethod.OFFSET:
        raise RemittanceError("method", "choose how the refund goes back (check, card, cash, EFT)")
    if method in (RefundMethod.CHECK, RefundMethod.CARD, RefundMethod.EFT) and not reference:
        raise RemittanceError("reference", "enter the check number, card or EFT reference")
    _lock(actor, patient)
    if claim is not None:
        claim = _claim(actor, claim, None)
    credit = -patient_total(patient)
    if credit <= 0:
        raise RemittanceError("amount", "the patient has no credit balance to refund")
    if value > credit:
        raise RemittanceError("amount", f"{value} is more than the credit of {credit}")
    entry = PatientLedgerEntry.objects.create(
        organisation=actor.organisation,
        patient=patient,
        claim=claim,
        kind=LedgerKind.REFUND,
        amount=value,
        method=method,
        reference=reference[:64],
        reason=(note or f"Refund by {RefundMethod(method).label.lower()}")[:300],
        recorded_by=user,
        posted_at=at or timezone.now(),
    )
    _audit(actor, "ledger_refund", entry.pk, patient.pk, note)
    return entry


@transaction.atomic
def do_refund_payer(
    actor: Actor,
    claim: Claim,
    *,
    amount: Decimal | str,
    method: str,
    reference: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> InsuranceLedgerEntry:
    """Money a payer takes back (a recoupment, an offset) or the clinic returns (an
    overpayment): the claim is owed that much again by its payer. Never more than was paid."""
    user = _biller(actor)
    value = money(amount)
    if method not in RefundMethod.values:
        raise RemittanceError("method", "choose how the money went back to the payer")
    claim = _claim(actor, claim, None)
    paid = (claim.paid_amount or Decimal("0")) - refunded_to_payer(claim)
    if value > paid:
        raise RemittanceError("amount", f"{value} is more than the {paid} the payer paid")
    entry = InsuranceLedgerEntry.objects.create(
        organisation=actor.organisation,
        patient_id=claim.patient_id,
        claim=claim,
        kind=InsuranceKind.REFUND,
        amount=value,
        method=method,
        reference=reference[:64],
        reason=(note or f"Refund to {claim.payer_name}")[:300],
        recorded_by=user,
        posted_at=at or timezone.now(),
    )
    _audit(actor, "insurance_refund", entry.pk, claim.patient_id, note)
    return entry


@transaction.atomic
def do_transfer_balance(
    actor: Actor,
    claim: Claim,
    *,
    amount: Decimal | str,
    to: str,
    note: str,
    claim_line: ClaimLine | None = None,
    at: dt.datetime | None = None,
) -> InsuranceLedgerEntry:
    """Move part of a claim's balance from its payer to the patient (`to="patient"`: the payer
    will not pay it) or back (`to="insurance"`: the claim is being reprocessed). Two rows of
    opposite sign, so the visit's total balance does not change."""
    user = _biller(actor)
    value = money(amount)
    if to not in SIDES:
        raise RemittanceError("to", "choose patient or insurance")
    if not note.strip():
        raise RemittanceError("note", "say why the balance moves")
    claim = _claim(actor, claim, claim_line)
    if to == PATIENT:
        held = insurance_balance(claim)
        if value > held:
            raise RemittanceError("amount", f"{value} is more than the insurance balance {held}")
    else:
        held = patient_balance_of_claim(claim)
        if value > held:
            raise RemittanceError("amount", f"{value} is more than the patient balance {held}")
    sign = 1 if to == PATIENT else -1
    when = at or timezone.now()
    side = "patient" if to == PATIENT else claim.payer_name
    patient_entry = PatientLedgerEntry.objects.create(
        organisation=actor.organisation,
        patient_id=claim.patient_id,
        claim=claim,
        claim_line=claim_line,
        kind=LedgerKind.TRANSFER,
        amount=sign * value,
        reason=f"To {side}: {note}"[:300],
        recorded_by=user,
        posted_at=when,
    )
    entry = InsuranceLedgerEntry.objects.create(
        organisation=actor.organisation,
        patient_id=claim.patient_id,
        claim=claim,
        claim_line=claim_line,
        kind=InsuranceKind.TRANSFER,
        amount=-sign * value,
        reason=f"To {side}: {note}"[:300],
        patient_entry=patient_entry,
        recorded_by=user,
        posted_at=when,
    )
    _audit(actor, "balance_transfer", entry.pk, claim.patient_id, note)
    return entry


def write_off(
    actor: Actor,
    *,
    patient: Patient,
    claim: Claim | None,
    side: str,
    amount: Decimal,
    reason: str,
    approved_by: User,
    note: str,
    claim_line: ClaimLine | None = None,
    at: dt.datetime | None = None,
) -> PatientLedgerEntry | InsuranceLedgerEntry:
    """The write-off itself, for `do_write_off_balance` and the denial worklist's write-off;
    the caller holds the transaction and the patient's lock and has checked `amount`."""
    when = at or timezone.now()
    text = f"{BalanceWriteOffReason(reason).label}: {note}" if note else ""
    common = {
        "organisation": actor.organisation,
        "patient_id": patient.pk,
        "claim_line": claim_line,
        "amount": -amount,
        "write_off_reason": reason,
        "approved_by": approved_by,
        "recorded_by": actor.user,
        "posted_at": when,
        "reason": (text or BalanceWriteOffReason(reason).label)[:300],
    }
    if side == PATIENT:
        return PatientLedgerEntry.objects.create(claim=claim, kind=LedgerKind.WRITE_OFF, **common)
    assert claim is not None
    return InsuranceLedgerEntry.objects.create(claim=claim, kind=InsuranceKind.WRITE_OFF, **common)


@transaction.atomic
def do_write_off_balance(
    actor: Actor,
    patient: Patient,
    *,
    side: str,
    amount: Decimal | str,
    reason: str,
    approved_by: User | None,
    note: str = "",
    claim: Claim | None = None,
    claim_line: ClaimLine | None = None,
    at: dt.datetime | None = None,
) -> PatientLedgerEntry | InsuranceLedgerEntry:
    """Stop asking for a balance: the patient's (small balance, hardship) or the payer's
    (timely filing, contractual), with the reason and who approved it."""
    _biller(actor)
    value = money(amount)
    if reason not in BalanceWriteOffReason.values:
        raise RemittanceError("reason", "choose the reason for the write-off")
    if side not in SIDES:
        raise RemittanceError("side", "choose the patient's or the insurance balance")
    approver = _approver(actor, approved_by)
    _lock(actor, patient)
    if claim is not None:
        claim = _claim(actor, claim, claim_line)
        if claim.patient_id != patient.pk:
            raise RemittanceError("claim", "is another patient's")
    if side == INSURANCE:
        if claim is None:
            raise RemittanceError("claim", "an insurance balance is written off per claim")
        held = insurance_balance(claim)
    else:
        held = patient_balance_of_claim(claim) if claim is not None else patient_total(patient)
    if value > held:
        raise RemittanceError("amount", f"{value} is more than the {side} balance {held}")
    entry = write_off(
        actor,
        patient=patient,
        claim=claim,
        side=side,
        amount=value,
        reason=reason,
        approved_by=approver,
        note=note,
        claim_line=claim_line,
        at=at,
    )
    _audit(actor, f"{side}_write_off", entry.pk, patient.pk, note or reason)
    return entry
