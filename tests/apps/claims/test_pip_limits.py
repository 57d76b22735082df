"""A case's PIP limit drawn down by posted payments, and the claims after it runs out
(ADR 0770). Worked example: a $10,000 PIP limit, $9,600 paid, a visit expected at $190."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    LineOutcome,
    do_create_claim_from_note,
    do_record_adjudication,
)
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.claims.models import Claim
from cleannote.apps.patients.benefit_limits import do_record_pip_exhausted, pip_use
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.models import Case, Coverage
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.forward_flags import flags_for
from cleannote.apps.scheduling.models import Appointment
from tests.apps.claims.conftest import Billing, signed_note
from tests.personas import TODAY, client_for


@pytest.fixture
def auto(billing: Billing) -> Case:
    """Pat's case is a New York car accident billed to Roadway PIP ($10,000 limit); the
    health plan is a commercial plan (New York is a no-fault state: PIP pays first)."""
    patient = billing.clinic.patient
    Coverage.objects.filter(patient=patient).update(
        kind="commercial", payer_name="Blue Plan", payer_id="BLUE"
    )
    pip = Coverage.objects.create(
        patient=patient,
        priority="secondary",
        payer_name="Roadway PIP",
        payer_id="ROADWAY",
        kind="auto_pip",
        member_id="POL-77",
        active_from=dt.date(2025, 1, 1),
    )
    case = billing.clinic.case
    Case.objects.filter(pk=case.pk).update(
        coverage=pip,
        accident_kind="auto",
        accident_date=case.opened_on - dt.timedelta(days=5),
        accident_state="NY",
        insurer_claim_number="RW-2026-0042",
        pip_medpay_limit=Decimal("10000.00"),
    )
    case.refresh_from_db()
    # 97110 at $195 a unit: the fixture's note (97110 x2, 97140 x1) bills $450.
    billing.schedule.entries.filter(code="97110").update(amount=Decimal("195.00"))
    return case


def _pay(billing: Billing, claim: Claim, amount: str, day: dt.date) -> Claim:
    """Post a payment of `amount` on the claim's first line (as an 835 or an EOB would)."""
    return do_record_adjudication(
        billing.actor,
        claim,
        adjudicated_on=day,
        payer_claim_number="RW-1",
        lines={1: LineOutcome(paid=Decimal(amount))},
        paid=Decimal(amount),
    )


def _sent(billing: Billing, claim: Claim) -> Claim:
    Claim.objects.filter(pk=claim.pk).update(status="accepted")
    claim.refresh_from_db()
    return claim


def _book(billing: Billing, days: int) -> Appointment:
    clinic = billing.clinic
    front = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(9), tzinfo=zone)
    return do_book_appointment(
        front,
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


def test_posted_payments_draw_the_limit_and_the_visit_that_exhausts_it_is_flagged(billing, auto):
    claim = _sent(billing, do_create_claim_from_note(billing.actor, billing.note))
    assert (claim.payer_id, claim.total_charge) == ("ROADWAY", Decimal("450.00"))
    _pay(billing, claim, "9600.00", TODAY - dt.timedelta(days=1))  # a catch-up of earlier bills
    use = pip_use(Case.objects.get(pk=auto.pk))
    assert use is not None
    assert (use.limit, use.paid, use.remaining) == (
        Decimal("10000.00"),
        Decimal("9600.00"),
        Decimal("400.00"),
    )
    first, second = _book(billing, 1), _book(billing, 3)
    flags = flags_for(billing.clinic.organisation, [first, second], TODAY)
    # The case's visits bill about $450 (its one claim): $400 left, the next visit passes it.
    assert list(flags) == [first.pk]
    (flag,) = flags[first.pk]
    assert flag.kind.value == "pip-limit"
    assert "$400.00 left of the $10,000.00 PIP/MedPay limit" in flag.message
    assert "bills about $450.00" in flag.message


def test_a_claim_not_yet_answered_draws_its_charge(billing, auto):
    do_create_claim_from_note(billing.actor, billing.note)
    Case.objects.filter(pk=auto.pk).update(pip_medpay_limit=Decimal("800.00"))
    booked = _book(billing, 1)
    flags = flags_for(billing.clinic.organisation, [booked], TODAY)
    assert "$350.00 left of the $800.00" in flags[booked.pk][0].message


def test_reaching_the_limit_sends_the_next_claim_to_the_health_plan(billing, auto):
    claim = _sent(billing, do_create_claim_from_note(billing.actor, billing.note))
    paid_on = TODAY - dt.timedelta(days=1)
    _pay(billing, claim, "10000.00", paid_on)
    case = Case.objects.get(pk=auto.pk)
    assert case.pip_exhausted_on == paid_on
    assert "reached the $10,000.00 limit" in case.pip_exhaustion_note
    later = do_create_claim_from_note(
        billing.actor, signed_note(billing.clinic, TODAY - dt.timedelta(days=1))
    )
    assert (later.payer_id, later.payer_kind) == ("BLUE", "commercial")
    assert later.prior_payer_exhausted_on == paid_on
    assert later.prior_payer_exhaustion_note.startswith(
        f"Roadway PIP PIP/MedPay exhausted {paid_on}"
    )
    page = reverse("claims:detail", args=[later.pk])
    body = client_for(billing.clinic.biller).get(page).content.decode()
    assert 'id="prior-payer-exhausted"' in body
    # No booked visit is flagged any more: the health plan bills them.
    booked = _book(billing, 2)
    assert flags_for(billing.clinic.organisation, [booked], TODAY) == {}


def test_the_carriers_letter_exhausts_the_benefits_before_the_limit(billing, auto):
    letter = TODAY - dt.timedelta(days=4)
    do_record_pip_exhausted(
        billing.actor, auto, on=letter, note="Roadway letter: benefits exhausted"
    )
    later = do_create_claim_from_note(billing.actor, billing.note)
    assert later.payer_id == "BLUE"
    assert later.prior_payer_exhausted_on == letter
    assert "Roadway letter" in later.prior_payer_exhaustion_note
    # The visit as billed says so too, so the no-fault scrub lets the health plan be billed.
    assert later.snapshot().accident is not None
    assert later.snapshot().accident.pip_exhausted_on == letter


def test_before_exhaustion_a_health_plan_claim_is_refused_in_a_no_fault_state(billing, auto):
    blue = Coverage.objects.get(patient=billing.clinic.patient, payer_id="BLUE")
    with pytest.raises(ClaimRefusedError):
        do_create_claim_from_note(billing.actor, billing.note, coverage=blue)


@pytest.mark.parametrize(
    ("kind", "note", "field"),
    [("commercial", "letter", "pip_exhausted_on"), ("auto_pip", "  ", "pip_exhaustion_note")],
)
def test_recording_exhaustion_refuses_what_makes_no_sense(billing, auto, kind, note, field):
    Coverage.objects.filter(pk=auto.coverage_id).update(kind=kind)
    with pytest.raises(ChartChangeRefused) as refused:
        do_record_pip_exhausted(billing.actor, Case.objects.get(pk=auto.pk), on=TODAY, note=note)
    assert refused.value.field == field
    assert Case.objects.get(pk=auto.pk).pip_exhausted_on is None


def test_the_case_page_shows_the_limit_and_records_the_letter(billing, auto):
    client = client_for(billing.clinic.front_desk)
    chart = reverse("patients:chart", args=[billing.clinic.patient.pk])
    body = client.get(chart).content.decode()
    assert "limit $10,000.00 · paid $0.00 · remaining $10,000.00" in body
    url = reverse("patients:pip_exhausted", args=[billing.clinic.patient.pk, auto.pk])
    response = client.post(url, {"exhausted_on": TODAY.isoformat(), "note": "Roadway letter"})
    assert response.status_code in (200, 302)
    body = client.get(chart).content.decode()
    assert f"exhausted {TODAY.isoformat()}" in body
