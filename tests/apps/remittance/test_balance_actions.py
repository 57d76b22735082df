"""Refunds, transfers and write-offs of a balance (ADR 0750): each one transaction with its
audit row, never more than the balance it comes from, and the ledger always adds up: per
claim, charge = payer paid + payer adjustments + insurance balance + patient share moved, and
the patient's balance is the sum of the patient's entries."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Claim
from cleannote.apps.claims.selectors import settlement_of
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.remittance import balance_actions as ba
from cleannote.apps.remittance import denial_actions as da
from cleannote.apps.remittance.balances import (
    insurance_balance,
    patient_balance_of_claim,
    patient_total,
)
from cleannote.apps.remittance.denial_models import WriteOffReason
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.manual_posting import (
    EnteredCheck,
    EnteredClaim,
    EnteredLine,
    do_post_manual_check,
)
from cleannote.apps.remittance.models import (
    InsuranceKind,
    InsuranceLedgerEntry,
    LedgerKind,
    PatientLedgerEntry,
)
from tests.apps.remittance.test_denials import denied  # noqa: F401
from tests.personas import TODAY


@pytest.fixture
def posted(billing, claim) -> Claim:
    """Paid 100.00 of 190.00: line 1 paid 70 (CO-45 30, PR-2 30), line 2 paid 30 (CO-45 30);
    the payer still owes nothing, the patient 30.00."""
    one, two = claim.lines.order_by("number")
    do_post_manual_check(
        billing.actor,
        EnteredCheck(
            "Medicare Part B", "5001", TODAY, D("100.00"),
            (EnteredClaim(claim.pk, (
                EnteredLine(one.pk, D("70.00"), D("100.00"),
                            (("CO", "45", D("30.00")), ("PR", "2", D("30.00")))),
                EnteredLine(two.pk, D("30.00"), D("30.00"), (("CO", "45", D("30.00")),)),
            )),),
        ),
    )  # fmt: skip
    claim.refresh_from_db()
    return claim


def _adds_up(claim: Claim) -> None:
    """The invariant: the claim's charge is accounted for to the cent."""
    s = settlement_of(claim)
    moved_to_patient = patient_balance_of_claim(claim)
    patient_paid_or_off = -sum(
        (e.amount for e in PatientLedgerEntry.objects.filter(claim=claim) if e.amount < 0), D(0)
    )
    insurance_moves = sum(
        (e.amount for e in InsuranceLedgerEntry.objects.filter(claim=claim)), D(0)
    )
    assert insurance_balance(claim) == s.charge - s.paid - s.written_off - s.patient_share + (
        insurance_moves
    )
    assert moved_to_patient + patient_paid_or_off == sum(
        (e.amount for e in PatientLedgerEntry.objects.filter(claim=claim) if e.amount > 0), D(0)
    )


def test_transfer_to_patient_and_back(billing, posted):
    assert (insurance_balance(posted), patient_balance_of_claim(posted)) == (D("0.00"), D("30.00"))
    back = ba.do_transfer_balance(
        billing.actor, posted, amount="20.00", to="insurance", note="reprocessed: PR-2 in error"
    )
    assert (back.amount, back.patient_entry.amount) == (D("20.00"), D("-20.00"))
    assert (insurance_balance(posted), patient_balance_of_claim(posted)) == (D("20.00"), D("10.00"))
    ba.do_transfer_balance(billing.actor, posted, amount="5.00", to="patient", note="deductible")
    assert (insurance_balance(posted), patient_balance_of_claim(posted)) == (D("15.00"), D("15.00"))
    with pytest.raises(RemittanceError, match=re.escape("more than the insurance balance 15.00")):
        ba.do_transfer_balance(billing.actor, posted, amount="15.01", to="patient", note="x")
    with pytest.raises(RemittanceError, match="say why"):
        ba.do_transfer_balance(billing.actor, posted, amount="1.00", to="patient", note=" ")
    assert AuditEvent.objects.filter(object_type="balance_transfer").count() == 2
    _adds_up(posted)


def test_write_offs_need_a_reason_an_approver_and_a_balance(billing, posted):
    owner = billing.clinic.owner.user
    patient = posted.patient
    with pytest.raises(RemittanceError, match="name the biller or owner who approved"):
        ba.do_write_off_balance(
            billing.actor, patient, side="patient", amount="5", reason="hardship", approved_by=None
        )
    with pytest.raises(RemittanceError, match="active biller or owner"):
        ba.do_write_off_balance(
            billing.actor, patient, side="patient", amount="5", reason="hardship",
            approved_by=billing.clinic.therapist.user,
        )  # fmt: skip
    with pytest.raises(RemittanceError, match=re.escape("more than the patient balance 30.00")):
        ba.do_write_off_balance(
            billing.actor, patient, side="patient", amount="30.01", reason="hardship",
            approved_by=owner, claim=posted,
        )  # fmt: skip
    entry = ba.do_write_off_balance(
        billing.actor, patient, side="patient", amount="30.00", reason="hardship",
        approved_by=owner, claim=posted, note="income below 200% FPL",
    )  # fmt: skip
    assert (entry.kind, entry.amount, entry.approved_by, entry.write_off_reason) == (
        LedgerKind.WRITE_OFF, D("-30.00"), owner, "hardship",
    )  # fmt: skip
    assert patient_total(patient) == D("0.00")
    _adds_up(posted)


def test_a_refund_comes_only_from_a_credit(billing, posted):
    patient = posted.patient
    with pytest.raises(RemittanceError, match="no credit balance"):
        ba.do_refund_patient(billing.actor, patient, amount="5", method="check", reference="1201")
    do_record_patient_payment(billing.actor, patient, amount="50.00", method="cash")
    assert patient_total(patient) == D("-20.00")
    with pytest.raises(RemittanceError, match=re.escape("20.01 is more than the credit of 20.00")):
        ba.do_refund_patient(billing.actor, patient, amount="20.01", method="check", reference="1")
    with pytest.raises(RemittanceError, match="enter the check number"):
        ba.do_refund_patient(billing.actor, patient, amount="20.00", method="check")
    refund = ba.do_refund_patient(
        billing.actor, patient, amount="20.00", method="check", reference="1201"
    )
    assert (refund.kind, refund.amount, refund.reference) == (LedgerKind.REFUND, D("20.00"), "1201")
    assert patient_total(patient) == D("0.00")


def test_a_payer_refund_raises_what_the_payer_is_asked_for(billing, posted):
    entry = ba.do_refund_payer(
        billing.actor, posted, amount="10.00", method="offset", reference="PLB WO 77"
    )
    assert (entry.kind, insurance_balance(posted)) == (InsuranceKind.REFUND, D("10.00"))
    with pytest.raises(RemittanceError, match=re.escape("more than the 90.00 the payer paid")):
        ba.do_refund_payer(billing.actor, posted, amount="90.01", method="check", reference="9")
    _adds_up(posted)


def test_only_billers_and_owners_move_balances(billing, posted):
    desk = Actor(user=billing.clinic.front_desk.user, organisation=billing.clinic.organisation)
    with pytest.raises(RemittanceError, match="only billers and owners"):
        ba.do_transfer_balance(desk, posted, amount="1.00", to="insurance", note="x")
    assert not InsuranceLedgerEntry.objects.exists()


def test_a_denial_written_off_posts_to_the_patient_ledger(billing, denied):  # noqa: F811
    da.do_write_off_denial(billing.actor, denied, WriteOffReason.TIMELY_FILING)
    entry = InsuranceLedgerEntry.objects.get(claim=denied)
    assert (entry.kind, entry.amount, entry.write_off_reason) == (
        InsuranceKind.WRITE_OFF, D("-190.00"), "denial",
    )  # fmt: skip
    assert "Timely filing" in entry.reason
    assert insurance_balance(denied) == D("0.00")


@pytest.mark.parametrize(
    ("kind", "amount", "extra"),
    [
        ("payment", "10.00", {}),
        ("refund", "-10.00", {}),
        ("write_off", "5.00", {"write_off_reason": "hardship"}),
        ("write_off", "-5.00", {}),
    ],
)
def test_the_database_refuses_a_ledger_row_with_the_wrong_sign(billing, kind, amount, extra):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientLedgerEntry.objects.create(
            organisation=billing.clinic.organisation, patient=billing.clinic.patient, kind=kind,
            amount=D(amount), posted_at=timezone.now(), **extra,
        )  # fmt: skip


def test_a_stale_copy_of_the_claim_never_decides_the_balance(billing, claim):
    """`claim` was read before the check posted (its paid amount None): the action reads the
    claim again, so the insurance balance is the 0.00 the posting left, not 190.00."""
    one, two = claim.lines.order_by("number")
    stale = Claim.objects.get(pk=claim.pk)
    do_post_manual_check(
        billing.actor,
        EnteredCheck(
            "Medicare Part B", "5002", TODAY, D("100.00"),
            (EnteredClaim(claim.pk, (
                EnteredLine(one.pk, D("70.00"), None, (("CO", "45", D("60.00")),)),
                EnteredLine(two.pk, D("30.00"), None, (("CO", "45", D("30.00")),)),
            )),),
        ),
    )  # fmt: skip
    with pytest.raises(RemittanceError, match=re.escape("more than the insurance balance 0.00")):
        ba.do_transfer_balance(billing.actor, stale, amount="10.00", to="patient", note="x")
