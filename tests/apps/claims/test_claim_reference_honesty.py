"""The gate and honest reference data (issue 9, ADR 0320): an MUE from a Cleannote default row
is a warning that neither blocks sign-off nor the claim; the same MUE from an imported CMS file
is an error that blocks both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.claims.errors import ClaimRefusedError
from cleannote.apps.notes.live_scrub import sign_off_clean
from cleannote.apps.notes.visit_builder import build_visit
from cleannote.rules.ncci import Mue, MueTable, bundled_ptp, parse_mue_file
from cleannote.rules.scrub.scrubber import scrub


def _default_mue() -> MueTable:
    # 97110 limited to 1 a day by a Cleannote default row, not a CMS value
    source = "Cleannote default, NOT a CMS value: test row; load the CMS file"
    row = Mue("97110", 1, 3, "test default", source, dt.date(2017, 1, 1), None, "L")
    return MueTable([row])


def _cms_mue(tmp_path: Path) -> MueTable:
    path = tmp_path / "MCR_MUE_PractitionerServices.csv"
    path.write_text("97110,1,3 Date of Service Edit: Clinical,Clinical: Data\n")
    return MueTable(parse_mue_file(path))


def test_a_default_rows_mue_warns_and_the_claim_is_made(billing):
    # given the signed note bills 2 units of 97110, above the default row's 1
    mue = _default_mue()
    # when
    claim = do_create_claim_from_note(billing.actor, billing.note, ptp=bundled_ptp(), mue=mue)
    # then the claim is made and keeps the warning, which says it is no CMS value
    [kept] = [f for f in claim.findings.all() if f.rule.startswith("units.mue")]
    assert (kept.rule, kept.severity) == ("units.mue-unconfirmed", "warning")
    assert "Cleannote default, not a CMS value" in kept.message
    assert sign_off_clean(scrub(build_visit(billing.note), bundled_ptp(), mue))


def test_the_same_mue_from_an_imported_cms_file_refuses_the_claim_and_sign_off(billing, tmp_path):
    mue = _cms_mue(tmp_path)
    # when / then
    with pytest.raises(ClaimRefusedError) as refused:
        do_create_claim_from_note(billing.actor, billing.note, ptp=bundled_ptp(), mue=mue)
    [error] = [f for f in refused.value.findings if f.rule.startswith("units.mue")]
    assert (error.rule, error.severity.value) == ("units.mue", "error")
    assert "CMS practitioner MUE file" in error.source
    assert not sign_off_clean(scrub(build_visit(billing.note), bundled_ptp(), mue))
