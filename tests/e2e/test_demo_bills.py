"""The demo clinic's workers' comp patient bills: the case records the injury at work, which
the scrubber requires of a workers' comp claim (payer.accident-details)."""

from __future__ import annotations

from cleannote.apps.patients.models import Case
from tests.e2e.conftest import Demo, claims_from_signed_notes


def test_workers_comp_demo_notes_become_claims(demo: Demo):
    # given the demo (five patients), the third billed to workers' comp
    # when the biller bills every signed note
    claims, refusals = claims_from_signed_notes(demo)
    # then no note is refused for a missing accident, and workers' comp is billed
    refused_rules = {f.rule for refusal in refusals for f in refusal.findings}
    assert "payer.accident-details" not in refused_rules
    assert "DEMO-TWC" in {claim.payer_id for claim in claims}
    case = Case.objects.get(coverage__payer_id="DEMO-TWC")
    assert (case.accident_kind, case.accident_date) == ("employment", case.onset_date)
