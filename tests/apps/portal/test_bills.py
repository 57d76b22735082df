"""The patient's bills in the portal (ADR 0951): the worked example of the ledger's statement
tests (charged 150, insurance paid 96, the patient's coinsurance 24) seen by the patient, paid
by reference through the default adapter and the ledger's payment action, with its receipt."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Claim, FeeScheduleEntry
from cleannote.apps.ledger.models import PatientPayment
from cleannote.apps.ledger.statement_actions import do_create_statement
from cleannote.apps.ledger.statement_pdf import render_statement_pdf
from cleannote.apps.ledger.statement_selectors import balance_on
from cleannote.apps.portal.actions import do_invite_to_portal
from cleannote.apps.portal.models import PortalAccess
from cleannote.apps.portal.payments import PaymentDeclined
from cleannote.apps.remittance.actions import do_import_835
from tests.apps.claims.conftest import Billing, billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import coinsurance_835
from tests.apps.portal.conftest import register, signed_in_client


@pytest.fixture
def stated(billing: Billing):  # noqa: F811
    """Pat's visit posted from the 835 and a statement of it; Pat signed in to the portal."""
    FeeScheduleEntry.objects.filter(schedule=billing.schedule, code="97110").update(
        amount=Decimal("45.00")
    )
    claim: Claim = sent_claim(billing)
    do_import_835(billing.actor, coinsurance_835(claim.patient_control_number), file_name="c.835")
    patient = billing.clinic.patient
    patient.email, patient.email_consent, patient.email_consent_on = (
        "pat@example.com",
        True,
        timezone.localdate(),
    )
    patient.save()
    statement = do_create_statement(billing.actor, patient, day=timezone.localdate())
    account, secret = do_invite_to_portal(billing.actor, patient, channel="email")
    return billing, statement, account, signed_in_client(secret)


def test_the_patient_sees_each_visit_with_what_insurance_paid_and_what_they_owe(stated):
    _billing, statement, _account, browser = stated

    listing = browser.get("/portal/bills/").content.decode()
    page = browser.get(f"/portal/bills/statements/{statement.pk}/").content.decode()

    assert f"Statement {statement.number}" in listing
    assert "$24.00" in listing
    assert 'id="amount-due">$24.00' in page
    for figure in ("charged $150.00", "insurance paid $96.00", "your share $24.00"):
        assert figure in page


def test_a_payment_by_reference_posts_through_the_ledger_as_the_portal_account(stated):
    desk, _statement, account, browser = stated
    patient = desk.clinic.patient

    card_number = browser.post(
        "/portal/bills/pay/", {"amount": "24.00", "reference": "4111 1111 1111 1111"}
    )
    paid = browser.post("/portal/bills/pay/", {"amount": "24.00", "reference": "CONF-7781"})

    assert card_number.status_code == 400
    assert "looks like a card number" in card_number.content.decode()
    assert "4111" not in card_number.content.decode()
    payment = PatientPayment.objects.get(patient=patient)
    assert paid["Location"] == f"/portal/bills/receipts/{payment.pk}/"
    assert (payment.amount, payment.method, payment.reference) == (
        Decimal("24.00"),
        "card",
        "CONF-7781",
    )
    assert payment.received_by is None
    assert balance_on(patient, timezone.localdate()) == Decimal("0.00")
    assert AuditEvent.objects.filter(
        object_type="patient_payment",
        action="create",
        actor_username=f"portal account {account.pk}",
        patient_id=patient.pk,
    ).exists()
    receipt = browser.get(paid["Location"]).content.decode()
    assert "online, in the patient portal" in receipt
    pdf = browser.get(f"/portal/bills/receipts/{payment.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_patients_statement_or_receipt_is_not_found(stated):
    desk, _statement, _account, browser = stated
    sibling = register(desk.actor, "Sib")
    theirs = do_create_statement(desk.actor, sibling, day=timezone.localdate())

    assert browser.get(f"/portal/bills/statements/{theirs.pk}/").status_code == 404
    assert browser.get(f"/portal/bills/statements/{theirs.pk}/pdf/").status_code == 404
    assert browser.get("/portal/bills/receipts/999999/").status_code == 404
    assert "Sib" not in browser.get("/portal/bills/").content.decode()


class Declining:
    def take(self, amount: Decimal, reference: str) -> str:
        raise PaymentDeclined("The card was declined.")


def test_the_adapter_named_in_settings_takes_the_payment(stated, settings):
    _billing, _statement, _account, browser = stated
    settings.CLEANNOTE_PORTAL_PAYMENT_ADAPTER = f"{__name__}.Declining"

    refused = browser.post("/portal/bills/pay/", {"amount": "24.00", "reference": "CONF-7781"})

    assert refused.status_code == 400
    assert "The card was declined." in refused.content.decode()
    assert not PatientPayment.objects.exists()


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_patient_downloads_the_statement_the_clinic_sent_as_pdf(stated):
    _billing, statement, account, browser = stated

    page = browser.get(f"/portal/bills/statements/{statement.pk}/").content.decode()
    pdf = browser.get(f"/portal/bills/statements/{statement.pk}/pdf/")

    assert f'href="/portal/bills/statements/{statement.pk}/pdf/"' in page
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="statement-{statement.number}.pdf"'
    # the same statement as the staff side's PDF, read back from the page text
    assert _pdf_text(pdf.content) == _pdf_text(render_statement_pdf(statement))
    assert "$24.00" in _pdf_text(pdf.content)
    assert AuditEvent.objects.filter(
        object_type="statement",
        action="export",
        object_id=str(statement.pk),
        actor_username=f"portal account {account.pk}",
        patient_id=statement.patient_id,
    ).exists()


def test_a_guardian_downloads_the_dependants_statement_only_while_viewing_them(stated):
    desk, own, account, browser = stated
    patient = desk.clinic.patient
    child = register(desk.actor, "Kid", email=patient.email)
    same, _secret = do_invite_to_portal(desk.actor, child, channel="email", relationship="parent")
    assert same == account
    childs = do_create_statement(desk.actor, child, day=timezone.localdate())

    # viewing their own record, the child's statement is not found
    assert browser.get(f"/portal/bills/statements/{childs.pk}/pdf/").status_code == 404
    browser.post("/portal/viewing/", {"access": PortalAccess.objects.get(patient=child).pk})
    # viewing the child, the child's is there and their own is not
    assert browser.get(f"/portal/bills/statements/{childs.pk}/pdf/").status_code == 200
    assert browser.get(f"/portal/bills/statements/{own.pk}/pdf/").status_code == 404
    assert AuditEvent.objects.filter(
        object_type="statement", action="export", patient_id=child.pk
    ).exists()
