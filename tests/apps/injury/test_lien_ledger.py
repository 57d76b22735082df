"""The lien ledger of a letter-of-protection case, its settlement to the cent, and the packet
for the attorney (ADR 0771). Each visit of the fixture (38 minutes of 97110, 10 of 97140)
bills a liability carrier by the minutes of each code: 97110 x3 at $65 and 97140 x1 at $60,
$255.00 at the full fee; three visits $765.00."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.injury.actions import (
    do_post_lien_charges,
    do_record_lien_entry,
    do_record_settlement,
)
from cleannote.apps.injury.errors import InjuryRefused
from cleannote.apps.injury.models import LienEntry, LienKind, Settlement
from cleannote.apps.injury.packet import render_case_packet
from cleannote.apps.injury.selectors import lien_balance, lien_ledger
from cleannote.apps.patients.models import Case
from tests.apps.claims.conftest import Billing, signed_note
from tests.personas import TODAY, client_for


def _three_visits(billing: Billing, case: Case) -> None:
    do_create_claim_from_note(billing.actor, billing.note)
    for days_ago in (6, 9):
        note = signed_note(billing.clinic, TODAY - dt.timedelta(days=days_ago))
        do_create_claim_from_note(billing.actor, note)


def test_charges_come_from_the_claims_at_the_full_fee_once(billing, lop):
    _three_visits(billing, lop)
    made = do_post_lien_charges(billing.actor, lop)
    assert [e.amount for e in made] == [Decimal("255.00")] * 3
    assert do_post_lien_charges(billing.actor, lop) == []  # posting again adds nothing
    assert lien_balance(lop.pk) == Decimal("765.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        LienEntry.objects.create(
            organisation=billing.clinic.organisation,
            case=lop,
            kind=LienKind.CHARGE,
            entry_date=TODAY,
            amount=Decimal("1.00"),
            claim=made[0].claim,
            recorded_by=billing.actor.user,
            recorded_at=made[0].recorded_at,
        )


def test_the_full_fee_is_the_charge_master_not_a_payers_schedule(billing, lop):
    from cleannote.apps.claims.actions import do_create_fee_schedule

    do_create_fee_schedule(
        billing.clinic.location,
        name="Harbor casualty schedule",
        source="test",
        effective_from=dt.date(2024, 1, 1),
        payer_id="HARBOR",
        fees={"97110": Decimal("40.00"), "97140": Decimal("30.00")},
    )
    claim = do_create_claim_from_note(billing.actor, billing.note)
    assert claim.total_charge == Decimal("150.00")  # the payer's schedule
    (charge,) = do_post_lien_charges(billing.actor, lop)
    assert charge.amount == Decimal("255.00")  # the clinic's full fee


# (label, payments before, reduction, payment, written off)
SETTLEMENTS = [
    ("a third off, the rest paid: nothing written off", "0", "255.00", "510.00", "0.00"),
    ("a payment before, a third off what is left, to the cent", "100.00", "221.67", "443.33",
     "0.00"),
    ("the settlement pays short: the rest written off", "0", "191.25", "400.00", "173.75"),
    ("nothing paid at all: all written off", "0", "0", "0", "765.00"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("before", "reduction", "payment", "written_off"),
    [c[1:] for c in SETTLEMENTS],
    ids=[c[0] for c in SETTLEMENTS],
)
def test_a_settlement_closes_the_balance_to_the_cent(
    billing, lop, before, reduction, payment, written_off
):
    _three_visits(billing, lop)
    do_post_lien_charges(billing.actor, lop)
    if Decimal(before):
        do_record_lien_entry(
            billing.actor, lop, kind="payment", amount=before, on=TODAY, memo="Check 1041"
        )
    done = do_record_settlement(
        billing.actor,
        lop,
        settled_on=TODAY,
        settlement_amount="25000.00",
        reduction=reduction,
        payment=payment,
    )
    assert done.balance_before == Decimal("765.00") - Decimal(before)
    assert done.write_off == Decimal(written_off)
    assert lien_balance(lop.pk) == Decimal("0.00")
    ledger = lien_ledger(Case.objects.get(pk=lop.pk))
    assert ledger.balance == Decimal("0.00")
    assert ledger.totals["write_off"] == Decimal(written_off)
    assert ledger.totals["payment"] == Decimal(before) + Decimal(payment)
    assert AuditEvent.objects.filter(object_type="settlement", object_id=str(done.pk)).exists()


@pytest.mark.parametrize(
    ("reduction", "payment", "field"),
    [
        ("400.00", "400.00", "payment"),  # 800 > 765
        ("-5", "0", "reduction"),
        ("1.005", "0", "reduction"),
        ("lots", "0", "reduction"),
    ],
)
def test_a_settlement_past_the_balance_or_not_money_is_refused(
    billing, lop, reduction, payment, field
):
    _three_visits(billing, lop)
    do_post_lien_charges(billing.actor, lop)
    with pytest.raises(InjuryRefused) as refused:
        do_record_settlement(
            billing.actor,
            lop,
            settled_on=TODAY,
            settlement_amount="1000",
            reduction=reduction,
            payment=payment,
        )
    assert refused.value.field == field
    assert not Settlement.objects.exists()
    assert lien_balance(lop.pk) == Decimal("765.00")


def test_after_the_settlement_the_ledger_is_closed(billing, lop):
    _three_visits(billing, lop)
    do_post_lien_charges(billing.actor, lop)
    do_record_settlement(
        billing.actor, lop, settled_on=TODAY, settlement_amount="9000", reduction="0",
        payment="765.00",
    )  # fmt: skip
    with pytest.raises(InjuryRefused):
        do_record_lien_entry(billing.actor, lop, kind="payment", amount="10", on=TODAY)
    with pytest.raises(InjuryRefused):
        do_post_lien_charges(billing.actor, lop)


def test_a_payment_by_hand_may_not_pass_the_balance_nor_be_a_write_off(billing, lop):
    _three_visits(billing, lop)
    do_post_lien_charges(billing.actor, lop)
    with pytest.raises(InjuryRefused) as too_much:
        do_record_lien_entry(billing.actor, lop, kind="payment", amount="765.01", on=TODAY)
    assert too_much.value.field == "amount"
    with pytest.raises(InjuryRefused) as kind:
        do_record_lien_entry(billing.actor, lop, kind="write_off", amount="10", on=TODAY)
    assert kind.value.field == "kind"


def test_the_front_desk_keeps_no_lien_ledger(billing, lop):
    clinic = billing.clinic
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    with pytest.raises(InjuryRefused):
        do_post_lien_charges(desk, lop)
    assert (
        client_for(clinic.front_desk).get(reverse("injury:ledger", args=[lop.pk])).status_code
        == 403
    )


def test_the_attorney_packet_holds_letter_notes_bill_forms_and_ledger(billing, lop):
    _three_visits(billing, lop)
    do_post_lien_charges(billing.actor, lop)
    do_record_lien_entry(
        billing.actor, lop, kind="reduction", amount="57.00", on=TODAY, memo="10% agreed"
    )
    pdf = PdfReader(io.BytesIO(render_case_packet(Case.objects.get(pk=lop.pk), "attorney")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "To: Dana Whitfield, Esq." in text
    assert "Charges to date $765.00; balance $708.00" in text
    assert "3 CMS-1500 claim form(s)" in text
    for part in ("Itemised bill", "97110", "$195.00", "Lien ledger", "10% agreed", "-$57.00"):
        assert part in text
    assert pdf.metadata is not None
    assert "attorney" in (pdf.metadata.title or "")
    # The signed notes (3) and a CMS-1500 page per claim follow the letter and the bill.
    assert text.count("HEALTH INSURANCE CLAIM FORM") >= 3
    assert len(pdf.pages) >= 1 + 3 + 2 + 3


def test_the_pages_the_biller_uses(billing, lop):
    _three_visits(billing, lop)
    client = client_for(billing.clinic.biller)
    ledger = reverse("injury:ledger", args=[lop.pk])
    assert "Nothing on the ledger yet" in client.get(ledger).content.decode()
    client.post(reverse("injury:post_charges", args=[lop.pk]))
    page = client.get(ledger).content.decode()
    assert 'id="lien-balance">$765.00' in page
    bad = client.post(
        reverse("injury:settle", args=[lop.pk]),
        {"settled_on": TODAY.isoformat(), "settlement_amount": "20000", "reduction": "400",
         "payment": "400", "memo": ""},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "more than the balance of $765.00" in bad.content.decode()
    good = client.post(
        reverse("injury:settle", args=[lop.pk]),
        {"settled_on": TODAY.isoformat(), "settlement_amount": "20000", "reduction": "255",
         "payment": "400", "memo": "Whitfield check 5521"},
    )  # fmt: skip
    assert good.status_code == 302
    page = client.get(ledger).content.decode()
    assert 'id="lien-balance">$0.00' in page
    assert "written off $110.00" in page
    packet = client.get(reverse("injury:packet", args=[lop.pk]) + "?for=case_manager")
    assert packet["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(object_type="case_packet").exists()
    chart = client.get(reverse("patients:chart", args=[billing.clinic.patient.pk]))
    assert f'id="lien-ledger-{lop.pk}"' in chart.content.decode()
