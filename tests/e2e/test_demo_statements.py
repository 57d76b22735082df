"""The standard demo's statements (ADR 0760): coinsurance from the payer's 835 on three
patients' ledgers, statements made through the biller's actions, one patient at dunning step 2,
and the statements page and PDF showing them."""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader

from cleannote.apps.ledger.models import Statement, StatementRun
from cleannote.apps.ledger.statement_models import DunningStatus
from tests.e2e.conftest import Demo
from tests.personas import client_for


def test_demo_has_coinsurance_statements_and_a_reminder(money_demo: Demo):
    # given the demo with enough patients for its statements
    demo = money_demo
    statements = Statement.objects.filter(organisation=demo.organisation)
    # then four statements for three patients, each owing coinsurance
    assert statements.count() == 4
    assert statements.values("patient").distinct().count() == 3
    assert all(s.amount_due > 0 for s in statements)
    # one patient is at step 2 (the reminder), sent by the nightly run
    reminder = statements.get(dunning_step=2)
    assert reminder.previous is not None
    assert reminder.previous.dunning_step == 1
    assert reminder.dunning.status == DunningStatus.ACTIVE
    # one paid part at the desk before today's batch run
    paid = statements.get(payments=Decimal("5.00"))
    assert paid.amount_due == paid.new_charges - Decimal("5.00")
    assert StatementRun.objects.filter(organisation=demo.organisation).count() == 2
    # and the pages show them
    client = client_for(demo.biller)
    page = client.get("/ledger/statements/").content.decode()
    assert reminder.number in page
    ledger = client.get(f"/ledger/patients/{reminder.patient_id}/").content.decode()
    assert "step 2 (Reminder)" in ledger
    pdf = client.get(f"/ledger/statements/{reminder.pk}/pdf/").content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Notice 2: Reminder" in text
    assert "coinsurance" in text or "Previous balance" in text
