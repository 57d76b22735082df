"""A claim's stored visit carries the payer directory's record (overrides and timely filing
days), so scrubbing it again outside the app (`cleannote scrub` on the JSON) gives the app's
result: the same lines and units, the same findings."""

from __future__ import annotations

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.payers.actions import do_update_payer
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import parse_visit
from tests.personas import TODAY


def test_rescrubbing_the_stored_visit_gives_the_apps_result(billing):
    # given: the Medicare record bills per code and sets its own filing limit
    record = billing.clinic.case.coverage.payer_record
    do_update_payer(
        billing.actor, record, policy_overrides={"unit_method": "per_code"}, timely_filing_days=300
    )
    record.refresh_from_db()
    # when
    claim = do_create_claim_from_note(billing.actor, billing.note)
    stored = parse_visit(claim.visit, source=f"claim {claim.pk}")
    again = scrub(stored, as_of=TODAY)
    # then: the record came along
    assert stored.payer.policy_overrides == record.core_overrides
    assert stored.payer.timely_filing_days == 300
    # and the stored visit scrubs to what the app billed and kept
    assert {(line.code, line.units) for line in again.lines} == {
        (line.code, line.units) for line in claim.lines.all()
    }
    assert {(line.code, line.units) for line in again.lines} == {("97110", 3), ("97140", 1)}
    assert sorted((f.rule, f.message) for f in again.findings) == sorted(
        claim.findings.values_list("rule", "message")
    )
    assert again.clean
