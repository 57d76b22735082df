"""Money posted right (issue 8): the status a claim settles to, the patient's balance after every
payer, and 835s that used to be refused whole: unmatched payments matched by hand, reversals and
corrections, second payments, split lines, claim-level payments, PLB and interest, crossovers,
and postings that do not balance. Each file is hand-written with tests/apps/x12_files.py.

The claim (conftest): $190, 97110 × 2 at $130 (line 1) and 97140 at $60 (line 2), to Medicare.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.apps.claims.actions import (
    do_build_batch,
    do_change_claim_status,
    do_create_secondary_claim,
    do_mark_ready,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimStatus, Origin
from cleannote.apps.claims.selectors import settlement_of, worklist
from cleannote.apps.remittance.actions import do_import_835, do_match_payment
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.models import (
    ClaimPosting,
    LinePosting,
    MatchedBy,
    PatientLedgerEntry,
    ProviderAdjustmentPosting,
    UnmatchedPayment,
)
from cleannote.apps.remittance.selectors import (
    denials_worklist,
    patient_balance,
    unbalanced_postings,
    write_off_report,
)
from tests.apps.claims.test_claim_lifecycle import _secondary_coverage
from tests.apps.remittance.test_posting import coinsurance_payment
from tests.apps.x12_files import claim_payment, remittance_835, service

S = ClaimStatus
COINSURANCE = Decimal("17.65")


def _post(billing, *payments, name: str = "era.835") -> None:
    do_import_835(billing.actor, remittance_835(list(payments)), file_name=name)


def _balance(billing, claim) -> Decimal:
    return patient_balance(billing.clinic.organisation, claim.patient_id)


def _with(payment: tuple[str, list[str]], *segments: str) -> tuple[str, list[str]]:
    """The claim payment with `segments` right after its CLP (claim-level CAS, NM1, AMT)."""
    paid, body = payment
    return paid, [body[0], *segments, *body[1:]]


def _all_to(pcn: str, status: str, group: str, reason: str) -> tuple[str, list[str]]:
    """Nothing paid: each line's whole charge in one adjustment."""
    share = "190" if group == "PR" else "0"
    return claim_payment(pcn, status, "190", "0", share, [
        service("97110:GP", "130", "0", 2, line_control=f"{pcn}-1",
                adjustments=((group, reason, "130"),)),
        service("97140:GP", "60", "0", 1, line_control=f"{pcn}-2",
                adjustments=((group, reason, "60"),)),
    ])  # fmt: skip


def _deductible(pcn: str) -> tuple[str, list[str]]:
    return _all_to(pcn, "1", "PR", "1")


def _coinsurance(pcn: str, status: str = "1") -> tuple[str, list[str]]:
    return claim_payment(pcn, status, "190", "70.59", "17.65", [
        service("97110:GP", "130", "48.19", 2, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "69.76"), ("PR", "2", "12.05"))),
        service("97140:GP", "60", "22.40", 1, line_control=f"{pcn}-2",
                adjustments=(("CO", "45", "32.00"), ("PR", "2", "5.60"))),
    ])  # fmt: skip


def _sent(billing, claim: Claim) -> Claim:
    do_mark_ready(billing.actor, claim)
    do_build_batch(billing.actor, [claim.pk])
    return do_change_claim_status(billing.actor, claim, S.ACCEPTED, reason="277CA")


# --- status from settlement ---------------------------------------------------------------------


def test_claim_applied_to_the_deductible_is_paid_not_denied(billing, claim):
    # given an 835 applying the whole claim to the deductible (PR-1, paid 0)
    _post(billing, _deductible(claim.patient_control_number))
    # then it is settled, the patient owes $190, it is no denial, and a secondary may follow
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert _balance(billing, claim) == Decimal("190.00")
    assert denials_worklist(billing.clinic.organisation) == []
    _secondary_coverage(billing)
    secondary = do_create_secondary_claim(billing.actor, claim)
    assert secondary.origin == Origin.SECONDARY


def test_settled_claims_leave_the_default_worklist_and_a_balance_owed_keeps_one(billing, claim):
    # given line 1 paid at the contracted rate, line 2 not answered: the payer owes $60
    pcn = claim.patient_control_number
    _post(billing, claim_payment(pcn, "1", "190", "48.19", "12.05", [
        service("97110:GP", "130", "48.19", 2, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "69.76"), ("PR", "2", "12.05"))),
    ]))  # fmt: skip
    claim.refresh_from_db()
    assert claim.status == S.PARTIALLY_PAID
    assert settlement_of(claim).payer_owes == Decimal("60.00")
    organisation = billing.clinic.organisation
    assert [c.pk for c in worklist(organisation)] == [claim.pk]
    # when a second 835 pays line 2
    _post(billing, claim_payment(pcn, "1", "190", "22.40", "5.60", [
        service("97140:GP", "60", "22.40", 1, line_control=f"{pcn}-2",
                adjustments=(("CO", "45", "32.00"), ("PR", "2", "5.60"))),
    ]), name="second.835")  # fmt: skip
    # then the claim is paid to the cent, settled and off the open worklist
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert claim.paid_amount == Decimal("70.59")
    assert [line.paid_amount for line in claim.lines.all()] == [
        Decimal("48.19"),
        Decimal("22.40"),
    ]
    assert settlement_of(claim).payer_owes == 0
    assert _balance(billing, claim) == COINSURANCE
    assert list(worklist(organisation)) == []
    assert [c.pk for c in worklist(organisation, status=S.PAID)] == [claim.pk]


@pytest.mark.parametrize(
    ("status", "meaning"),
    [("23", "forwarded to another payer"), ("25", "predetermination pricing only")],
    ids=["forwarded", "predetermination"],
)
def test_forwarded_and_predetermination_answers_are_not_denials(billing, claim, status, meaning):
    pcn = claim.patient_control_number
    _post(billing, _all_to(pcn, status, "CO", "45"))
    claim.refresh_from_db()
    assert claim.status == S.ACCEPTED
    assert not ClaimAdjustment.objects.exists()
    assert denials_worklist(billing.clinic.organisation) == []
    (posting,) = ClaimPosting.objects.all()
    assert meaning in posting.balance_problem
    assert list(unbalanced_postings(billing.clinic.organisation)) == [posting]


def test_denial_by_clp02_4_is_still_a_denial(billing, claim):
    pcn = claim.patient_control_number
    _post(billing, _all_to(pcn, "4", "CO", "50"))
    claim.refresh_from_db()
    assert claim.status == S.DENIED
    (group,) = denials_worklist(billing.clinic.organisation)
    assert group.total == Decimal("190.00")
    rows = write_off_report(billing.clinic.organisation, dt.date(2026, 1, 1), claim.adjudicated_on)
    assert [(r.group, r.reason, r.total) for r in rows] == [("CO", "50", Decimal("190.00"))]


# --- the patient's balance after every payer -----------------------------------------------------


def test_secondary_payment_lowers_what_the_patient_owes(billing, claim):
    # given the primary left $17.65 coinsurance to the patient, and a secondary claim was sent
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    assert _balance(billing, claim) == COINSURANCE
    _secondary_coverage(billing)
    secondary = _sent(billing, do_create_secondary_claim(billing.actor, claim))
    # when the secondary pays $10 of it (claim level, CO-23 for the primary's part)
    _post(billing, _with(
        claim_payment(secondary.patient_control_number, "2", "190", "10.00", "7.65", []),
        "CAS*CO*23*172.35", "CAS*PR*2*7.65",
    ), name="secondary.835")  # fmt: skip
    # then the patient owes $7.65 (the patient still owed $17.65 before)
    assert _balance(billing, claim) == Decimal("7.65")
    secondary.refresh_from_db()
    assert secondary.status == S.PAID
    # when the secondary pays the rest in a second 835
    _post(billing, claim_payment(secondary.patient_control_number, "2", "190", "7.65", "0", []),
          name="secondary-2.835")  # fmt: skip
    # then the patient owes nothing, to the cent
    assert _balance(billing, claim) == Decimal("0.00")


def test_crossover_holds_the_patient_share_until_the_secondary_answers(billing, claim):
    # given a secondary coverage on file and the primary's answer forwarded to it (CLP02 19)
    coverage = _secondary_coverage(billing)
    pcn = claim.patient_control_number
    _post(billing, _with(_coinsurance(pcn, "19"), "NM1*TT*2*LAKESHORE MUTUAL*****PI*LSM01"))
    # then the claim is paid, the patient owes nothing yet, and no manual secondary is allowed
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert claim.crossover_payer == "LAKESHORE MUTUAL"
    assert _balance(billing, claim) == 0
    with pytest.raises(ClaimError, match="crossover"):
        do_create_secondary_claim(billing.actor, claim)
    # when the secondary answers on the primary's claim number (CLP02 2), paying $12.05
    _post(billing, _with(
        claim_payment(pcn, "2", "190", "12.05", "5.60", []),
        "CAS*CO*23*172.35",
        "CAS*PR*2*5.60",
    ), name="crossover.835")  # fmt: skip
    # then it posts to the crossover claim, the primary keeps its own answer, and the patient
    # owes what the secondary did not pay
    crossover = Claim.objects.get(origin=Origin.CROSSOVER)
    assert (crossover.primary_claim_id, crossover.coverage_id) == (claim.pk, coverage.pk)
    assert crossover.paid_amount == Decimal("12.05")
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("70.59")
    assert _balance(billing, claim) == Decimal("5.60")
    # and a manual secondary is still refused: one claim per note and payer
    with pytest.raises(ClaimError):
        do_create_secondary_claim(billing.actor, claim)


# --- files that used to be refused whole ------------------------------------------------------


def test_unmatched_payment_is_matched_by_hand_from_the_page(billing, claim, login):
    # given a payer that echoed a mangled claim number
    _post(billing, _coinsurance("cn-unknown"), name="mangled.835")
    (unmatched,) = UnmatchedPayment.objects.all()
    client = login(billing.clinic.biller)
    page = client.get("/remittance/unmatched/").content.decode()
    assert "cn-unknown" in page
    assert f"/remittance/unmatched/{unmatched.pk}/match/" in page
    # when the biller names our claim
    response = client.post(
        f"/remittance/unmatched/{unmatched.pk}/match/", {"claim": claim.patient_control_number}
    )
    # then the posting runs for it, and the payment leaves the list
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert claim.paid_amount == Decimal("70.59")
    assert _balance(billing, claim) == COINSURANCE
    unmatched.refresh_from_db()
    assert unmatched.posting is not None
    assert unmatched.matched_by == billing.clinic.biller.user
    assert "cn-unknown" not in client.get("/remittance/unmatched/").content.decode()
    # and matching it again is refused
    with pytest.raises(RemittanceError, match="already matched"):
        do_match_payment(billing.actor, unmatched, claim)


def test_match_form_refuses_a_claim_of_nobody(billing, claim, login):
    _post(billing, _coinsurance("cn-unknown"), name="mangled.835")
    (unmatched,) = UnmatchedPayment.objects.all()
    response = login(billing.clinic.biller).post(
        f"/remittance/unmatched/{unmatched.pk}/match/", {"claim": "CN999999"}, follow=True
    )
    assert b"No claim of this organisation has that number" in response.content
    assert UnmatchedPayment.objects.get().posting is None


def test_payment_for_a_claim_never_sent_waits_unmatched(billing):
    from tests.apps.claims.conftest import new_claim

    draft = new_claim(billing)
    _post(billing, _coinsurance(draft.patient_control_number))
    (unmatched,) = UnmatchedPayment.objects.all()
    assert f"claim {draft.pk} is draft" in unmatched.problem
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_reversal_and_correction_post_to_the_cent(billing, claim):
    # given the claim paid in full by a first 835
    pcn = claim.patient_control_number
    _post(billing, claim_payment(pcn, "1", "190", "190", "0", [
        service("97110:GP", "130", "130", 2, line_control=f"{pcn}-1"),
        service("97140:GP", "60", "60", 1, line_control=f"{pcn}-2"),
    ]), name="first.835")  # fmt: skip
    # when the payer reverses it and pays it again at the contracted rate with coinsurance
    reversal = claim_payment(pcn, "22", "-190", "-190", "0", [
        service("97110:GP", "-130", "-130", -2, line_control=f"{pcn}-1"),
        service("97140:GP", "-60", "-60", -1, line_control=f"{pcn}-2"),
    ])  # fmt: skip
    _post(billing, reversal, _coinsurance(pcn), name="reversal.835")
    # then the claim carries the corrected answer only, to the cent
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("70.59")
    assert [line.paid_amount for line in claim.lines.all()] == [
        Decimal("48.19"),
        Decimal("22.40"),
    ]
    assert claim.status == S.PAID
    assert settlement_of(claim).payer_owes == 0
    assert _balance(billing, claim) == COINSURANCE
    assert not UnmatchedPayment.objects.exists()
    assert ClaimPosting.objects.filter(status_code="22").count() == 1


def test_reversal_alone_reopens_the_claim(billing, claim):
    pcn = claim.patient_control_number
    _post(billing, _coinsurance(pcn), name="first.835")
    reversal = claim_payment(pcn, "22", "-190", "-70.59", "-17.65", [
        service("97110:GP", "-130", "-48.19", -2, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "-69.76"), ("PR", "2", "-12.05"))),
        service("97140:GP", "-60", "-22.40", -1, line_control=f"{pcn}-2",
                adjustments=(("CO", "45", "-32.00"), ("PR", "2", "-5.60"))),
    ])  # fmt: skip
    _post(billing, reversal, name="reversal.835")
    claim.refresh_from_db()
    assert claim.status == S.ACCEPTED
    assert claim.paid_amount == 0
    assert _balance(billing, claim) == 0


def test_split_lines_post_to_the_one_line_they_split(billing, claim):
    # given the payer split 97110 × 2 into two service lines of one unit each
    pcn = claim.patient_control_number
    _post(billing, claim_payment(pcn, "1", "190", "120.00", "0", [
        service("97110:GP", "65", "30.00", 1, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "35"),)),
        service("97110:GP", "65", "30.00", 1, line_control=f"{pcn}-1",
                adjustments=(("CO", "45", "35"),)),
        service("97140:GP", "60", "60.00", 1, line_control=f"{pcn}-2"),
    ]))  # fmt: skip
    claim.refresh_from_db()
    assert [line.paid_amount for line in claim.lines.all()] == [Decimal("60.00"), Decimal("60.00")]
    assert claim.status == S.PAID
    assert sorted(LinePosting.objects.values_list("matched_by", flat=True)) == sorted(
        [MatchedBy.LINE_CONTROL, MatchedBy.SPLIT, MatchedBy.LINE_CONTROL]
    )
    assert not UnmatchedPayment.objects.exists()


def test_claim_level_payment_without_service_lines(billing, claim):
    _post(billing, _with(
        claim_payment(claim.patient_control_number, "1", "190", "150.00", "0", []),
        "CAS*CO*45*40.00",
    ))  # fmt: skip
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("150.00")
    assert claim.status == S.PAID
    assert [line.paid_amount for line in claim.lines.all()] == [None, None]
    assert ClaimPosting.objects.get().balance_problem == ""


def test_plb_recoupment_posts_against_its_claim_and_interest_apart(billing, claim):
    # given a payment with interest (AMT*I, paid through PLB L6) and a recoupment (PLB WO)
    # naming our claim
    pcn = claim.patient_control_number
    paid = _with(_coinsurance(pcn), "AMT*I*3.21")
    plb = ("-21.79", [f"PLB*1234567893*20261231*WO:{pcn}*25.00*L6*-3.21"])
    era = do_import_835(billing.actor, remittance_835([paid, plb]), file_name="plb.835")
    # then the claim's answer is untouched by either, and both are kept with the file
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("70.59")
    assert claim.status == S.PAID
    posting = ClaimPosting.objects.get()
    assert posting.interest == Decimal("3.21")
    rows = sorted(
        ProviderAdjustmentPosting.objects.values_list("reason_code", "amount", "claim_id")
    )
    assert rows == [("L6", Decimal("-3.21"), None), ("WO", Decimal("25.00"), claim.pk)]
    assert era.balance_warning == ""
    assert era.payment_amount == Decimal("48.80")


def test_a_line_that_does_not_balance_is_flagged_not_refused(billing, claim):
    pcn = claim.patient_control_number
    _post(billing, claim_payment(pcn, "1", "190", "180", "0", [
        service("97110:GP", "130", "120", 2, line_control=f"{pcn}-1"),
        service("97140:GP", "60", "60", 1, line_control=f"{pcn}-2"),
    ]))  # fmt: skip
    line = LinePosting.objects.get(claim_line__number=1)
    assert line.balance_problem == (
        "segment 11 (SVC): charge 130 less adjustments 0 is 130, not the payment 120"
    )
    posting = ClaimPosting.objects.get()
    assert "not the payment 180" in posting.balance_problem
    assert list(unbalanced_postings(billing.clinic.organisation)) == [posting]
    claim.refresh_from_db()
    assert claim.status == S.PARTIALLY_PAID
    assert settlement_of(claim).payer_owes == Decimal("10.00")


def test_ledger_entries_follow_each_answer(billing, claim):
    # the coinsurance payment alone: one entry, then nothing more when the same file returns
    data = coinsurance_payment(claim.patient_control_number)
    do_import_835(billing.actor, data, file_name="p.835")
    do_import_835(billing.actor, data, file_name="p-again.835")
    assert list(PatientLedgerEntry.objects.values_list("amount", flat=True)) == [COINSURANCE]


def test_upload_says_which_payments_did_not_match(billing, claim, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = remittance_835([_coinsurance(claim.patient_control_number), _coinsurance("CN999")])
    response = login(billing.clinic.biller).post(
        "/remittance/import/", {"file": SimpleUploadedFile("two.835", data)}, follow=True
    )
    page = response.content.decode()
    assert "two.835 posted." in page
    assert "1 claim payment(s) of two.835 matched no claim" in page
    assert "1 unmatched" in page
    claim.refresh_from_db()
    assert claim.status == S.PAID


def test_a_next_payers_answer_matched_by_hand_goes_to_the_crossover_claim(billing, claim):
    # given the primary's answer posted, and the secondary's answer under a mangled number
    _secondary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    _post(billing, claim_payment("cn-mangled", "2", "190", "17.65", "0", []), name="second.835")
    (unmatched,) = UnmatchedPayment.objects.all()
    # when the biller names the primary claim
    do_match_payment(billing.actor, unmatched, claim)
    # then it posts as the next payer's answer, not over the primary's
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("70.59")
    crossover = Claim.objects.get(origin=Origin.CROSSOVER)
    assert crossover.paid_amount == Decimal("17.65")
    assert _balance(billing, claim) == Decimal("0.00")
