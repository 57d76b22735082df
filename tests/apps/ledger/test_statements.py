"""Patient statements (ADR 0760): the worked example from an 835 to the PDF, balance forward
from one statement to the next, the batch run's rules, and the email notice."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Claim, FeeScheduleEntry
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.models import Statement, StatementEntry
from cleannote.apps.ledger.statement_actions import (
    do_create_statement,
    do_decide_collections,
    do_end_payment_plan,
    do_run_dunning,
    do_run_statements,
    do_start_payment_plan,
)
from cleannote.apps.ledger.statement_models import DunningStatus, SentVia
from cleannote.apps.ledger.statement_pdf import render_statement_pdf
from cleannote.apps.messaging.models import OutboundMessage
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.models import PatientLedgerEntry
from tests.apps.claims.conftest import Billing, billing, sent_claim  # noqa: F401
from tests.apps.x12_files import claim_payment, remittance_835, service
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def coinsurance_835(pcn: str) -> bytes:
    """Charged 150 (97110 x2 at 45, 97140 at 60): paid 96, CO-45 30, PR-2 coinsurance 24."""
    return remittance_835(
        [
            claim_payment(
                pcn, "1", "150", "96", "24",
                [
                    service("97110:GP", "90", "57.60", 2, line_control=f"{pcn}-1",
                            allowed="72", adjustments=(("CO", "45", "18"), ("PR", "2", "14.40"))),
                    service("97140:GP", "60", "38.40", 1, line_control=f"{pcn}-2",
                            allowed="48", adjustments=(("CO", "45", "12"), ("PR", "2", "9.60"))),
                ],
            )
        ]
    )  # fmt: skip


@pytest.fixture
def posted(billing: Billing) -> Claim:  # noqa: F811
    """The worked example's visit, charged 150 and posted from the payer's 835."""
    FeeScheduleEntry.objects.filter(schedule=billing.schedule, code="97110").update(
        amount=Decimal("45.00")
    )
    claim = sent_claim(billing)
    assert claim.total_charge == Decimal("150.00")
    do_import_835(billing.actor, coinsurance_835(claim.patient_control_number), file_name="c.835")
    return claim


def _pays(billing: Billing, amount: str, at: dt.datetime | None = None) -> None:  # noqa: F811
    do_record_patient_payment(
        billing.actor, billing.clinic.patient, amount=amount, method="cash", at=at
    )


def pdf_text(data: bytes) -> str:
    """The PDF's words with single spaces between them (table cells extract on lines)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_worked_example_statement_is_due_14(billing, posted):  # noqa: F811
    # given the visit's coinsurance of 24 on the ledger and 10 paid at the desk
    _pays(billing, "10.00")
    patient = billing.clinic.patient
    # when
    statement = do_create_statement(billing.actor, patient, day=TODAY)
    # then the figures
    assert statement.previous_balance == Decimal("0.00")
    assert statement.new_charges == Decimal("24.00")
    assert statement.payments == Decimal("10.00")
    assert statement.amount_due == Decimal("14.00")
    assert statement.account_number == patient.chart_number
    assert statement.dunning_step == 1
    # and exactly which ledger entries it carried
    assert sorted(e.amount for e in statement.entries.all()) == [
        Decimal("-10.00"),
        Decimal("24.00"),
    ]
    # and what it prints
    text = pdf_text(render_statement_pdf(statement))
    for expected in (
        "Patient statement",
        billing.clinic.organisation.name,
        f"Account number {patient.chart_number}",
        f"Statement date {TODAY:%Y-%m-%d}",
        "Amount due $14.00",
        "97110-GP",
        "97140-GP",
        "$90.00",  # 97110's charge
        "$57.60",  # what the insurer paid on it
        "$18.00",  # CO-45 on it
        "coinsurance $14.40",
        "coinsurance $9.60",
        "$24.00",  # the visit's share
        "New charges (your share after insurance) $24.00",
        "Payments received, thank you -$10.00",
        "Age of your balance",
        "0-30 days",
        "Please detach and return",
        "Amount enclosed",
        "Notice 1: Statement",
    ):
        assert expected in text, expected
    assert "SSN" not in text
    assert AuditEvent.objects.filter(object_type="statement", object_id=statement.pk).exists()


def test_the_next_statement_carries_the_previous_balance_forward(billing, posted):  # noqa: F811
    patient = billing.clinic.patient
    first = do_create_statement(billing.actor, patient, day=TODAY)
    assert first.amount_due == Decimal("24.00")
    # when the patient pays 20 and a later statement is made
    _pays(billing, "20.00")
    later = do_create_statement(billing.actor, patient, day=TODAY + dt.timedelta(days=30))
    # then it shows the previous balance, the payment since and nothing charged twice
    assert later.previous == first
    assert (later.previous_balance, later.new_charges, later.payments, later.amount_due) == (
        Decimal("24.00"),
        Decimal("0.00"),
        Decimal("20.00"),
        Decimal("4.00"),
    )
    assert [e.amount for e in later.entries.all()] == [Decimal("-20.00")]
    text = pdf_text(render_statement_pdf(later))
    assert "Previous balance $24.00" in text
    assert f"statement {first.number}" in text
    # an entry is new on one statement only
    entry = first.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementEntry.objects.create(statement=later, entry=entry.entry, amount=entry.amount)


def test_email_statement_queues_a_notice_without_details(billing, posted):  # noqa: F811
    patient = billing.clinic.patient
    with pytest.raises(LedgerRefused):
        do_create_statement(billing.actor, patient, day=TODAY, via=SentVia.EMAIL)
    Patient.objects.filter(pk=patient.pk).update(email="pat@example.org", email_consent=True)
    patient.refresh_from_db()
    statement = do_create_statement(billing.actor, patient, day=TODAY, via=SentVia.EMAIL)
    message = OutboundMessage.objects.get(reference_type="statement", reference_id=statement.pk)
    assert statement.message == message
    assert "24" not in message.body
    assert "97110" not in message.body
    assert "portal" in message.body


def test_a_therapist_makes_no_statements(billing, posted):  # noqa: F811
    clinic = billing.clinic
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    with pytest.raises(LedgerRefused):
        do_create_statement(therapist, clinic.patient, day=TODAY)
    assert not Statement.objects.exists()


def test_batch_run_statements_the_patients_its_rules_take(billing, posted):  # noqa: F811
    # given the posted patient (24 owed, claim paid) and a second one owing 3 (below minimum)
    clinic = billing.clinic
    other = Patient.objects.create(
        organisation=clinic.organisation, chart_number="X-2", first_name="Al", last_name="Bee",
        birth_date=dt.date(1980, 1, 1), sex="M",
    )  # fmt: skip
    PatientLedgerEntry.objects.create(
        organisation=clinic.organisation, patient=other, kind="adjustment",
        amount=Decimal("3.00"), posted_at=timezone.now(),
    )  # fmt: skip
    # when
    run = do_run_statements(billing.actor, day=TODAY)
    # then
    assert [s.patient_id for s in run.statements.all()] == [clinic.patient.pk]
    assert run.left_out == {"balance at or below the minimum": 1}
    # and a second run the same day leaves the patient out (statemented recently)
    again = do_run_statements(billing.actor, day=TODAY)
    assert not again.statements.exists()
    assert again.left_out == {
        "balance at or below the minimum": 1,
        "statemented within the quiet days": 1,
    }


def _system(billing: Billing) -> Actor:  # noqa: F811
    return Actor(user=None, organisation=billing.clinic.organisation)


def test_dunning_steps_follow_the_days_and_run_once_a_day(billing, posted):  # noqa: F811
    # given a first statement on day 0 (step 1)
    patient = billing.clinic.patient
    first = do_create_statement(billing.actor, patient, day=TODAY)
    dunning = first.dunning
    nightly = _system(billing)
    # when the nightly run goes day by day
    assert do_run_dunning(nightly, day=TODAY + dt.timedelta(days=29)) is None
    run = do_run_dunning(nightly, day=TODAY + dt.timedelta(days=30))
    assert do_run_dunning(nightly, day=TODAY + dt.timedelta(days=30)) is None  # same day again
    # then day 30 sends statement 2 with the reminder text
    (second,) = run.statements.all()
    assert second.dunning_step == 2
    assert second.previous == first
    assert "past due" in pdf_text(render_statement_pdf(second))
    # day 60 the final notice, day 90 a flag for review and no statement
    third = do_run_dunning(nightly, day=TODAY + dt.timedelta(days=60)).statements.get()
    assert "Notice 3: Final notice" in pdf_text(render_statement_pdf(third))
    assert do_run_dunning(nightly, day=TODAY + dt.timedelta(days=90)) is None
    dunning.refresh_from_db()
    assert (dunning.step, dunning.status) == (4, DunningStatus.COLLECTIONS_REVIEW)
    assert Statement.objects.count() == 3
    # and only a person decides
    with pytest.raises(LedgerRefused):
        do_decide_collections(billing.actor, dunning, send=True, note=" ", day=TODAY)
    do_decide_collections(billing.actor, dunning, send=False, note="hardship", day=TODAY)
    dunning.refresh_from_db()
    assert dunning.status == DunningStatus.WITHDRAWN


def test_paying_the_balance_stops_the_dunning(billing, posted):  # noqa: F811
    patient = billing.clinic.patient
    dunning = do_create_statement(billing.actor, patient, day=TODAY).dunning
    _pays(billing, "24.00")
    dunning.refresh_from_db()
    assert dunning.status == DunningStatus.PAID
    assert do_run_dunning(_system(billing), day=TODAY + dt.timedelta(days=30)) is None


def test_a_payment_plan_pauses_the_dunning(billing, posted):  # noqa: F811
    patient = billing.clinic.patient
    dunning = do_create_statement(billing.actor, patient, day=TODAY).dunning
    nightly = _system(billing)
    do_start_payment_plan(
        billing.actor, patient, amount_per_month="5.00", day=TODAY + dt.timedelta(days=10)
    )
    assert do_run_dunning(nightly, day=TODAY + dt.timedelta(days=45)) is None
    # when the plan ends on day 50, the 40 days of pause move step 2 to day 70
    do_end_payment_plan(billing.actor, patient, day=TODAY + dt.timedelta(days=50))
    assert do_run_dunning(nightly, day=TODAY + dt.timedelta(days=69)) is None
    assert do_run_dunning(nightly, day=TODAY + dt.timedelta(days=70)) is not None
    dunning.refresh_from_db()
    assert dunning.step == 2


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "5.001", ""])
def test_a_payment_plan_amount_is_refused_with_its_field(billing, posted, amount):  # noqa: F811
    with pytest.raises(LedgerRefused) as refused:
        do_start_payment_plan(billing.actor, billing.clinic.patient, amount_per_month=amount,
                              day=TODAY)  # fmt: skip
    assert refused.value.field == "amount_per_month"


def test_the_nightly_command_runs_due_steps_once(billing, posted):  # noqa: F811
    from django.core.management import call_command

    do_create_statement(billing.actor, billing.clinic.patient, day=TODAY)
    day = (TODAY + dt.timedelta(days=30)).isoformat()
    out = io.StringIO()
    call_command("cleannote_statements", "--day", day, stdout=out)
    call_command("cleannote_statements", "--day", day, stdout=out)
    assert out.getvalue().count("1 dunning statement(s)") == 1
    assert out.getvalue().count("0 dunning statement(s)") == 1
    assert Statement.objects.count() == 2


def test_statement_pdf_is_written_for_a_look(billing, posted, tmp_path):  # noqa: F811
    """The worked example's PDF, kept in test-artifacts/ for a person to look at."""
    from pathlib import Path

    _pays(billing, "10.00")
    statement = do_create_statement(billing.actor, billing.clinic.patient, day=TODAY)
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "statement-worked-example.pdf").write_bytes(render_statement_pdf(statement))
    assert len(PdfReader(io.BytesIO(render_statement_pdf(statement))).pages) >= 1
