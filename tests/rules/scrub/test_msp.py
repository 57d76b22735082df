"""Medicare as secondary payer (issue 9, ADR 0322): an accident case billed to Medicare first,
and a Medicare secondary payer type (SBR05) the case does not support or the payer cannot take."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Accident, AccidentKind, MedicareSecondaryType, PayerKind
from tests.rules.scrub.factories import payer, rules_of, visit

ON = dt.date(2026, 2, 20)
AUTO = Accident(AccidentKind.AUTO, ON, "OR")
AUTO_FL = Accident(AccidentKind.AUTO, ON, "FL")
WORK = Accident(AccidentKind.EMPLOYMENT, ON, "OR")
OTHER = Accident(AccidentKind.OTHER, ON, "OR")
MSP = MedicareSecondaryType
MSP_RULES = {"msp.accident-medicare-first", "msp.type-contradicts-case", "msp.type-not-medicare"}


def _medicare(msp: MedicareSecondaryType | None = None, kind: PayerKind = PayerKind.MEDICARE):
    return payer(kind, name="MEDICARE PART B", medicare_secondary_type=msp)


@pytest.mark.parametrize(
    ("kind", "msp", "accident", "expected"),
    [
        # an accident case with Medicare billed first
        pytest.param(PayerKind.MEDICARE, None, AUTO, "msp.accident-medicare-first", id="auto"),
        pytest.param(
            PayerKind.MEDICARE, None, AUTO_FL, "msp.accident-medicare-first", id="auto-no-fault"
        ),
        pytest.param(PayerKind.MEDICARE, None, WORK, "msp.accident-medicare-first", id="work"),
        # near misses: Medicare billed as secondary with the type the accident supports
        pytest.param(PayerKind.MEDICARE, MSP.NO_FAULT, AUTO, None, id="auto-after-no-fault"),
        pytest.param(PayerKind.MEDICARE, MSP.LIABILITY, AUTO, None, id="auto-after-liability"),
        pytest.param(PayerKind.MEDICARE, MSP.WORKERS_COMP, WORK, None, id="work-after-wc"),
        pytest.param(PayerKind.MEDICARE, MSP.LIABILITY, OTHER, None, id="fall-after-liability"),
        pytest.param(PayerKind.MEDICARE, None, OTHER, None, id="fall-medicare-primary"),
        pytest.param(PayerKind.MEDICARE, None, None, None, id="no-accident-primary"),
        pytest.param(PayerKind.MEDICARE, MSP.WORKING_AGED, None, None, id="working-aged"),
        # an MSP type the case does not support
        pytest.param(
            PayerKind.MEDICARE, MSP.WORKERS_COMP, None, "msp.type-contradicts-case", id="wc-none"
        ),
        pytest.param(
            PayerKind.MEDICARE, MSP.WORKERS_COMP, AUTO, "msp.type-contradicts-case", id="wc-auto"
        ),
        pytest.param(
            PayerKind.MEDICARE, MSP.NO_FAULT, WORK, "msp.type-contradicts-case", id="nf-work"
        ),
        pytest.param(
            PayerKind.MEDICARE, MSP.LIABILITY, None, "msp.type-contradicts-case", id="liab-none"
        ),
        # an MSP type on a payer that is not Medicare Part B
        pytest.param(
            PayerKind.MEDICARE_ADVANTAGE,
            MSP.WORKING_AGED,
            None,
            "msp.type-not-medicare",
            id="medicare-advantage",
        ),
        pytest.param(
            PayerKind.COMMERCIAL, MSP.NO_FAULT, AUTO, "msp.type-not-medicare", id="commercial"
        ),
    ],
)
def test_medicare_secondary_payer(
    kind: PayerKind,
    msp: MedicareSecondaryType | None,
    accident: Accident | None,
    expected: str | None,
) -> None:
    # given a claim to the payer for the case's accident (or none)
    v = visit(payer=_medicare(msp, kind), accident=accident)
    # when
    result = scrub(v)
    found = [f for f in result.findings if f.rule in MSP_RULES]
    # then
    assert [f.rule for f in found] == ([expected] if expected else [])
    for finding in found:
        assert finding.severity is Severity.ERROR
        assert finding.line is None


def test_medicare_billed_first_for_an_auto_accident_is_one_error_not_the_plan_check() -> None:
    # given the auto accident in Florida (no-fault) billed to Medicare Part B as primary
    result = scrub(visit(payer=_medicare(), accident=AUTO_FL))
    # then the MSP rule says it once; payer.auto-primary stays for the other health plans
    assert "msp.accident-medicare-first" in rules_of(result)
    assert not {"payer.auto-primary", "payer.auto-primary-check"} & rules_of(result)
    assert not result.clean


def test_medicare_as_secondary_after_pip_is_not_told_to_bill_pip_first() -> None:
    # given Medicare billed as secondary (type 14) after PIP for the Florida auto accident
    result = scrub(visit(payer=_medicare(MSP.NO_FAULT), accident=AUTO_FL))
    # then no finding sends the biller back to the auto carrier
    assert not (MSP_RULES | {"payer.auto-primary", "payer.auto-primary-check"}) & rules_of(result)
