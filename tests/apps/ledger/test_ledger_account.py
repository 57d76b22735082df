"""The patient ledger page as a biller works it (ADR 0650, 0750): both sides of the balance
with running totals that add up, the balance by age, and the moves (refund, transfer,
write-off) posted from the page; and the paper-check screen, balanced or refused with where."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.ledger.account import account_of, age_bucket
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.remittance.balances import charge_claims, insurance_balance, patient_total
from cleannote.apps.remittance.models import EraFile, InsuranceLedgerEntry, PatientLedgerEntry
from tests.apps.remittance.conftest import billing, claim  # noqa: F401
from tests.apps.remittance.test_balance_actions import posted  # noqa: F401
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"),
                         (61, "61-90"), (90, "61-90"), (91, "90+"), (400, "90+")],
)  # fmt: skip
def test_age_buckets_from_the_date_of_service(days, bucket):
    assert age_bucket(days) == bucket


def test_the_account_adds_up_per_claim_and_in_total(billing, posted):  # noqa: F811
    patient = posted.patient
    do_record_patient_payment(billing.actor, patient, amount="10.00", method="cash")
    account = account_of(patient, TODAY)
    (row,) = account.claims
    # 190.00 charge - 100.00 paid - 60.00 CO-45 - 30.00 PR = 0 with insurance; 30 PR - 10 paid.
    assert (row.insurance, row.patient, account.unapplied) == (D("0.00"), D("30.00"), D("-10.00"))
    assert (account.insurance, account.patient) == (D("0.00"), D("20.00"))
    assert account.patient == patient_total(patient)
    assert account.insurance == sum(insurance_balance(c) for c in charge_claims(patient))
    assert [line.what for line in account.lines][:4] == [
        "Charge", "Insurance payment", "Adjustment", "Patient responsibility",
    ]  # fmt: skip
    for side in ("insurance", "patient"):
        assert sum(account.by_age[side].values()) == getattr(account, side)


def test_moves_from_the_page_and_their_refusals(billing, posted, login):  # noqa: F811
    client = login(billing.clinic.biller)
    url = f"/ledger/patients/{posted.patient_id}/move/"
    refused = client.post(
        url + "transfer/",
        {"transfer-claim": posted.pk, "transfer-to": "insurance", "transfer-amount": "31.00",
         "transfer-note": "reprocessing"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "31.00 is more than the patient balance 30.00" in refused.content.decode()
    assert not InsuranceLedgerEntry.objects.exists()
    done = client.post(
        url + "write_off/",
        {"write_off-claim": posted.pk, "write_off-side": "patient", "write_off-amount": "4.00",
         "write_off-reason": "small_balance",
         "write_off-approved_by": billing.clinic.owner.user_id},
    )  # fmt: skip
    assert done.status_code == 302
    entry = PatientLedgerEntry.objects.get(kind="write_off")
    assert (entry.amount, entry.approved_by_id) == (D("-4.00"), billing.clinic.owner.user_id)
    page = client.get(f"/ledger/patients/{posted.patient_id}/").content.decode()
    assert "Small balance" in page
    assert 'id="balance">$26.00<' in page


def test_the_desk_sees_the_ledger_but_does_not_move_balances(billing, posted, login):  # noqa: F811
    client = login(billing.clinic.front_desk)
    page = client.get(f"/ledger/patients/{posted.patient_id}/").content.decode()
    assert "Write off a balance" not in page
    response = client.post(f"/ledger/patients/{posted.patient_id}/move/refund/", {})
    assert response.status_code == 403


def _form(claim: Claim, line2_paid: str, total: str) -> dict[str, str]:  # noqa: F811
    one, two = claim.lines.order_by("number")
    return {
        "payer": claim.payer_name, "check_number": "88123", "paid_on": TODAY.isoformat(),
        "total": total,
        f"l{one.pk}_allowed": "100.00", f"l{one.pk}_paid": "70.00",
        f"l{one.pk}_adj": "CO-45 30.00; PR-2 30.00",
        f"l{two.pk}_paid": line2_paid, f"l{two.pk}_adj": "CO-45 30.00",
    }  # fmt: skip


def test_the_check_screen_posts_a_balanced_check(billing, claim, login):  # noqa: F811
    client = login(billing.clinic.biller)
    listed = client.get(f"/remittance/checks/new/?payer={claim.payer_name}").content.decode()
    assert f"l{claim.lines.first().pk}_paid" in listed
    response = client.post("/remittance/checks/new/", _form(claim, "30.00", "100.00"))
    era = EraFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/remittance/files/{era.pk}/"
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount) == (ClaimStatus.PAID, D("100.00"))
    assert "Paper check 88123" in client.get(response["Location"]).content.decode()


def test_the_check_screen_refuses_one_that_does_not_balance_saying_where(billing, claim, login):  # noqa: F811
    client = login(billing.clinic.biller)
    response = client.post("/remittance/checks/new/", _form(claim, "25.00", "100.00"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "line " in page
    assert "(off by 5.00)" in page
    assert "add up to 95.00 (off by 5.00)" in page
    assert 'value="25.00"' in page  # what was typed stays
    assert not EraFile.objects.exists()


def test_only_billers_and_owners_post_checks(billing, claim, login):  # noqa: F811
    assert login(billing.clinic.front_desk).get("/remittance/checks/new/").status_code == 403
