"""The claims app judges timely filing on the clinic's today (the core never reads the clock):
the payer record's limit, else its kind's default (ADR 0370). The fixture's note is three days
old and billed to the directory's Medicare record."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.payers.actions import do_update_payer
from tests.apps.claims.conftest import signed_note
from tests.personas import TODAY


def _limit(billing, days: int | None) -> None:
    record = billing.clinic.case.coverage.payer_record
    do_update_payer(billing.actor, record, timely_filing_days=days)


def test_past_the_records_limit_the_claim_is_refused(billing):
    # given a two-day limit and a three-day-old note
    _limit(billing, 2)
    # when
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, billing.note)
    # then
    errors = {f.rule for f in refused.value.findings if f.severity.value == "error"}
    assert errors == {"payer.timely-filing"}


def test_near_the_limit_the_claim_is_made_with_a_warning(billing):
    # given a ten-day limit: seven days left
    _limit(billing, 10)
    # when
    claim = do_create_claim_from_note(billing.actor, billing.note)
    # then
    soon = claim.findings.get(rule="payer.timely-filing-soon")
    assert soon.severity == "warning"
    assert soon.message.startswith("7 days left")


def test_near_miss_well_inside_the_limit_says_nothing(billing):
    _limit(billing, 30)
    claim = do_create_claim_from_note(billing.actor, billing.note)
    assert not claim.findings.filter(rule__startswith="payer.timely-filing").exists()


def test_without_a_record_limit_medicare_gets_its_year(billing):
    # given no figure on the record and a Medicare note a year and a day old
    _limit(billing, None)
    note = signed_note(billing.clinic, TODAY - dt.timedelta(days=366))
    # when
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, note)
    # then
    assert "payer.timely-filing" in {f.rule for f in refused.value.findings}
