"""A claim is scrubbed with its payer's directory rules: an override changes the billed units."""

from __future__ import annotations

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.payers.actions import do_update_payer
from tests.apps.claims.conftest import billing  # noqa: F401  (fixture found by name)


def _units(claim) -> dict[str, int]:
    return {line.code: line.units for line in claim.lines.all()}


def test_medicare_default_is_cms_total_time(billing):  # noqa: F811
    # 38 + 10 timed minutes: three units in all under the CMS rule.
    assert _units(do_create_claim_from_note(billing.actor, billing.note)) == {
        "97110": 2,
        "97140": 1,
    }


def test_a_per_code_override_bills_each_code_by_its_own_minutes(billing):  # noqa: F811
    payer = billing.clinic.case.coverage.payer_record
    do_update_payer(billing.actor, payer, policy_overrides={"unit_method": "per_code"})
    assert _units(do_create_claim_from_note(billing.actor, billing.note)) == {
        "97110": 3,
        "97140": 1,
    }
