"""Claims from signed notes: scrubbed by the core, priced per unit, refused with findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import do_create_claim_from_note, do_create_fee_schedule
from cleannote.apps.claims.errors import ClaimError, ClaimRefusedError
from cleannote.apps.claims.fees import fee_schedule_for
from cleannote.apps.claims.models import ClaimStatus, FeeSchedule, Frequency
from tests.apps.claims.conftest import new_claim


def test_claim_from_a_signed_note_prices_scrubbed_units_from_the_fee_schedule(billing):
    # given a signed note with 38 minutes of 97110 and 10 of 97140 (Medicare, CMS 8-minute rule)
    # when
    claim = new_claim(billing)
    # then: 48 timed minutes are 3 units, 2 for 97110 and 1 for 97140, at $65 and $60 per unit
    lines = [(line.code, line.units, line.modifiers, line.charge) for line in claim.lines.all()]
    assert lines == [
        ("97110", 2, ["GP"], Decimal("130.00")),
        ("97140", 1, ["GP"], Decimal("60.00")),
    ]
    assert claim.total_charge == Decimal("190.00")
    assert [d.code for d in claim.diagnoses.all()] == ["M54.50"]
    assert claim.status == ClaimStatus.DRAFT
    assert claim.frequency == Frequency.ORIGINAL
    assert claim.patient_control_number == f"CN{claim.pk}"
    assert [line.line_control_number for line in claim.lines.all()] == [
        f"CN{claim.pk}-1",
        f"CN{claim.pk}-2",
    ]
    assert claim.payer_id == "MCR"
    assert claim.visit["referral"]["npi"] == "1497758544"
    assert [(e.previous_status, e.status) for e in claim.events.all()] == [("", "draft")]


def test_claim_keeps_warnings_for_the_worklist(billing):
    claim = new_claim(billing)
    assert {f.severity for f in claim.findings.all()} <= {"warning", "info"}
    assert claim.findings.exists()


def test_claim_creation_is_audited_under_the_patient(billing):
    claim = new_claim(billing)
    event = AuditEvent.objects.filter(object_type="claim", object_id=str(claim.pk)).get()
    assert (event.action, event.patient_id, event.actor_username) == (
        "create",
        billing.clinic.patient.pk,
        "bill",
    )


def test_prior_authorization_is_carried(billing):
    claim = do_create_claim_from_note(billing.actor, billing.note, prior_authorization="AUTH77")
    assert claim.visit["prior_authorization"] == "AUTH77"


def test_note_with_error_findings_is_refused_with_its_findings(billing):
    # given the clinic's first signed note: its block names no goal
    # when / then
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, billing.clinic.signed_note)
    rules = {f.rule for f in refused.value.findings if f.severity.value == "error"}
    assert "doc.no-goal" in rules
    assert "Example" not in str(refused.value)  # no patient name in the message


@pytest.mark.parametrize(
    ("who", "problem"),
    [
        ("therapist", "only billers and owners"),
        ("front_desk", "only billers and owners"),
    ],
    ids=["therapist", "front-desk"],
)
def test_only_billers_and_owners_create_claims(billing, who, problem):
    staff = getattr(billing.clinic, who)
    actor = Actor(user=staff.user, organisation=billing.clinic.organisation)
    with pytest.raises(ClaimError, match=problem):
        do_create_claim_from_note(actor, billing.note)


def test_owner_may_create_claims(billing):
    owner = billing.clinic.owner
    claim = do_create_claim_from_note(
        Actor(user=owner.user, organisation=billing.clinic.organisation), billing.note
    )
    assert claim.pk


def test_draft_note_is_refused(billing):
    with pytest.raises(ClaimError, match=r"note \d+: is not signed"):
        do_create_claim_from_note(billing.actor, billing.clinic.draft_note)


def test_note_of_another_organisation_is_refused(billing, other_clinic):
    with pytest.raises(ClaimError, match="no such note in this organisation"):
        do_create_claim_from_note(billing.actor, other_clinic.note)


def test_code_missing_from_the_fee_schedule_is_refused(billing):
    billing.schedule.entries.filter(code="97140").delete()
    with pytest.raises(ClaimError, match=r"fee schedule \d+: has no fee for 97140"):
        new_claim(billing)


def test_no_fee_schedule_in_force_is_refused(billing):
    FeeSchedule.objects.update(effective_through=dt.date(2024, 12, 31))
    with pytest.raises(ClaimError, match=r"no fee schedule in force on"):
        new_claim(billing)


@pytest.mark.parametrize(
    ("payer_id", "day", "expected"),
    [
        ("MCR", dt.date(2026, 3, 1), "Medicare 2026"),
        ("MCR", dt.date(2025, 6, 1), "Riverside standard"),
        ("OTHER", dt.date(2026, 3, 1), "General 2026"),
    ],
    ids=["payer-specific-wins", "before-the-payer-schedule", "other-payer-takes-newest-general"],
)
def test_fee_schedule_choice(billing, payer_id, day, expected):
    location = billing.clinic.location
    for name, payer in (("Medicare 2026", "MCR"), ("General 2026", "")):
        do_create_fee_schedule(
            location, name=name, source="test", payer_id=payer,
            effective_from=dt.date(2026, 1, 1), fees={"97110": Decimal("1")},
        )  # fmt: skip
    assert fee_schedule_for(location, payer_id, day).name == expected
