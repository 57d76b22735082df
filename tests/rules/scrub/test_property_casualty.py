"""Property-and-casualty claims (issue 9): the carrier's claim number on every auto and
workers' compensation claim, and workers' compensation only for a work accident (ADR 0321)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Accident, AccidentKind, PayerKind
from tests.rules.scrub.factories import findings_of, payer, rules_of, visit

ON = dt.date(2026, 2, 20)
AUTO = Accident(AccidentKind.AUTO, ON, "OR")
WORK = Accident(AccidentKind.EMPLOYMENT, ON, "OR")
OTHER = Accident(AccidentKind.OTHER, ON, "OR")


@pytest.mark.parametrize(
    ("kind", "claim_number", "accident", "flagged"),
    [
        pytest.param(PayerKind.AUTO_PIP, None, AUTO, True, id="pip-missing"),
        pytest.param(PayerKind.AUTO_MEDPAY, None, AUTO, True, id="medpay-missing"),
        pytest.param(PayerKind.AUTO_LIABILITY, None, AUTO, True, id="liability-missing"),
        pytest.param(PayerKind.WORKERS_COMP, None, WORK, True, id="wc-missing"),
        pytest.param(PayerKind.AUTO_PIP, "  ", AUTO, True, id="pip-blank"),
        pytest.param(PayerKind.AUTO_PIP, "CLM-778812", AUTO, False, id="pip-with-number"),
        pytest.param(PayerKind.WORKERS_COMP, "WC-2026-0041", WORK, False, id="wc-with-number"),
        pytest.param(PayerKind.COMMERCIAL, None, None, False, id="health-plan-needs-none"),
        pytest.param(PayerKind.MEDICAID, None, None, False, id="medicaid-needs-none"),
    ],
)
def test_a_property_casualty_claim_needs_the_carriers_claim_number(
    kind: PayerKind, claim_number: str | None, accident: Accident | None, flagged: bool
) -> None:
    # given a claim to the payer, with or without the carrier's claim number
    v = visit(payer=payer(kind, claim_number=claim_number), accident=accident)
    # when
    result = scrub(v)
    found = findings_of(result, "payer.claim-number-missing")
    # then
    assert bool(found) is flagged
    if flagged:
        [finding] = found
        assert (finding.severity, finding.line) == (Severity.ERROR, None)
        assert "REF*Y4" in finding.fix
        assert not result.clean


@pytest.mark.parametrize(
    ("accident", "flagged"),
    [
        pytest.param(AUTO, True, id="auto-accident"),
        pytest.param(OTHER, True, id="other-accident"),
        pytest.param(WORK, False, id="work-accident"),
    ],
)
def test_workers_comp_pays_only_for_an_employment_related_accident(
    accident: Accident, flagged: bool
) -> None:
    # given a workers' compensation claim with its claim number
    v = visit(payer=payer(PayerKind.WORKERS_COMP, claim_number="WC-1"), accident=accident)
    # when
    found = findings_of(scrub(v), "payer.wc-not-employment")
    # then
    assert bool(found) is flagged
    if flagged:
        assert found[0].severity is Severity.ERROR
        assert accident.kind.value in found[0].message


def test_workers_comp_without_any_accident_is_the_accident_details_rule_alone() -> None:
    # given a workers' compensation claim whose case records no accident
    v = visit(payer=payer(PayerKind.WORKERS_COMP, claim_number="WC-1"), accident=None)
    # when
    rules = rules_of(scrub(v))
    # then one finding says what is missing, not two
    assert "payer.accident-details" in rules
    assert "payer.wc-not-employment" not in rules


@pytest.mark.parametrize("rule", ["payer.claim-number-missing", "payer.wc-not-employment"])
def test_the_rules_are_in_the_catalog_as_errors_with_a_source(rule: str) -> None:
    spec = RULES[rule]
    assert spec.severity is Severity.ERROR
    assert spec.source
    assert spec.why
