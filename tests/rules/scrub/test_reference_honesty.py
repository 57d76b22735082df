"""Honest reference data (issue 9, ADR 0320): a finding from a bundled Cleannote default or a
low-confidence NCCI/MUE row says so in its message and source and is a warning (it does not
block sign-off or the claim); the same edit from an imported CMS file is an error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.ncci import (
    MueTable,
    PtpTable,
    bundled_mue,
    bundled_ptp,
    parse_mue_file,
    parse_ptp_file,
    row_confirmed,
)
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind
from tests.rules.scrub.factories import payer, service, visit

COMMERCIAL = payer(PayerKind.COMMERCIAL)


def _cms_mue(tmp_path: Path, line: str) -> MueTable:
    path = tmp_path / "MCR_MUE_PractitionerServices.csv"
    path.write_text("HCPCS/CPT Code,Practitioner Services MUE Values,MAI,Rationale\n" + line + "\n")
    return MueTable(parse_mue_file(path))


def _cms_ptp(tmp_path: Path, line: str) -> PtpTable:
    path = tmp_path / "ccipra-v321r0-f1.txt"
    path.write_text("CMS notice line\n" + line + "\n")
    return PtpTable(parse_ptp_file(path))


def _mue_visit(code: str, start: str, end: str):
    return visit(service(code, start, end), payer=COMMERCIAL)


@pytest.mark.parametrize(
    ("code", "start", "end", "rule", "severity", "words"),
    [
        # 97140's bundled MUE (8) is a Cleannote default: 135 minutes are 9 units
        pytest.param(
            "97140",
            "09:00",
            "11:15",
            "units.mue-unconfirmed",
            Severity.WARNING,
            "Cleannote default, not a CMS value",
            id="default-row-warning",
        ),
        # 97032's bundled MUE (4) comes from a blog: low confidence; 75 minutes are 5 units
        pytest.param(
            "97032",
            "09:00",
            "10:15",
            "units.mue-unconfirmed",
            Severity.WARNING,
            "low confidence",
            id="low-confidence-row-warning",
        ),
        # 97110's bundled MUE (6) is confidence M: still an error, with its provenance named
        pytest.param(
            "97110",
            "09:00",
            "10:38",
            "units.mue",
            Severity.ERROR,
            "from secondary sources",
            id="medium-confidence-row-error",
        ),
    ],
)
def test_a_bundled_mue_finding_says_how_sure_it_is(code, start, end, rule, severity, words):
    # given a day's units above the bundled MUE of the code
    result = scrub(_mue_visit(code, start, end))
    # when
    [found] = [f for f in result.findings if f.rule.startswith("units.mue")]
    # then
    assert (found.rule, found.severity) == (rule, severity)
    assert words in found.source
    if severity is Severity.WARNING:
        assert words in found.message
        assert "import the CMS MUE file" in found.message
    assert result.clean is (severity is not Severity.ERROR)


def test_the_same_mue_from_an_imported_cms_file_is_an_error(tmp_path: Path) -> None:
    # given the CMS file's MUE of 4 for 97140 (MAI 3), and 9 units documented
    mue = _cms_mue(tmp_path, "97140,4,3 Date of Service Edit: Clinical,Clinical: Data")
    # when
    result = scrub(_mue_visit("97140", "09:00", "11:15"), mue=mue)
    # then
    [found] = [f for f in result.findings if f.rule.startswith("units.mue")]
    assert (found.rule, found.severity) == ("units.mue", Severity.ERROR)
    assert "CMS practitioner MUE file MCR_MUE_PractitionerServices.csv" in found.source
    assert not result.clean


def _pair_visit():
    # 97140 and 97124 documented by minutes only, no region: nothing shows them distinct
    return visit(
        service("97140", None, None, minutes=16, body_regions=()),
        service("97124", None, None, minutes=16, body_regions=()),
        payer=COMMERCIAL,
    )


def test_a_low_confidence_ncci_row_is_a_warning_that_says_so() -> None:
    # given the bundled 97140/97124 row, confidence L
    result = scrub(_pair_visit())
    # then
    [found] = [f for f in result.findings if f.rule.startswith("pair.ncci")]
    assert (found.rule, found.severity, found.line) == (
        "pair.ncci-unconfirmed",
        Severity.WARNING,
        1,
    )
    assert "low confidence, not checked against the CMS file" in found.message
    assert "not a CMS edit" in found.source
    assert result.clean


def test_the_same_ncci_pair_from_an_imported_cms_file_is_an_error(tmp_path: Path) -> None:
    # given the CMS practitioner PTP row 97140/97124, modifier indicator 1
    ptp = _cms_ptp(tmp_path, "97140\t97124\t\t20170101\t*\t1\tMisuse of column two code")
    # when
    result = scrub(_pair_visit(), ptp=ptp)
    # then
    [found] = [f for f in result.findings if f.rule.startswith("pair.ncci")]
    assert (found.rule, found.severity) == ("pair.ncci-undocumented", Severity.ERROR)
    assert "CMS NCCI practitioner PTP file ccipra-v321r0-f1.txt" in found.source
    assert "not checked" not in found.message
    assert not result.clean


def test_a_medium_confidence_hard_edit_stays_an_error_naming_its_provenance() -> None:
    # given evaluation 97161 with 97530 on a day the bundled indicator-0 row (M) is in force
    v = visit(
        service("97161", None, None, minutes=30),
        service("97530", "10:00", "10:16"),
        payer=COMMERCIAL,
        date_of_service=dt.date(2020, 3, 2),
    )
    # when
    [found] = [f for f in scrub(v).findings if f.rule.startswith("pair.ncci")]
    # then
    assert (found.rule, found.severity) == ("pair.ncci-hard", Severity.ERROR)
    assert "from secondary sources" in found.source


def test_every_bundled_default_or_low_row_is_unconfirmed_and_no_other() -> None:
    for row in (*bundled_mue(), *bundled_ptp()):
        expected = row.confidence != "L" and not row.source.startswith("Cleannote default")
        assert row.confirmed is expected, row
    assert row_confirmed("CMS practitioner MUE file x.csv", "H")


@pytest.mark.parametrize("rule", ["units.mue-unconfirmed", "pair.ncci-unconfirmed"])
def test_the_unconfirmed_rules_are_warnings_that_say_they_are_no_cms_value(rule: str) -> None:
    spec = RULES[rule]
    assert spec.severity is Severity.WARNING
    assert "not a CMS" in spec.source
