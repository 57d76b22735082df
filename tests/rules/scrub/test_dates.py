"""Dates that contradict each other: an accident or initial treatment after the visit, a
referral or plan of care that starts after it, and a visit after the day the claim is made
(`as_of`, passed in by the caller: the core never reads the clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub, scrub_all
from cleannote.rules.visit import Accident, AccidentKind, PayerKind
from tests.rules.scrub.factories import DOS, findings_of, payer, replace, rules_of, service, visit

NEW_RULES = (
    "date.after-service",
    "date.future-service",
    "referral.not-yet-valid",
    "poc.after-service",
)
DAY = dt.timedelta(days=1)


def test_the_rules_are_in_the_catalog_as_errors() -> None:
    for rule_id in NEW_RULES:
        spec = RULES[rule_id]
        assert spec.severity is Severity.ERROR
        assert spec.source
        assert spec.why


def test_the_default_visit_trips_none_of_them_even_with_a_creation_date() -> None:
    assert rules_of(scrub(visit(), as_of=DOS)).isdisjoint(NEW_RULES)


# --- date.after-service -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "what", "flagged"),
    [
        pytest.param(
            {"accident": Accident(AccidentKind.OTHER, DOS + 3 * DAY, "OR")},
            "accident date",
            True,
            id="accident-after",
        ),
        pytest.param(
            {"initial_treatment": DOS + DAY},
            "initial treatment date",
            True,
            id="initial-treatment-after",
        ),
        pytest.param(
            {"accident": Accident(AccidentKind.OTHER, DOS, "OR")},
            "",
            False,
            id="near-miss-accident-same-day",
        ),
        pytest.param({"initial_treatment": DOS}, "", False, id="near-miss-started-today"),
        pytest.param(
            {"accident": Accident(AccidentKind.OTHER, None, "OR")},
            "",
            False,
            id="near-miss-no-accident-date",
        ),
    ],
)
def test_a_claim_date_after_the_service_is_an_error(
    changes: dict[str, object], what: str, flagged: bool
) -> None:
    # given a commercial visit (no coordination-of-benefits findings for an accident)
    v = visit(payer=payer(PayerKind.COMMERCIAL), **changes)
    # when
    found = findings_of(scrub(v), "date.after-service")
    # then
    assert bool(found) is flagged
    if flagged:
        [finding] = found
        assert what in finding.message
        assert str(DOS.year) not in finding.message  # day counts, never the dates


# --- referral.not-yet-valid ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "referral_date", "flagged"),
    [
        pytest.param(PayerKind.MEDICAID, DOS + DAY, True, id="medicaid-referral-tomorrow"),
        pytest.param(PayerKind.WORKERS_COMP, DOS + 10 * DAY, True, id="workers-comp-later"),
        pytest.param(PayerKind.MEDICAID, DOS, False, id="near-miss-referral-same-day"),
        pytest.param(PayerKind.MEDICAID, DOS - 30 * DAY, False, id="near-miss-earlier"),
        pytest.param(PayerKind.COMMERCIAL, DOS + DAY, False, id="near-miss-no-referral-needed"),
    ],
)
def test_a_required_referral_dated_after_the_visit_does_not_cover_it(
    kind: PayerKind, referral_date: dt.date, flagged: bool
) -> None:
    base = visit()
    v = visit(payer=payer(kind), referral=replace(base.referral, date=referral_date))
    found = findings_of(scrub(v), "referral.not-yet-valid")
    assert bool(found) is flagged


# --- poc.after-service --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "codes", "plan_start", "flagged"),
    [
        pytest.param(PayerKind.MEDICARE, ("97110",), DOS + DAY, True, id="medicare-treatment"),
        pytest.param(PayerKind.MEDICAID, ("97110",), DOS + 5 * DAY, True, id="medicaid-treatment"),
        pytest.param(
            PayerKind.MEDICARE, ("97162", "97110"), DOS + DAY, True, id="evaluation-with-treatment"
        ),
        pytest.param(PayerKind.MEDICARE, ("97110",), DOS, False, id="near-miss-plan-same-day"),
        pytest.param(
            PayerKind.MEDICARE,
            ("97162",),
            DOS + DAY,
            False,
            id="near-miss-evaluation-writes-the-plan",
        ),
        pytest.param(
            PayerKind.COMMERCIAL, ("97110",), DOS + DAY, False, id="near-miss-payer-needs-no-plan"
        ),
    ],
)
def test_treatment_before_its_plan_of_care_starts_is_an_error(
    kind: PayerKind, codes: tuple[str, ...], plan_start: dt.date, flagged: bool
) -> None:
    base = visit()
    services = tuple(
        service(code, f"09:{i * 20:02d}", f"09:{i * 20 + 16:02d}") for i, code in enumerate(codes)
    )
    v = visit(
        *services,
        payer=payer(kind),
        plan_of_care=replace(base.plan_of_care, start=plan_start),
    )
    found = findings_of(scrub(v), "poc.after-service")
    assert bool(found) is flagged


# --- date.future-service ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "flagged"),
    [
        pytest.param(DOS - DAY, True, id="claim-made-the-day-before"),
        pytest.param(DOS - 40 * DAY, True, id="claim-made-weeks-before"),
        pytest.param(DOS, False, id="near-miss-same-day"),
        pytest.param(DOS + 60 * DAY, False, id="near-miss-later"),
        pytest.param(None, False, id="near-miss-no-creation-date-given"),
    ],
)
def test_a_service_after_the_claims_creation_date_is_an_error(
    as_of: dt.date | None, flagged: bool
) -> None:
    found = findings_of(scrub(visit(), as_of=as_of), "date.future-service")
    assert bool(found) is flagged
    if flagged:
        assert "after the day this claim is made" in found[0].message


def test_scrub_all_passes_the_creation_date_to_every_visit() -> None:
    visits = [visit(), visit(id="v-2", date_of_service=DOS + 2 * DAY)]
    results = list(scrub_all(visits, as_of=DOS))
    assert ["date.future-service" in rules_of(r) for r in results] == [False, True]
