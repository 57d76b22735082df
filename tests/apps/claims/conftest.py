"""Billing on top of the Riverside clinic (tests/personas.py): a fee schedule for its
location, taxonomies on the clinicians, and helpers to move a claim along its life."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    LineOutcome,
    do_build_batch,
    do_change_claim_status,
    do_create_claim_from_note,
    do_create_fee_schedule,
    do_mark_ready,
    do_record_adjudication,
)
from cleannote.apps.claims.models import Claim, ClaimStatus, FeeSchedule
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Patient, PlanOfCare
from tests.personas import TODAY, Clinic

FEES = {"97110": (Decimal("65.00"), Decimal("30.12")), "97140": Decimal("60.00")}


@dataclass
class Billing:
    clinic: Clinic
    actor: Actor
    schedule: FeeSchedule
    note: Note
    """A signed note the scrubber passes: certified plan, goal-linked blocks."""


@pytest.fixture
def billing(clinic: Clinic, settings, tmp_path) -> Billing:
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"
    settings.REDIS_URL = ""
    Staff.objects.filter(pk__in=[clinic.therapist.pk, clinic.owner.pk]).update(
        taxonomy="225100000X"
    )
    schedule = do_create_fee_schedule(
        clinic.location,
        name="Riverside standard",
        source="test chargemaster",
        effective_from=dt.date(2024, 1, 1),
        fees=FEES,
    )
    PlanOfCare.objects.filter(pk=clinic.plan.pk).update(signature_received_on=TODAY)
    Organisation.objects.filter(pk=clinic.organisation.pk).update(zip="627011234")
    clinic.organisation.refresh_from_db()
    Patient.objects.filter(pk=clinic.patient.pk).update(
        address_line1="12 Elm St", city="Springfield", state="IL", zip="62704"
    )
    note = signed_note(clinic, TODAY - dt.timedelta(days=3))
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation, ip_address="10.0.0.9")
    return Billing(clinic, actor, schedule, note)


def signed_note(clinic: Clinic, day: dt.date) -> Note:
    """A note the scrubber passes: 38 minutes of 97110 and 10 of 97140, goal-linked, signed."""
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    note = do_start_note(
        clinical, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=day,
    )  # fmt: skip
    goal = clinic.plan.goals.get()
    do_add_treatment_block(
        clinical,
        note,
        code="97110",
        minutes=38,
        body_regions=["lumbar"],
        goals=[goal],
        justification="core strength for walking tolerance",
    )
    do_add_treatment_block(
        clinical,
        note,
        code="97140",
        minutes=10,
        body_regions=["lumbar"],
        goals=[goal],
        justification="soft tissue mobilisation for pain",
    )
    return do_sign_note(clinical, note, clinic.therapist)


def another_claim(billing: Billing, days_ago: int) -> Claim:
    """A draft claim for a further signed note `days_ago` days back (one claim per note)."""
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=days_ago))
    return do_create_claim_from_note(billing.actor, note)


def new_claim(billing: Billing) -> Claim:
    return do_create_claim_from_note(billing.actor, billing.note)


def sent_claim(billing: Billing) -> Claim:
    """A claim marked ready, batched and accepted by the payer's front end."""
    claim = new_claim(billing)
    do_mark_ready(billing.actor, claim)
    do_build_batch(billing.actor, [claim.pk])
    return do_change_claim_status(billing.actor, claim, ClaimStatus.ACCEPTED, reason="277CA")


def adjudicated_claim(
    billing: Billing, paid: tuple[str, str], *, payer_claim_number: str = "PCN123"
) -> Claim:
    """A sent claim ($130 for 97110 x2, $60 for 97140) adjudicated with `paid` per line;
    the rest of each charge is a CO-45 adjustment, or CO-50 (not medically necessary) when
    nothing was paid."""
    claim = sent_claim(billing)
    outcomes = {}
    for line in claim.lines.all():
        amount = Decimal(paid[line.number - 1])
        rest = line.charge - amount
        reason = "45" if amount else "50"
        outcomes[line.number] = LineOutcome(paid=amount, adjustments=(("CO", reason, rest),))
    return do_record_adjudication(
        billing.actor,
        claim,
        adjudicated_on=TODAY - dt.timedelta(days=1),  # corrected claims count from it (ADR 0391)
        payer_claim_number=payer_claim_number,
        lines=outcomes,
    )
