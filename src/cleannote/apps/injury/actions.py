"""The only writer of lien ledgers and settlements; each action one transaction, the case row
locked first, with its audit row (ADR 0771).

Charges come from the case's claims, priced at the clinic's full fee: the location's general
fee schedule (the charge master) in force on the date of service, per unit, whatever a
payer's contract would allow. A settlement takes the agreed reduction and the payment and
writes off the rest, so the balance ends at zero; after it the ledger takes nothing more.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.fees import fee_schedule_for
from cleannote.apps.claims.models import Claim, ClaimLine, Frequency
from cleannote.apps.injury.errors import InjuryRefused
from cleannote.apps.injury.models import LienEntry, LienKind, Settlement
from cleannote.apps.injury.selectors import ZERO, lien_balance
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Case
from cleannote.apps.remittance.models import ClaimPosting, EraFile

CENT = Decimal("0.01")
# What a person may post by hand: charges come from claims, write-offs from a settlement.
BY_HAND = (LienKind.PAYMENT, LienKind.REDUCTION)


def _person(actor: Actor) -> User:
    staff = (
        Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
        if actor.user is not None
        else None
    )
    if staff is None or actor.user is None:
        raise InjuryRefused("actor", "a staff member of this organisation keeps lien ledgers")
    if not has_capability(staff.role, Capability.POST_PAYMENTS):
        raise InjuryRefused("actor", f"the {staff.get_role_display().lower()} role does not")
    return actor.user


def _locked(actor: Actor, case: Case) -> Case:
    row = (
        Case.objects.select_for_update()
        .filter(pk=case.pk, patient__organisation=actor.organisation)
        .first()
    )
    if row is None:
        raise InjuryRefused("case", f"case {case.pk} is not in this organisation")
    if Settlement.objects.filter(case=row).exists():
        raise InjuryRefused("case", "the case has settled; its lien ledger is closed")
    return row


def money(value: Decimal | str | None, field: str, *, zero_ok: bool = False) -> Decimal:
    """`value` as an amount to the cent, refused when it is not one or not positive."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError):
        raise InjuryRefused(field, "give an amount in dollars and cents, like 1250.00") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise InjuryRefused(field, "give an amount in dollars and cents, like 1250.00")
    if amount < 0 or (amount == 0 and not zero_ok):
        raise InjuryRefused(field, "must be more than $0.00")
    return amount.quantize(CENT)


def _entry(
    actor: Actor, user: User | None, case: Case, kind: LienKind, amount: Decimal, on: dt.date,
    memo: str, *, claim: Claim | None = None, settlement: Settlement | None = None,
    posting: ClaimPosting | None = None,
) -> LienEntry:  # fmt: skip
    entry = LienEntry.objects.create(
        organisation=actor.organisation,
        case=case,
        kind=kind,
        entry_date=on,
        amount=amount,
        memo=" ".join(memo.split())[:200],
        claim=claim,
        settlement=settlement,
        claim_posting=posting,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, f"lien_entry.{kind}", entry.pk, patient_id=case.patient_id
    )
    return entry


def case_claims(case: Case) -> list[Claim]:
    """The case's claims that bill a visit (originals to the first payer, not voided), oldest
    first: the visits a lien charges and a packet bills."""
    return list(
        Claim.objects.filter(
            note__case=case,
            frequency=Frequency.ORIGINAL,
            voided=False,
            primary_claim__isnull=True,
        )
        .select_related("location")
        .prefetch_related("lines")
        .order_by("date_of_service", "id")
    )


def full_fee_lines(claim: Claim) -> list[tuple[ClaimLine, Decimal]]:
    """Each line of the claim at the location's charge master on the date of service (the fee
    per unit times the units); a code the charge master lacks keeps the claim's own charge."""
    schedule = fee_schedule_for(claim.location, "", claim.date_of_service)
    fees: dict[str, Decimal] = (
        dict(schedule.entries.filter(modifier="").values_list("code", "amount"))
        if schedule is not None
        else {}
    )
    priced = []
    for line in claim.lines.all():
        fee = fees.get(line.code)
        priced.append((line, (fee * line.units if fee is not None else line.charge).quantize(CENT)))
    return priced


def full_fee(claim: Claim) -> Decimal:
    """The claim at the clinic's full fee: the sum of `full_fee_lines`."""
    return sum((amount for _line, amount in full_fee_lines(claim)), ZERO)


@transaction.atomic
def do_post_lien_charges(actor: Actor, case: Case) -> list[LienEntry]:
    """A charge for each of the case's claims not on the ledger yet, at the full fee; posting
    twice adds nothing (the constraint `lien_charge_once_per_claim` backs it)."""
    return _charge_claims(actor, _person(actor), _locked(actor, case))


def _charge_claims(actor: Actor, user: User | None, row: Case) -> list[LienEntry]:
    charged = set(
        LienEntry.objects.filter(case=row, kind=LienKind.CHARGE).values_list("claim_id", flat=True)
    )
    made = []
    for claim in case_claims(row):
        if claim.pk in charged:
            continue
        memo = f"Visit {claim.date_of_service:%Y-%m-%d}, claim {claim.patient_control_number}"
        fee, day = full_fee(claim), claim.date_of_service
        made.append(_entry(actor, user, row, LienKind.CHARGE, fee, day, memo, claim=claim))
    return made


def lien_cases() -> Q:
    """The cases kept on a lien ledger: a lien (letter of protection) on file, or a ledger
    already opened."""
    return Q(lien_on_file=True) | Q(Exists(LienEntry.objects.filter(case=OuterRef("pk"))))


def copy_carrier_payments(actor: Actor, era: EraFile) -> list[LienEntry]:
    """Each payment (or reversal) the file posted on a claim of a lien case, onto that case's
    lien ledger: once per posting, whoever posts it again (ADR 0761). The claim's visit charge
    is put on the ledger first if it is not there, so the payment has a charge to pay. A
    settled case's ledger is closed and takes nothing. Runs in the posting's transaction, as
    the remittance app's `after_posting` hook; one query when the file touches no lien case."""
    postings = list(
        ClaimPosting.objects.filter(
            era_file=era,
            claim__note__case__in=Case.objects.filter(lien_cases()),
            lien_entry__isnull=True,
        )
        .exclude(paid=0)
        .select_related("claim__note")
        .order_by("id")
    )
    if not postings:
        return []
    user = actor.user
    if (
        user is not None
        and not Staff.objects.filter(user=user, organisation=actor.organisation).exists()
    ):
        user = None
    made = []
    for posting in postings:
        claim = posting.claim
        row = Case.objects.select_for_update().get(pk=claim.note.case_id)
        if Settlement.objects.filter(case=row).exists():
            continue
        _charge_claims(actor, user, row)
        source = f"paper check {era.trace_number}" if era.entered_manually else f"835 {era.pk}"
        if posting.paid > 0:
            kind, memo = LienKind.PAYMENT, f"{claim.payer_name} paid"
        else:
            kind, memo = LienKind.REVERSAL, f"{claim.payer_name} reversed its payment"
        memo = f"{memo}, claim {claim.patient_control_number} ({source})"
        amount, day = abs(posting.paid), posting.posted_on
        made.append(_entry(actor, user, row, kind, amount, day, memo, claim=claim, posting=posting))
    return made


@transaction.atomic
def do_record_lien_entry(
    actor: Actor,
    case: Case,
    *,
    kind: str,
    amount: Decimal | str | None,
    on: dt.date,
    memo: str = "",
) -> LienEntry:
    """A payment received or a reduction agreed with the attorney; neither may take the
    balance below zero."""
    user = _person(actor)
    if kind not in BY_HAND:
        raise InjuryRefused("kind", "post a payment or a reduction (charges come from claims)")
    value = money(amount, "amount")
    row = _locked(actor, case)
    balance = lien_balance(row.pk)
    if value > balance:
        raise InjuryRefused("amount", f"${value:,.2f} is more than the balance of ${balance:,.2f}")
    return _entry(actor, user, row, LienKind(kind), value, on, memo)


@transaction.atomic
def do_record_settlement(
    actor: Actor,
    case: Case,
    *,
    settled_on: dt.date,
    settlement_amount: Decimal | str | None,
    reduction: Decimal | str | None,
    payment: Decimal | str | None,
    memo: str = "",
) -> Settlement:
    """The case settled: post the agreed reduction and the payment, write off the rest of the
    balance, and close the ledger. Refused when the reduction and payment exceed the balance."""
    user = _person(actor)
    gross = money(settlement_amount, "settlement_amount", zero_ok=True)
    cut = money(reduction, "reduction", zero_ok=True)
    paid = money(payment, "payment", zero_ok=True)
    row = _locked(actor, case)
    balance = lien_balance(row.pk)
    if balance <= 0:
        raise InjuryRefused("case", "the lien ledger has no balance to settle; post charges first")
    if cut + paid > balance:
        raise InjuryRefused(
            "payment",
            f"reduction ${cut:,.2f} and payment ${paid:,.2f} are more than the balance of "
            f"${balance:,.2f}",
        )
    rest = balance - cut - paid
    settlement = Settlement.objects.create(
        organisation=actor.organisation,
        case=row,
        settled_on=settled_on,
        settlement_amount=gross,
        balance_before=balance,
        reduction=cut,
        payment=paid,
        write_off=rest,
        memo=" ".join(memo.split())[:200],
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    for kind, amount, what in (
        (LienKind.REDUCTION, cut, "Reduction agreed at settlement"),
        (LienKind.PAYMENT, paid, "Paid from the settlement"),
        (LienKind.WRITE_OFF, rest, "Written off at settlement"),
    ):
        if amount > 0:
            _entry(actor, user, row, kind, amount, settled_on, what, settlement=settlement)
    do_record_audit_event(
        actor, AuditAction.CREATE, "settlement", settlement.pk, patient_id=row.patient_id
    )
    return settlement
