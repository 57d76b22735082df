"""The standard demo's money in by hand (ADR 0750): one paper check posted with its EOB, one
refund, one transfer and one write-off, each made through the actions, and the ledger pages
that show them add up."""

from __future__ import annotations

from decimal import Decimal

from cleannote.apps.claims.models import ClaimStatus
from cleannote.apps.ledger.account import account_of
from cleannote.apps.remittance.balances import patient_total
from cleannote.apps.remittance.models import (
    EraFile,
    InsuranceLedgerEntry,
    LedgerKind,
    MatchedBy,
    PatientLedgerEntry,
)
from tests.e2e.conftest import DEMO_TODAY, Demo


def test_the_standard_demo_posts_a_paper_check_and_moves_balances(standard_demo: Demo, client):
    demo = standard_demo
    check = EraFile.objects.get(organisation=demo.organisation, entered_manually=True)
    postings = list(check.postings.select_related("claim"))
    assert len(postings) == 2
    assert check.payment_amount == sum((p.paid for p in postings), Decimal("0"))
    assert {line.matched_by for p in postings for line in p.lines.all()} == {MatchedBy.MANUAL}
    first, second = (p.claim for p in postings)
    assert first.status == ClaimStatus.PAID
    refund = PatientLedgerEntry.objects.get(kind=LedgerKind.REFUND)
    assert (refund.amount, refund.patient_id) == (Decimal("15.00"), first.patient_id)
    assert refund.method == "check"
    assert account_of(first.patient, DEMO_TODAY).patient == patient_total(first.patient)
    transfer = InsuranceLedgerEntry.objects.get(kind="transfer", claim=second)
    write_off = PatientLedgerEntry.objects.get(kind=LedgerKind.WRITE_OFF, claim=second)
    assert transfer.patient_entry.amount == -transfer.amount
    assert write_off.approved_by.username == "demo-owner"
    account = account_of(second.patient, DEMO_TODAY)
    row = next(r for r in account.claims if r.claim.pk == second.pk)
    assert (row.insurance, row.patient) == (Decimal("0.00"), Decimal("0.00"))
    client.force_login(demo.biller.user)
    page = client.get(f"/ledger/patients/{second.patient_id}/").content.decode()
    assert "Financial hardship" in page
    assert f"/remittance/files/{check.pk}/" in page


def test_the_standard_demo_has_a_payment_plan_with_one_missed_installment(
    standard_demo: Demo, client
):
    from cleannote.apps.ledger.statement_models import MissStatus, PlanMiss
    from cleannote.apps.ledger.statement_selectors import plan_installments

    demo = standard_demo
    (miss,) = PlanMiss.objects.filter(organisation=demo.organisation)
    assert (miss.number, miss.status) == (2, MissStatus.OPEN)
    states = [i.state for i in plan_installments(miss.plan, DEMO_TODAY)]
    assert states == ["paid", "missed", "due"]
    client.force_login(demo.biller.user)
    page = client.get("/ledger/payment-plans/missed/").content.decode()
    assert f"/ledger/patients/{miss.plan.patient_id}/#payment-plan" in page
    # The same demo's portal account (ADR 0951): the patient of the newest statement with a
    # balance signs in with the demo email and password and sees that statement.
    from django.test import Client

    from cleannote.apps.ledger.statement_models import Statement
    from cleannote.apps.portal.models import PortalAccess
    from cleannote.web.demo_clinic import DEMO_PASSWORD
    from cleannote.web.demo_portal import PORTAL_EMAIL

    access = PortalAccess.objects.select_related("patient").get(account__contact=PORTAL_EMAIL)
    statement = Statement.objects.filter(patient=access.patient).first()
    assert statement is not None
    assert statement.amount_due > 0
    patient = Client(REMOTE_ADDR="10.7.7.7")
    signed_in = patient.post(
        "/portal/sign-in/password/", {"address": PORTAL_EMAIL, "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert f"Statement {statement.number}" in patient.get("/portal/bills/").content.decode()
