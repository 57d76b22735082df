"""Claim-format errors a clinic fixes in its settings or the chart stop the claim, not the
clinician's signature (ADR 0350: CLINIC_SETUP_RULES in apps/notes/live_scrub.AFTER_SIGNATURE)."""

from __future__ import annotations

import pytest

from cleannote.apps.notes.live_scrub import blocks_sign_off
from cleannote.rules.claim_format_limits import CLINIC_SETUP_RULES, FORMAT_LIMITS
from cleannote.rules.findings import Finding, Severity
from cleannote.rules.scrub.rule_catalog import RULES


@pytest.mark.parametrize("rule", sorted(FORMAT_LIMITS))
def test_a_clinic_setup_error_stops_the_claim_and_not_the_signature(rule: str) -> None:
    finding = Finding(rule, Severity.ERROR, "m", "f", RULES[rule].source)
    assert blocks_sign_off(finding) is (rule not in CLINIC_SETUP_RULES)
