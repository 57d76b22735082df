"""Lines that should be one: the same code on two claim lines, two PT or OT evaluation levels on
one day, and an evaluation with a re-evaluation. Which codes are evaluations is the scope
table's (`scope_of_practice.CODE_ACTS`)."""

from __future__ import annotations

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scope_of_practice import CODE_ACTS, Act, leveled_disciplines
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, Discipline, PayerKind, Service
from tests.rules.scrub.factories import (
    OTHER_NPI,
    findings_of,
    payer,
    rendering,
    rules_of,
    service,
    visit,
)

NEW_RULES = ("line.duplicate-code", "line.two-evaluations", "line.evaluation-and-re-evaluation")


def test_the_rules_are_in_the_catalog_as_errors() -> None:
    for rule_id in NEW_RULES:
        assert RULES[rule_id].severity is Severity.ERROR
        assert RULES[rule_id].source
        assert RULES[rule_id].why


def test_the_leveled_disciplines_come_from_the_scope_table() -> None:
    # PT and OT have a re-evaluation code in the scope table; SLP evaluates per function.
    assert leveled_disciplines() == {Discipline.PT, Discipline.OT}
    assert {c for c, row in CODE_ACTS.items() if row.act is Act.RE_EVALUATION} == {
        "97164",
        "97168",
    }


def _untimed(code: str) -> Service:
    return service(code, None, None)


# --- line.duplicate-code ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "flagged_lines"),
    [
        pytest.param(
            (service("97110", "09:00", "09:16"), service("97110", "09:30", "09:46")),
            [1],
            id="timed-code-in-two-blocks",
        ),
        pytest.param(
            (
                service("97110", "09:00", "09:16"),
                service("97110", "09:20", "09:36"),
                service("97110", "09:40", "09:56"),
            ),
            [1, 2],
            id="three-blocks",
        ),
        pytest.param((_untimed("97012"), _untimed("97012")), [1], id="untimed-code-twice"),
        pytest.param(
            (service("97110", "09:00", "09:31"),), [], id="near-miss-one-block-with-units"
        ),
        pytest.param(
            (service("97110", "09:00", "09:16"), service("97110", "09:30", "09:34")),
            [],
            id="near-miss-second-block-earns-no-unit",
        ),
        pytest.param(
            (
                service("97110", "09:00", "09:16"),
                service("97110", "09:00", "09:16", rendering_npi=OTHER_NPI),
            ),
            [],
            id="near-miss-another-clinician",
        ),
        pytest.param(
            (service("97110", "09:00", "09:16"), service("97112", "09:30", "09:46")),
            [],
            id="near-miss-different-codes",
        ),
        pytest.param(
            (_untimed("97010"), _untimed("97010")), [], id="near-miss-97010-has-its-own-rule"
        ),
    ],
)
def test_the_same_code_on_two_lines_is_an_error(
    services: tuple[Service, ...], flagged_lines: list[int]
) -> None:
    # given a commercial visit (no Medicare G-code swaps)
    result = scrub(visit(*services, payer=payer(PayerKind.COMMERCIAL)))
    # when
    found = findings_of(result, "line.duplicate-code")
    # then
    assert [f.line for f in found] == flagged_lines
    assert all("service 1" in f.message for f in found)


def test_the_timed_duplicate_fix_says_one_block() -> None:
    v = visit(service("97110", "09:00", "09:16"), service("97110", "09:30", "09:46"))
    [found] = findings_of(scrub(v), "line.duplicate-code")
    assert "one block" in found.fix


# --- line.two-evaluations / line.evaluation-and-re-evaluation --------------------------------


@pytest.mark.parametrize(
    ("codes", "credential", "expected"),
    [
        pytest.param(("97161", "97162"), Credential.PT, {"line.two-evaluations"}, id="pt-two"),
        pytest.param(("97165", "97167"), Credential.OT, {"line.two-evaluations"}, id="ot-two"),
        pytest.param(
            ("97162", "97164"),
            Credential.PT,
            {"line.evaluation-and-re-evaluation"},
            id="pt-eval-and-re-eval",
        ),
        pytest.param(
            ("97166", "97168"),
            Credential.OT,
            {"line.evaluation-and-re-evaluation"},
            id="ot-eval-and-re-eval",
        ),
        pytest.param(
            ("97161", "97163", "97164"),
            Credential.PT,
            {"line.two-evaluations", "line.evaluation-and-re-evaluation"},
            id="pt-all-three",
        ),
        pytest.param(("97162",), Credential.PT, set(), id="near-miss-one-evaluation"),
        pytest.param(("97164",), Credential.PT, set(), id="near-miss-one-re-evaluation"),
        pytest.param(
            ("92523", "92610"), Credential.SLP, set(), id="near-miss-slp-evaluates-two-functions"
        ),
        # a standardized test given at the evaluation is not a second evaluation level, as a
        # note type reads it (ADR 0580)
        pytest.param(("97162", "96112"), Credential.PT, set(), id="near-miss-eval-with-a-test"),
    ],
)
def test_evaluations_that_exclude_each_other(
    codes: tuple[str, ...], credential: Credential, expected: set[str]
) -> None:
    v = visit(
        *(_untimed(code) for code in codes),
        payer=payer(PayerKind.COMMERCIAL),
        rendering_provider=rendering(credential),
    )
    found = rules_of(scrub(v)) & {"line.two-evaluations", "line.evaluation-and-re-evaluation"}
    assert found == expected


def test_evaluations_of_two_disciplines_on_one_day_are_not_this_rule() -> None:
    # given a PT evaluation by this clinician and an OT re-evaluation on the same claim
    v = visit(
        _untimed("97162"),
        service("97168", None, None, rendering_npi=OTHER_NPI),
        payer=payer(PayerKind.COMMERCIAL),
    )
    # then neither evaluation rule fires (scope rules may say other things about the OT code)
    assert rules_of(scrub(v)).isdisjoint(
        {"line.two-evaluations", "line.evaluation-and-re-evaluation"}
    )
