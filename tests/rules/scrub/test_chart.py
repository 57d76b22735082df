"""What the chart says about the visit: onset dates, the authorization's window and limits, and
the evidence behind the plan's certification. Each rule: the visit that trips it, and the near
miss that does not."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import (
    Authorization,
    AuthorizedServices,
    Certification,
    CertificationKind,
    DiagnosisOnset,
    PayerKind,
)
from tests.rules.scrub.factories import (
    DOS,
    findings_of,
    payer,
    replace,
    rules_of,
    service,
    visit,
)

_PLAN = visit().plan_of_care
_START = _PLAN.start  # 2026-02-03; DOS is 2026-03-10
_DAY = dt.timedelta(days=1)
_CHART_RULES = (
    "dx.onset-after-service",
    "auth.outside-window",
    "auth.visits-used-up",
    "auth.units-used-up",
    "poc.certification-late",
    "poc.delayed-incomplete",
    "poc.signed-order-unmet",
    "poc.recertification-due",
)


def _certified(**values):
    return replace(_PLAN, certification=Certification(**values))


def _auth(*groups, start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30)):
    return Authorization(number="A-77", start=start, end=end, services=groups)


# (case id, the visit's changes, the rule it trips or None for a near miss)
CASES = [
    # onset dates
    ("onset-after", {"diagnosis_onsets": (DiagnosisOnset("M17.11", DOS + _DAY),)}, True),
    ("onset-same-day", {"diagnosis_onsets": (DiagnosisOnset("M17.11", DOS),)}, False),
    # the authorization's window
    ("auth-starts-later", {"authorization": _auth(start=DOS + _DAY)}, True),
    ("auth-starts-that-day", {"authorization": _auth(start=DOS)}, False),
    ("auth-ended-before", {"authorization": _auth(end=DOS - _DAY)}, True),
    ("auth-ends-that-day", {"authorization": _auth(end=DOS)}, False),
    # visits per code group: 8 of 8 used, 7 of 8 used
    (
        "visits-used-up",
        {"authorization": _auth(AuthorizedServices(("97110",), visits=8, visits_used=8))},
        True,
    ),
    (
        "last-visit-left",
        {"authorization": _auth(AuthorizedServices(("97110",), visits=8, visits_used=7))},
        False,
    ),
    (
        "visits-used-up-other-group",
        {"authorization": _auth(AuthorizedServices(("97140",), visits=8, visits_used=8))},
        False,
    ),
    # units: one unit of 97110 this visit
    (
        "units-used-up",
        {"authorization": _auth(AuthorizedServices(("97110",), units=12, units_used=12))},
        True,
    ),
    (
        "last-unit-left",
        {"authorization": _auth(AuthorizedServices(("97110",), units=12, units_used=11))},
        False,
    ),
    # the certification's evidence
    (
        "signed-day-31",
        {"plan_of_care": _certified(kind=CertificationKind.SIGNED, signed_on=_START + 31 * _DAY)},
        True,
    ),
    (
        "signed-day-30",
        {"plan_of_care": _certified(kind=CertificationKind.SIGNED, signed_on=_START + 30 * _DAY)},
        False,
    ),
    (
        "delayed-without-reason",
        {"plan_of_care": _certified(kind=CertificationKind.DELAYED, signed_on=_START + 40 * _DAY)},
        True,
    ),
    (
        "delayed-with-reason",
        {
            "plan_of_care": _certified(
                kind=CertificationKind.DELAYED,
                signed_on=_START + 40 * _DAY,
                delay_reason="physician on leave; signed on return",
            )
        },
        False,
    ),
    (
        "order-sent-day-31",
        {
            "plan_of_care": _certified(
                kind=CertificationKind.SIGNED_ORDER,
                order_signed_on=_START - _DAY,
                sent_on=_START + 31 * _DAY,
            )
        },
        True,
    ),
    (
        "order-sent-day-30",
        {
            "plan_of_care": _certified(
                kind=CertificationKind.SIGNED_ORDER,
                order_signed_on=_START - _DAY,
                sent_on=_START + 30 * _DAY,
            )
        },
        False,
    ),
    (
        "recertification-day-91",
        {"date_of_service": _START + 90 * _DAY, "episode": None},
        True,
    ),
    (
        "recertification-day-90",
        {"date_of_service": _START + 89 * _DAY, "episode": None},
        False,
    ),
]


@pytest.mark.parametrize(("changes", "trips"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_chart_rule_trips_and_its_near_miss_passes(changes, trips):
    # given: a clean visit, with one chart fact changed (a long plan, so only day 90 matters)
    changes.setdefault("plan_of_care", replace(_PLAN, certified_through=_START + 200 * _DAY))
    v = visit(**changes)
    # when
    found = [f for f in scrub(v).findings if f.rule in _CHART_RULES]
    # then
    if trips:
        assert len(found) == 1, found
        assert found[0].severity is Severity.ERROR
        assert "2026-" not in found[0].message  # day counts, never the dates
    else:
        assert found == []


def test_a_clean_visit_trips_no_chart_rule():
    assert not rules_of(scrub(visit())) & set(_CHART_RULES)


def test_units_count_every_line_of_the_group_and_point_at_the_first():
    # given: two 97110 blocks, 3 units together (40 minutes), 10 of 12 used
    v = visit(
        service("97110", "09:00", "09:20"),
        service("97110", "09:20", "09:40", encounter=2),
        authorization=_auth(AuthorizedServices(("97110",), units=12, units_used=10)),
    )
    # when
    found = findings_of(scrub(v), "auth.units-used-up")
    # then
    assert [f.line for f in found] == [0]
    assert "2 of 12 left" in found[0].message


def test_a_group_without_codes_limits_every_visit():
    v = visit(authorization=_auth(AuthorizedServices(visits=10, visits_used=10)))
    assert "auth.visits-used-up" in rules_of(scrub(v))


@pytest.mark.parametrize(
    ("start", "trips"),
    [(dt.date(2024, 12, 31), True), (dt.date(2025, 1, 1), False)],
    ids=["plan-from-2024", "plan-from-2025"],
)
def test_the_signed_order_exception_applies_from_2025(start, trips):
    plan = replace(
        _PLAN,
        start=start,
        certified_through=start + 80 * _DAY,
        certification=Certification(
            CertificationKind.SIGNED_ORDER, order_signed_on=start, sent_on=start + 5 * _DAY
        ),
    )
    v = visit(plan_of_care=plan, date_of_service=start + 10 * _DAY, episode=None)
    assert ("poc.signed-order-unmet" in rules_of(scrub(v))) is trips


def test_certification_rules_ask_only_payers_that_require_a_plan():
    plan = _certified(kind=CertificationKind.SIGNED, signed_on=_START + 60 * _DAY)
    v = visit(plan_of_care=plan, payer=payer(PayerKind.COMMERCIAL))
    assert "poc.certification-late" not in rules_of(scrub(v))


def test_a_lapsed_certification_is_not_also_a_recertification_due():
    # given: certified through day 60 and a visit on day 100: poc.certification-lapsed says it
    v = visit(date_of_service=_START + 99 * _DAY, episode=None)
    assert v.plan_of_care.certified_through < v.date_of_service
    rules = rules_of(scrub(v))
    assert "poc.certification-lapsed" in rules
    assert "poc.recertification-due" not in rules


def test_every_chart_rule_is_in_the_catalog_with_a_source_and_why():
    for rule_id in _CHART_RULES:
        spec = RULES[rule_id]
        assert spec.source
        assert spec.why
        assert spec.title
