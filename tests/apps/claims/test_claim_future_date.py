"""The claims app passes the clinic's local date to the scrubber as the claim's creation date:
a note dated after it is refused as `date.future-service` (the core never reads the clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.errors import ClaimRefusedError
from tests.apps.claims.conftest import signed_note
from tests.personas import TODAY


def test_a_note_dated_after_the_clinics_today_is_refused(billing, settings):
    # given a signed note dated two days ahead of the clinic's today
    note = signed_note(billing.clinic, TODAY + dt.timedelta(days=2))
    # when
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, note)
    # then
    rules = {f.rule for f in refused.value.findings if f.severity.value == "error"}
    assert "date.future-service" in rules


def test_a_note_dated_today_is_billed(billing):
    # given (near miss) a signed note of the clinic's today
    note = signed_note(billing.clinic, TODAY)
    # when
    claim = do_create_claim_from_note(billing.actor, note)
    # then
    assert claim.lines.count() == 2
