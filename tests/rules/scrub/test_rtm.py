"""Remote therapeutic monitoring: device-supply tiers and 30-day periods, management minutes,
and the 10- and 20-minute management codes in one month."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import HistoryService, HistoryVisit
from tests.rules.scrub.factories import DOS, findings_of, rules_of, service, visit


def _device(code: str, days: int) -> object:
    return service(code, None, None, parameters={"device_days": days, "device": "knee sensor"})


def _management(code: str, minutes: int | None) -> object:
    return service(code, None, None, minutes=minutes)


def _history(days_ago: int, *codes: str) -> HistoryVisit:
    return HistoryVisit(DOS - dt.timedelta(days=days_ago), tuple(HistoryService(c) for c in codes))


# --- rtm.device-tier --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "days", "right"),
    [
        pytest.param("98977", 15, "98985", id="16-30-code-for-15-days"),
        pytest.param("98985", 16, "98977", id="2-15-code-for-16-days"),
        pytest.param("98976", 10, "98984", id="respiratory"),
        pytest.param("98986", 31, None, id="more-than-30"),
        pytest.param("98985", 1, None, id="one-day"),
    ],
)
def test_a_device_supply_code_for_the_wrong_number_of_days_is_flagged(
    code: str, days: int, right: str | None
) -> None:
    # given a device-supply code whose tier does not hold the recorded days
    v = visit(service("97110"), _device(code, days))  # type: ignore[arg-type]
    # when
    [found] = findings_of(scrub(v), "rtm.device-tier")
    # then the fix names the right tier of the same family, when one exists
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert code in found.message
    assert str(days) in found.message
    assert (right in found.fix) if right else ("No device-supply code" in found.fix)


@pytest.mark.parametrize(
    ("code", "days"),
    [
        pytest.param("98977", 16, id="16-30-low"),
        pytest.param("98977", 30, id="16-30-high"),
        pytest.param("98985", 2, id="2-15-low"),
        pytest.param("98985", 15, id="2-15-high"),
    ],
)
def test_a_device_supply_code_in_its_tier_passes(code: str, days: int) -> None:
    v = visit(_device(code, days))  # type: ignore[arg-type]
    assert "rtm.device-tier" not in rules_of(scrub(v))


# --- rtm.device-repeat ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "history", "line"),
    [
        pytest.param((_device("98977", 20), _device("98985", 10)), (), 1, id="two-today"),
        pytest.param((_device("98977", 20),), (_history(29, "98985"),), 0, id="29-days-ago"),
        pytest.param((_device("98977", 20),), (_history(0, "98977"),), 0, id="earlier-today"),
    ],
)
def test_two_device_supply_codes_in_30_days_are_flagged(
    services: tuple[object, ...], history: tuple[HistoryVisit, ...], line: int
) -> None:
    # given a device-supply code and another within the same 30-day period
    v = visit(*services, history=history)  # type: ignore[arg-type]
    # when
    [found] = findings_of(scrub(v), "rtm.device-repeat")
    # then
    assert (found.line, found.severity) == (line, Severity.ERROR)
    assert "98977" in found.message or "98985" in found.message


@pytest.mark.parametrize(
    "history",
    [
        pytest.param((_history(30, "98977"),), id="30-days-ago"),
        pytest.param((_history(5, "98980", "97110"),), id="other-rtm-code"),
        pytest.param((), id="no-history"),
    ],
)
def test_one_device_supply_code_per_30_days_passes(history: tuple[HistoryVisit, ...]) -> None:
    v = visit(_device("98977", 20), history=history)  # type: ignore[arg-type]
    assert "rtm.device-repeat" not in rules_of(scrub(v))


# --- rtm.management-minutes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "minutes"),
    [
        pytest.param("98979", 9, id="98979-9-minutes"),
        pytest.param("98980", 19, id="98980-19-minutes"),
        pytest.param("98981", 15, id="98981-15-minutes"),
        pytest.param("98980", None, id="98980-no-minutes"),
    ],
)
def test_management_below_the_codes_floor_is_flagged(code: str, minutes: int | None) -> None:
    # given a management code with too few documented minutes
    v = visit(service("97110"), _management(code, minutes))  # type: ignore[arg-type]
    # when
    [found] = findings_of(scrub(v), "rtm.management-minutes")
    # then
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert code in found.message
    assert str(minutes if minutes is not None else "none") in found.message


@pytest.mark.parametrize(
    ("code", "minutes"),
    [
        pytest.param("98979", 10, id="98979-10-minutes"),
        pytest.param("98980", 20, id="98980-20-minutes"),
        pytest.param("98981", 40, id="98981-40-minutes"),
    ],
)
def test_management_at_or_above_the_floor_passes(code: str, minutes: int) -> None:
    v = visit(_management(code, minutes))  # type: ignore[arg-type]
    assert "rtm.management-minutes" not in rules_of(scrub(v))


# --- rtm.98979-with-98980 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "history", "line", "code"),
    [
        pytest.param(
            (_management("98980", 20), _management("98979", 12)), (), 1, "98979", id="both-today"
        ),
        pytest.param(
            (_management("98979", 12),), (_history(5, "98980"),), 0, "98979", id="98980-earlier"
        ),
        pytest.param(
            (_management("98980", 25),), (_history(9, "98979"),), 0, "98980", id="98979-earlier"
        ),
    ],
)
def test_98979_and_98980_in_one_month_are_flagged(
    services: tuple[object, ...], history: tuple[HistoryVisit, ...], line: int, code: str
) -> None:
    # given the 10-minute and the 20-minute first-management codes in one calendar month
    v = visit(*services, history=history)  # type: ignore[arg-type]
    # when
    [found] = findings_of(scrub(v), "rtm.98979-with-98980")
    # then
    assert (found.line, found.severity) == (line, Severity.ERROR)
    assert code in found.message


@pytest.mark.parametrize(
    ("services", "history"),
    [
        pytest.param((_management("98979", 12),), (_history(10, "98980"),), id="last-month"),
        pytest.param((_management("98980", 20), _management("98981", 20)), (), id="with-98981"),
        pytest.param((service("97110"),), (_history(2, "98979", "98980"),), id="none-today"),
    ],
)
def test_98979_and_98980_near_misses_pass(
    services: tuple[object, ...], history: tuple[HistoryVisit, ...]
) -> None:
    # DOS is 2026-03-10, so ten days earlier is February
    v = visit(*services, history=history)  # type: ignore[arg-type]
    assert "rtm.98979-with-98980" not in rules_of(scrub(v))
