"""A Medicare visit in a year with no KX threshold on file: skipped and said, never a crash.

A batch of visits reaching back before 2022 must scrub to the end; the engine leaves KX off
and the scrubber tells the biller to judge it (payer.kx-threshold-unknown).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.modifier_assignment import assign_modifiers
from cleannote.rules.ncci import bundled_ptp
from cleannote.rules.payer_policy import default_policy
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, Episode, PayerKind, TherapyYearToDate
from tests.rules.scrub.factories import findings_of, payer, rendering, replace, service, visit

_SPENT = Episode(
    treatment_day=5,
    last_progress_report_day=1,
    therapy_ytd=TherapyYearToDate(pt_slp=Decimal("2900.00")),
)


# The visit is treated under a plan of its own year (a 2026 plan would be poc.after-service).
_PLAN_2019 = replace(
    visit().plan_of_care, start=dt.date(2019, 5, 1), certified_through=dt.date(2019, 7, 30)
)


def test_a_2019_medicare_visit_scrubs_with_an_info_finding_and_no_kx() -> None:
    # given a Medicare PT visit from 2019 (no KX amount on file) far above any threshold
    v = visit(date_of_service=dt.date(2019, 6, 3), episode=_SPENT, plan_of_care=_PLAN_2019)
    # when
    result = scrub(v)
    # then the batch carries on: the line keeps GP, gets no KX, and the biller is told
    assert [line.modifiers for line in result.lines] == [("GP",)]
    [finding] = findings_of(result, "payer.kx-threshold-unknown")
    assert finding.severity is Severity.INFO
    assert "2019" in finding.message
    assert result.clean


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        pytest.param({"date_of_service": dt.date(2026, 3, 10)}, "year on file", id="2026"),
        pytest.param(
            {"payer": payer(PayerKind.COMMERCIAL)}, "no KX for the payer", id="commercial"
        ),
        pytest.param(
            {"rendering_provider": rendering(Credential.DC)}, "no therapy bucket", id="chiropractor"
        ),
    ],
)
def test_no_finding_when_kx_was_judged_or_never_applied(
    changes: dict[str, object], why: str
) -> None:
    # given a visit where the engine either knew the amount or had no KX to judge
    fields: dict[str, object] = {"date_of_service": dt.date(2019, 6, 3), "episode": _SPENT}
    fields.update(changes)
    services = (service("98940", None, None),) if "rendering_provider" in changes else ()
    # when
    result = scrub(visit(*services, **fields))
    # then
    assert findings_of(result, "payer.kx-threshold-unknown") == [], why


def test_the_engine_still_refuses_the_year_unless_asked_to_skip() -> None:
    # given a 2019 Medicare therapy visit
    v = visit(date_of_service=dt.date(2019, 6, 3), episode=_SPENT)
    policy = default_policy(PayerKind.MEDICARE)
    # when the caller opts in to skipping (as the scrubber does)
    lines = assign_modifiers(v, [1], policy, bundled_ptp(), skip_kx_without_threshold=True)
    # then no KX, and no error
    assert lines[0].modifiers == ("GP",)


def test_the_rule_names_its_source() -> None:
    spec = RULES["payer.kx-threshold-unknown"]
    assert spec.severity is Severity.INFO
    assert "thresholds.json" in spec.source
