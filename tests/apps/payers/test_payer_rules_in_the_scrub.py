"""A payer's overrides change the live scrub of that payer's patients and no one else's.

Two commercial payers, Keystone (with overrides) and Lakeshore (the kind's defaults); one patient
of each, the same visit documented for both. Commercial defaults: per-code units, 97010 not paid,
no referral required (data/payer_policies.json).
"""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.notes.live_scrub import scrub_loaded_note
from cleannote.apps.notes.visit_builder import build_visit, load_note_for_visit
from cleannote.apps.patients.actions import do_create_plan_of_care, do_register_patient
from cleannote.apps.patients.models import Case, Coverage, Patient, PlanOfCare
from cleannote.apps.payers.actions import do_create_payer, do_update_payer
from cleannote.apps.payers.models import Payer
from cleannote.rules.visit import UnitMethod

TODAY = dt.date.today()


def _patient_of(actor: Actor, clinic, payer: Payer, first: str):
    case = Case(discipline="PT", title="Neck pain", opened_on=TODAY - dt.timedelta(days=10))
    patient = do_register_patient(
        actor,
        patient=Patient(
            first_name=first, last_name="Test", birth_date=dt.date(1980, 1, 2), sex="M"
        ),
        coverage=Coverage(
            priority="primary",
            payer_record=payer,
            member_id="M123456",
            active_from=dt.date(2025, 1, 1),
        ),
        case=case,
    )
    do_create_plan_of_care(
        actor,
        case,
        PlanOfCare(
            diagnoses=["M54.2"],
            frequency_per_week=2,
            duration_weeks=4,
            start_date=TODAY - dt.timedelta(days=10),
            certified_through=TODAY + dt.timedelta(days=20),
        ),
    )
    note = do_start_note(
        actor, case=case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    do_add_treatment_block(actor, note, code="97110", minutes=10)
    do_add_treatment_block(actor, note, code="97140", minutes=10)
    do_add_treatment_block(actor, note, code="97010", minutes=None)
    return patient, note


def _scrub(note):
    return scrub_loaded_note(load_note_for_visit(note.pk))


@pytest.fixture
def two_payers(clinic):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    keystone = do_create_payer(
        actor, Payer(name="Keystone", claims_payer_id="KHP", kind="commercial")
    )
    lakeshore = do_create_payer(
        actor, Payer(name="Lakeshore", claims_payer_id="LSM", kind="commercial")
    )
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    _, keystone_note = _patient_of(clinical, clinic, keystone, "Kay")
    _, lakeshore_note = _patient_of(clinical, clinic, lakeshore, "Lee")
    return actor, keystone, keystone_note, lakeshore_note


def _units(result):
    return {line.code: line.units for line in result.lines}


def _rules(result):
    return {f.rule for f in result.findings}


def test_without_overrides_both_payers_get_the_commercial_defaults(two_payers):
    _, _, keystone_note, lakeshore_note = two_payers
    for note in (keystone_note, lakeshore_note):
        result = _scrub(note)
        assert _units(result)["97110"] == 1
        assert _units(result)["97140"] == 1
        assert "payer.97010-not-paid" in _rules(result)
        assert "referral.missing" not in _rules(result)


def test_overrides_change_only_that_payers_scrub(two_payers):
    actor, keystone, keystone_note, lakeshore_note = two_payers
    do_update_payer(
        actor,
        keystone,
        policy_overrides={"unit_method": "cms", "pays_97010": True, "referral_required": True},
    )
    overridden = _scrub(keystone_note)
    # CMS total time: 20 timed minutes are one unit, not one per code.
    assert sum(u for c, u in _units(overridden).items() if c != "97010") == 1
    assert "payer.97010-not-paid" not in _rules(overridden)
    assert "referral.missing" in _rules(overridden)

    untouched = _scrub(lakeshore_note)
    assert _units(untouched)["97110"] == 1
    assert _units(untouched)["97140"] == 1
    assert "payer.97010-not-paid" in _rules(untouched)
    assert "referral.missing" not in _rules(untouched)


def test_the_visit_carries_the_payer_records_rules(two_payers):
    actor, keystone, keystone_note, _ = two_payers
    do_update_payer(actor, keystone, policy_overrides={"unit_method": "cms"})
    visit = build_visit(load_note_for_visit(keystone_note.pk))
    assert visit.payer.policy_overrides == (("unit_method", UnitMethod.CMS),)


def test_changing_the_payers_kind_changes_the_rules_and_the_coverages_copy(two_payers):
    actor, keystone, keystone_note, _ = two_payers
    do_update_payer(actor, keystone, kind="auto_medpay", name="Keystone Auto")
    coverage = keystone_note.case.coverage
    coverage.refresh_from_db()
    assert (coverage.kind, coverage.payer_name) == ("auto_medpay", "Keystone Auto")
    # MedPay pays 97010 and wants a referral (its kind's defaults).
    result = _scrub(keystone_note)
    assert "payer.97010-not-paid" not in _rules(result)
    assert "referral.missing" in _rules(result)
