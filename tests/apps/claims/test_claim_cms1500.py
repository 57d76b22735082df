"""A claim's CMS-1500: its codes and totals on the page, box 22 for a corrected claim, box 29
for a secondary, billers and owners only, one organisation, and an export in the audit log."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.claims.actions import do_create_corrected_claim, do_create_secondary_claim
from cleannote.apps.claims.claim_form import claim_to_form
from tests.apps.claims.conftest import adjudicated_claim, new_claim
from tests.apps.claims.test_claim_lifecycle import _secondary_coverage
from tests.forms.test_cms1500 import boxes_by_page
from tests.personas import client_for


def _pdf(client, claim, mode: str = "full") -> bytes:
    response = client.get(f"/claims/{claim.pk}/cms1500.pdf?mode={mode}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.mark.parametrize(
    ("mode", "has_captions"), [("full", True), ("data_only", False)], ids=["plain", "red-form"]
)
def test_claim_prints_its_codes_and_totals(billing, mode, has_captions):
    # given a draft claim: 97110 x2 $130 and 97140 x1 $60, Medicare
    claim = new_claim(billing)
    # when a biller asks for the form
    pdf = _pdf(client_for(billing.clinic.biller), claim, mode)
    # then the page carries the claim's codes, charges, total and account number
    [boxes] = boxes_by_page(pdf)
    assert (boxes["24d.code#1"], boxes["24g#1"], boxes["24f.dollars#1"]) == ("97110", "2", "130")
    assert (boxes["24d.code#2"], boxes["24g#2"], boxes["24f.dollars#2"]) == ("97140", "1", "60")
    assert (boxes["28.dollars"], boxes["28.cents"]) == ("190", "00")
    assert boxes["26"] == claim.patient_control_number
    assert "22.code" not in boxes
    assert "29.dollars" not in boxes
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert ("HEALTH INSURANCE CLAIM FORM" in text) is has_captions


def test_the_form_bills_what_the_837p_bills(billing):
    # given a claim / when it is mapped for the form
    claim = new_claim(billing)
    form = claim_to_form(claim)
    # then the lines and the account number are the claim's own
    assert form.visit.id == claim.patient_control_number
    assert [(line.code, line.units, line.charge) for line in form.lines] == [
        (line.code, line.units, line.charge) for line in claim.lines.all()
    ]
    assert sum(line.charge for line in form.lines) == claim.total_charge


def test_corrected_claim_carries_frequency_7_and_the_payer_claim_number(billing):
    # given a denied claim the payer numbered PCN123, and its corrected claim
    denied = adjudicated_claim(billing, ("0", "0"), payer_claim_number="PCN123")
    corrected = do_create_corrected_claim(billing.actor, denied, reason="added modifier")
    # when the corrected claim is printed
    [boxes] = boxes_by_page(_pdf(client_for(billing.clinic.owner), corrected))
    # then box 22 holds 7 and the original reference
    assert (boxes["22.code"], boxes["22.reference"]) == ("7", "PCN123")


def test_secondary_claim_shows_what_the_primary_paid_in_box_29(billing):
    # given a primary claim paid $100 on $190, and secondary coverage
    primary = adjudicated_claim(billing, ("70", "30"))
    _secondary_coverage(billing)
    secondary = do_create_secondary_claim(billing.actor, primary)
    # when the secondary claim is printed
    form = claim_to_form(secondary)
    [boxes] = boxes_by_page(_pdf(client_for(billing.clinic.biller), secondary))
    # then box 29 holds the primary's payment, not the secondary payer's own answer
    assert form.amount_paid == Decimal("100.00")
    assert (boxes["29.dollars"], boxes["29.cents"]) == ("100", "00")


def test_an_unknown_mode_is_a_bad_request(billing):
    claim = new_claim(billing)
    client = client_for(billing.clinic.biller)
    assert client.get(f"/claims/{claim.pk}/cms1500.pdf?mode=blue").status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    [("biller", 200), ("owner", 200), ("therapist", 403), ("front_desk", 403)],
    ids=["biller", "owner", "therapist", "front-desk"],
)
def test_only_billers_and_owners_print_claims(billing, who, status):
    claim = new_claim(billing)
    client = client_for(getattr(billing.clinic, who))
    assert client.get(f"/claims/{claim.pk}/cms1500.pdf").status_code == status


def test_another_organisations_claim_is_404(billing, other_clinic):
    from cleannote.apps.organisations.actions import do_create_staff
    from cleannote.apps.organisations.models import Role

    claim = new_claim(billing)
    stranger = do_create_staff(
        other_clinic.organisation, username="hank", password="x" * 12, first_name="Hank",
        last_name="Harbor", role=Role.BILLER,
    )  # fmt: skip
    response = client_for(stranger).get(f"/claims/{claim.pk}/cms1500.pdf")
    assert response.status_code == 404


def test_printing_is_an_audited_export_and_the_page_has_both_buttons(billing):
    # given a claim and its page
    claim = new_claim(billing)
    client = client_for(billing.clinic.biller)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "CMS-1500 (plain paper)" in page
    assert "CMS-1500 (red form)" in page
    assert f"/claims/{claim.pk}/cms1500.pdf?mode=data_only" in page
    # when the form is printed
    _pdf(client, claim, "data_only")
    # then an export of the claim is audited under its patient
    event = AuditEvent.objects.get(
        action=AuditAction.EXPORT, object_type="claim", object_id=str(claim.pk)
    )
    assert event.patient_id == claim.patient_id
