"""The demo's money in by hand (ADR 0750), all through the actions a biller uses: one paper
check from a payer posted with its EOB (two claims, coinsurance on each, one line not yet
paid), a patient who paid the coinsurance and was refunded a copay collected twice, a
transfer of the unpaid line from the payer to the patient (the plan excludes it; the patient
signed a waiver), and a hardship write-off of what that patient owes, approved by the owner.

The small demos the end-to-end tests load bill every signed note themselves and check the
balances they post, so this runs on the standard demo only (`MIN_PATIENTS`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    do_change_claim_status,
    do_create_claim_from_note,
    do_mark_ready,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.remittance.balance_actions import (
    do_refund_patient,
    do_transfer_balance,
    do_write_off_balance,
)
from cleannote.apps.remittance.balances import (
    insurance_balance,
    patient_balance_of_claim,
    patient_total,
)
from cleannote.apps.remittance.manual_posting import (
    EnteredCheck,
    EnteredClaim,
    EnteredLine,
    do_post_manual_check,
)
from cleannote.rules.visit import PayerKind

MIN_PATIENTS = 20
CENT = Decimal("0.01")
OVERPAID = Decimal("15.00")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _claims(actor: Actor, organisation: Organisation, today: dt.date) -> list[Claim]:
    """Two claims of two patients to one commercial payer, sent on paper two weeks ago or more."""
    notes = Note.objects.filter(
        patient__organisation=organisation,
        status=NoteStatus.SIGNED,
        claims__isnull=True,
        case__coverage__kind=PayerKind.COMMERCIAL,
        date_of_service__lt=today - dt.timedelta(days=14),
    ).order_by("-date_of_service", "id")[:40]
    by_payer: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        coverage = note.case.coverage
        if coverage is not None:
            by_payer[coverage.payer_name].append(note)
    for payer_notes in by_payer.values():
        claims: list[Claim] = []
        patients: set[int] = set()
        for note in payer_notes:
            if note.patient_id in patients or len(claims) == 2:
                continue
            try:
                claim = do_create_claim_from_note(actor, note, as_of=today)
            except ClaimError:
                continue
            if claim.lines.count() < 2:
                continue  # the transfer needs a line the check leaves unpaid
            do_mark_ready(actor, claim)
            claims.append(
                do_change_claim_status(
                    actor, claim, ClaimStatus.IN_BATCH, reason="sent on paper (demo)"
                )
            )
            patients.add(note.patient_id)
        if len(claims) == 2:
            return claims
    return []


def _line(line_id: int, charge: Decimal) -> EnteredLine:
    """Allowed at 80% of the charge, paid at 80% of that, the patient's 20% coinsurance."""
    allowed = _cents(charge * Decimal("0.80"))
    paid = _cents(allowed * Decimal("0.80"))
    return EnteredLine(
        line_id, paid, allowed, (("CO", "45", charge - allowed), ("PR", "2", allowed - paid))
    )


def load_demo_money(organisation: Organisation, today: dt.date, patients: int) -> bool:
    if patients < MIN_PATIENTS:
        return False
    biller = Staff.objects.filter(organisation=organisation, user__username="demo-biller").first()
    owner = Staff.objects.filter(organisation=organisation, user__username="demo-owner").first()
    if biller is None or owner is None:
        return False
    actor = Actor(user=biller.user, organisation=organisation)
    claims = _claims(actor, organisation, today)
    if not claims:
        return False
    first, second = claims
    entered = [
        EnteredClaim(first.pk, tuple(_line(x.pk, x.charge) for x in first.lines.all())),
        # the check pays the second claim's first line only; the payer excludes the rest
        EnteredClaim(second.pk, (_line(second.lines.order_by("number")[0].pk,
                                       second.lines.order_by("number")[0].charge),)),
    ]  # fmt: skip
    total = sum((line.paid for c in entered for line in c.lines), Decimal("0"))
    paid_on = today - dt.timedelta(days=9)
    at = timezone.make_aware(dt.datetime.combine(paid_on, dt.time(10, 30)))
    do_post_manual_check(
        actor,
        EnteredCheck(first.payer_name, "204417", paid_on, total, tuple(entered)),
        at=at,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    # the first patient pays the coinsurance by card; 15.00 of copays was collected twice at
    # the desk, and is refunded by check from the credit
    owed = patient_balance_of_claim(first)
    do_record_patient_payment(
        actor, first.patient, amount=owed, method="card", reference="4417",
        at=at + dt.timedelta(days=2),
    )  # fmt: skip
    credit = -patient_total(first.patient)
    if credit < OVERPAID:
        do_record_patient_payment(
            actor, first.patient, amount=OVERPAID - max(credit, Decimal("0")), method="cash",
            at=at + dt.timedelta(days=2, hours=1),
        )  # fmt: skip
    do_refund_patient(
        actor, first.patient, amount=OVERPAID, method="check", reference="3051",
        note="copay collected twice at the desk", at=at + dt.timedelta(days=3),
    )  # fmt: skip
    # the second claim's unpaid lines move to the patient, who then gets a hardship write-off
    do_transfer_balance(
        actor, second, amount=insurance_balance(second),
        note="plan excludes the service; the patient signed a waiver", at=at + dt.timedelta(days=4),
        to="patient",
    )  # fmt: skip
    do_write_off_balance(
        actor, second.patient, side="patient", amount=patient_balance_of_claim(second),
        reason="hardship", approved_by=owner.user, claim=second,
        note="sliding-scale application approved", at=at + dt.timedelta(days=5),
    )  # fmt: skip
    return True
