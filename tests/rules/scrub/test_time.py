"""Time and unit rules: documented, possible, non-overlapping time that supports the units."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.ncci import Mue, MueTable
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import PayerKind
from tests.rules.scrub.factories import OTHER_NPI, findings_of, payer, rules_of, service, visit

_COMMERCIAL = payer(PayerKind.COMMERCIAL)


def _only(result, rule):
    found = findings_of(result, rule)
    return [(f.severity, f.line) for f in found], found


def test_a_timed_code_without_times_or_minutes_is_an_error():
    # given
    v = visit(service(), service("97140", None, None))

    # when
    shape, found = _only(scrub(v), "time.missing")

    # then
    assert shape == [(Severity.ERROR, 1)]
    assert "97140" in found[0].message


@pytest.mark.parametrize(
    "block",
    [
        service("97140", None, None, minutes=16),
        service("97140", "09:16", "09:30"),
        service("97161", None, None),
    ],
    ids=["minutes-only", "stamped", "untimed-code"],
)
def test_a_timed_code_with_time_or_an_untimed_code_passes(block):
    assert "time.missing" not in rules_of(scrub(visit(service(), block)))


def test_a_block_stopping_before_it_starts_is_an_error():
    # given
    v = visit(service("97110", "09:30", "09:10"))

    # when
    result = scrub(v)
    shape, found = _only(result, "time.end-before-start")

    # then
    assert shape == [(Severity.ERROR, 0)]
    assert "97110" in found[0].message
    assert "09:10" in found[0].message
    assert result.lines == ()


def test_a_block_in_order_passes():
    assert "time.end-before-start" not in rules_of(scrub(visit(service("97110", "09:10", "09:30"))))


@pytest.mark.parametrize(
    ("blocks", "lines"),
    [
        ((("97110", "09:00", "09:16"), ("97140", "09:10", "09:25")), [1]),
        (
            (("97110", "09:00", "10:00"), ("97140", "09:10", "09:20"), ("97112", "09:30", "09:40")),
            [1, 2],
        ),
        ((("97140", "09:10", "09:25"), ("97110", "09:00", "09:16")), [0]),
    ],
    ids=["neighbours", "one-long-block-two-inside", "entered-out-of-order"],
)
def test_overlapping_blocks_of_one_provider_are_an_error(blocks, lines):
    # given
    v = visit(*(service(code, start, end) for code, start, end in blocks))

    # when
    found = findings_of(scrub(v), "time.overlap")

    # then
    assert [(f.severity, f.line) for f in found] == [(Severity.ERROR, line) for line in lines]
    for f, line in zip(found, lines, strict=True):
        assert blocks[line][0] in f.message


@pytest.mark.parametrize(
    "second",
    [
        service("97140", "09:16", "09:30"),
        service("97140", "09:10", "09:25", rendering_npi=OTHER_NPI),
        service("97012", "09:10", "09:25"),
    ],
    ids=["back-to-back", "another-provider", "untimed-supervised"],
)
def test_blocks_that_touch_or_belong_to_others_pass(second):
    assert "time.overlap" not in rules_of(scrub(visit(service(), second)))


def test_stamped_time_disagreeing_with_minutes_is_a_warning():
    # given
    v = visit(service(minutes=20))

    # when
    shape, found = _only(scrub(v), "time.minutes-mismatch")

    # then
    assert shape == [(Severity.WARNING, 0)]
    assert "97110" in found[0].message
    assert "16" in found[0].message
    assert "20" in found[0].message


def test_stamped_time_matching_the_minutes_passes():
    assert "time.minutes-mismatch" not in rules_of(scrub(visit(service(minutes=16))))


@pytest.mark.parametrize(
    ("services", "line", "kind"),
    [
        ((service(units=2),), 0, PayerKind.MEDICARE),
        ((service("97161", "08:00", "09:00", units=2),), 0, PayerKind.MEDICARE),
        ((service("97110", "09:00", "09:07", units=1),), 0, PayerKind.COMMERCIAL),
        # CMS Ex4: 97116's 10 leftover minutes beat 97035's 8, so 97035 gets no unit.
        (
            (
                service("97110", "09:00", "09:18", units=1),
                service("97140", "09:18", "09:31", units=1),
                service("97116", "09:31", "09:41", units=0),
                service("97035", "09:41", "09:49", units=1),
            ),
            3,
            PayerKind.MEDICARE,
        ),
        # 10 + 10 minutes pool to 1 unit under CMS; a unit on each is per-code billing.
        (
            (
                service("97110", "09:00", "09:10", units=1),
                service("97112", "09:10", "09:20", units=1),
            ),
            1,
            PayerKind.MEDICARE,
        ),
    ],
    ids=["timed-2-for-16-min", "untimed-2", "per-code-7-min", "cms-ex4-smallest", "cms-pooled"],
)
def test_units_billed_above_what_the_minutes_support_are_an_error(services, line, kind):
    # given
    v = visit(*services, payer=payer(kind))

    # when
    shape, found = _only(scrub(v), "units.unsupported")

    # then
    assert shape == [(Severity.ERROR, line)]
    assert services[line].code in found[0].message


@pytest.mark.parametrize(
    ("services", "kind"),
    [
        ((service(units=1),), PayerKind.MEDICARE),
        ((service(units=0),), PayerKind.MEDICARE),
        ((service("97161", "08:00", "09:00", units=1),), PayerKind.MEDICARE),
        # CMS Ex2: 20 + 20 minutes, 3 units: either code may carry the second unit.
        (
            (
                service("97110", "09:00", "09:20", units=1),
                service("97112", "09:20", "09:40", units=2),
            ),
            PayerKind.MEDICARE,
        ),
        (
            (
                service("97110", "09:00", "09:10", units=1),
                service("97112", "09:10", "09:20", units=1),
            ),
            PayerKind.COMMERCIAL,
        ),
    ],
    ids=["as-computed", "fewer", "untimed-1", "cms-ex2-either-code", "per-code-10-and-10"],
)
def test_units_the_minutes_support_pass(services, kind):
    assert "units.unsupported" not in rules_of(scrub(visit(*services, payer=payer(kind))))


@pytest.mark.parametrize(
    ("services", "line", "kind"),
    [
        ((service(end="09:05"),), 0, PayerKind.MEDICARE),
        ((service(end="09:00"),), 0, PayerKind.MEDICARE),
        ((service(end="09:10"), service("97140", "09:10", "09:15")), 1, PayerKind.COMMERCIAL),
    ],
    ids=["5-min-alone", "zero-length-block", "per-code-5-min"],
)
def test_a_documented_service_earning_no_unit_is_a_warning(services, line, kind):
    # given
    v = visit(*services, payer=payer(kind))

    # when
    result = scrub(v)
    shape, found = _only(result, "units.zero")

    # then
    assert shape == [(Severity.WARNING, line)]
    assert services[line].code in found[0].message
    assert line not in {claim.service_index for claim in result.lines}


@pytest.mark.parametrize(
    ("services", "kind"),
    [
        ((service(end="09:08"),), PayerKind.MEDICARE),
        ((service(end="09:10"), service("97140", "09:10", "09:23")), PayerKind.MEDICARE),
        ((service("97110", None, None),), PayerKind.MEDICARE),
    ],
    ids=["8-min", "cms-pools-10-and-13", "time-missing-instead"],
)
def test_a_service_earning_a_unit_or_missing_its_time_is_no_zero_warning(services, kind):
    assert "units.zero" not in rules_of(scrub(visit(*services, payer=payer(kind))))


def test_units_above_a_date_of_service_mue_are_an_error():
    # given: 97110's MUE is 6 a day; 98 minutes are 7 units under CMS
    v = visit(service("97110", "09:00", "10:38"))

    # when
    shape, found = _only(scrub(v), "units.mue")

    # then
    assert shape == [(Severity.ERROR, 0)]
    assert "97110" in found[0].message
    assert "7 units" in found[0].message


def test_a_date_of_service_mue_adds_up_the_lines_of_two_providers():
    # given: 4 + 3 units of 97110 on one day
    v = visit(
        service("97110", "09:00", "10:00"),
        service("97110", "09:00", "09:45", rendering_npi=OTHER_NPI),
    )

    # when
    shape, found = _only(scrub(v), "units.mue")

    # then
    assert shape == [(Severity.ERROR, 0)]
    assert "7 units on one day" in found[0].message


def test_units_at_the_mue_pass():
    # 97 minutes are 6 units under CMS
    assert "units.mue" not in rules_of(scrub(visit(service("97110", "09:00", "10:37"))))


def _line_mue(value: int) -> MueTable:
    return MueTable([Mue("97110", value, 1, "test line edit", "test", dt.date(2017, 1, 1), None)])


def test_a_line_mue_judges_each_line_alone():
    # given: a line MUE of 2, and lines of 2 units each by two providers
    v = visit(
        service("97110", "09:00", "09:30"),
        service("97110", "09:00", "09:30", rendering_npi=OTHER_NPI),
    )

    # when
    found = rules_of(scrub(v, mue=_line_mue(2)))

    # then
    assert "units.mue" not in found


def test_a_line_above_a_line_mue_is_an_error():
    v = visit(
        service("97110", "09:00", "09:16"),
        service("97110", "10:00", "10:45", rendering_npi=OTHER_NPI),
    )

    shape, found = _only(scrub(v, mue=_line_mue(2)), "units.mue")

    assert shape == [(Severity.ERROR, 1)]
    assert "3 units on one line" in found[0].message
