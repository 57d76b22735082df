"""What an RTM enrolment makes billable (rules/rtm.py, ADR 0570): the device-supply tier by
days of data, the management codes by minutes with a live contact, set-up once per episode,
one device-supply code per 30-day period, and nothing billed before its period or month ends."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.rtm import (
    BilledCode,
    RtmEpisode,
    RtmLine,
    RtmTime,
    Standing,
    device_supply_code,
    management_lines,
    rtm_billing,
)

START = dt.date(2026, 3, 2)  # period 1: 2026-03-02 .. 2026-03-31
PERIOD_1_END = dt.date(2026, 3, 31)
AFTER_PERIOD_1 = dt.date(2026, 4, 1)


def _days(count: int, start: dt.date = START) -> frozenset[dt.date]:
    return frozenset(start + dt.timedelta(days=i) for i in range(count))


def _codes(lines: tuple[RtmLine, ...]) -> list[tuple[str, int]]:
    return [(line.code, line.units) for line in lines]


# --- device supply: the tier by days of data ---------------------------------------------------


@pytest.mark.parametrize(
    ("days", "code"),
    [
        pytest.param(0, None, id="0-days"),
        pytest.param(1, None, id="1-day"),
        pytest.param(2, "98985", id="2-days-first-2026-tier-day"),
        pytest.param(15, "98985", id="15-days-last-2026-tier-day"),
        pytest.param(16, "98977", id="16-days"),
        pytest.param(30, "98977", id="30-days"),
    ],
)
def test_a_finished_period_bills_the_tier_its_days_of_data_reach(
    days: int, code: str | None
) -> None:
    # given a musculoskeletal enrolment whose first period holds `days` days of data
    episode = RtmEpisode("msk", START, data_days=_days(days))
    # when asked the day after the period's 30th day
    period = rtm_billing(episode, AFTER_PERIOD_1).periods[0]
    # then
    assert (period.start, period.end, period.days) == (START, PERIOD_1_END, days)
    if code is None:
        assert period.standing is Standing.NOT_BILLABLE
        assert "fewer than 2" in period.why
        assert period.lines == ()
    else:
        assert period.standing is Standing.BILLABLE
        assert period.lines == (RtmLine(code, 1, PERIOD_1_END, device_days=days),)


@pytest.mark.parametrize(
    ("family", "days", "code"),
    [
        pytest.param("respiratory", 2, "98984", id="respiratory-2"),
        pytest.param("respiratory", 16, "98976", id="respiratory-16"),
        pytest.param("cbt", 15, "98986", id="cbt-15"),
        pytest.param("cbt", 30, "98978", id="cbt-30"),
        pytest.param("msk", 31, None, id="more-than-30"),
    ],
)
def test_each_family_has_its_own_device_supply_codes(family: str, days: int, code: str) -> None:
    assert device_supply_code(family, days) == code


def test_a_running_period_is_not_billed_yet() -> None:
    # given 20 days of data, on the period's last day
    episode = RtmEpisode("msk", START, data_days=_days(20))
    # when
    period = rtm_billing(episode, PERIOD_1_END).periods[0]
    # then it waits, saying which code it reaches so far
    assert period.standing is Standing.OPEN
    assert "98977 so far" in period.why
    assert [line.code for line in rtm_billing(episode, PERIOD_1_END).billable] == ["98975"]


def test_one_device_supply_code_per_30_days_periods_follow_each_other() -> None:
    # given data in three periods (20, 5 and 1 days)
    data = _days(20) | _days(5, START + dt.timedelta(days=30)) | _days(1, dt.date(2026, 5, 1))
    episode = RtmEpisode("msk", START, data_days=data)
    # when asked after the third period
    billing = rtm_billing(episode, dt.date(2026, 6, 1))
    # then each period has its own 30 days and at most one code, dated its last day
    assert [(p.number, p.start, p.end, p.days) for p in billing.periods] == [
        (1, START, PERIOD_1_END, 20),
        (2, dt.date(2026, 4, 1), dt.date(2026, 4, 30), 5),
        (3, dt.date(2026, 5, 1), dt.date(2026, 5, 30), 1),
        (4, dt.date(2026, 5, 31), dt.date(2026, 6, 29), 0),
    ]
    device = [line for line in billing.billable if line.code != "98975"]
    assert [(line.code, line.date_of_service) for line in device] == [
        ("98977", PERIOD_1_END),
        ("98985", dt.date(2026, 4, 30)),
    ]


def test_a_period_already_on_a_note_is_not_billed_again() -> None:
    # given period 1's code already on a note
    episode = RtmEpisode(
        "msk", START, data_days=_days(20), billed=(BilledCode("98977", PERIOD_1_END),)
    )
    # when
    period = rtm_billing(episode, AFTER_PERIOD_1).periods[0]
    # then
    assert period.standing is Standing.ON_NOTE
    assert period.lines == ()


def test_an_ended_enrolment_closes_its_last_period_on_its_end_day() -> None:
    # given an enrolment that ended after 10 days, with data on each
    end = START + dt.timedelta(days=9)
    episode = RtmEpisode("msk", START, end=end, data_days=_days(10))
    # when asked long after
    billing = rtm_billing(episode, dt.date(2026, 6, 1))
    # then one period, cut at the end and billed on that day; no further period
    [period] = billing.periods
    assert (period.end, period.days) == (end, 10)
    assert period.lines == (RtmLine("98985", 1, end, device_days=10),)


# --- set-up and education: once per episode -------------------------------------------------


@pytest.mark.parametrize(
    ("days", "standing"),
    [
        pytest.param(0, Standing.OPEN, id="no-data-yet"),
        pytest.param(1, Standing.OPEN, id="1-day"),
        pytest.param(2, Standing.BILLABLE, id="2-days"),
    ],
)
def test_set_up_is_billable_once_the_device_sent_data_on_2_days(
    days: int, standing: Standing
) -> None:
    episode = RtmEpisode("msk", START, data_days=_days(days))
    setup = rtm_billing(episode, START + dt.timedelta(days=5)).setup
    assert setup.standing is standing
    if standing is Standing.BILLABLE:
        assert setup.lines == (RtmLine("98975", 1, START),)


def test_set_up_is_billed_only_once_per_episode() -> None:
    # given 98975 on an earlier note of the case (signed or still a draft)
    episode = RtmEpisode(
        "msk", START, data_days=_days(20), billed=(BilledCode("98975", START, signed=False),)
    )
    # when
    billing = rtm_billing(episode, AFTER_PERIOD_1)
    # then the set-up is not offered again, the device supply still is
    assert billing.setup.standing is Standing.ON_NOTE
    assert [line.code for line in billing.billable] == ["98977"]


# --- treatment management: minutes per calendar month with a live contact --------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        pytest.param(9, [], id="9-min"),
        pytest.param(10, [("98979", 1, 10)], id="10-min"),
        pytest.param(19, [("98979", 1, 19)], id="19-min"),
        pytest.param(20, [("98980", 1, 20)], id="20-min"),
        pytest.param(39, [("98980", 1, 39)], id="39-min"),
        pytest.param(40, [("98980", 1, 20), ("98981", 1, 20)], id="40-min"),
        pytest.param(59, [("98980", 1, 20), ("98981", 1, 39)], id="59-min"),
        pytest.param(60, [("98980", 1, 20), ("98981", 2, 40)], id="60-min"),
    ],
)
def test_management_minutes_choose_the_codes(
    minutes: int, expected: list[tuple[str, int, int]]
) -> None:
    day = dt.date(2026, 3, 31)
    lines = management_lines(minutes, day)
    assert [(line.code, line.units, line.minutes) for line in lines] == expected
    assert all(line.date_of_service == day for line in lines)


def _month_episode(*time: RtmTime) -> RtmEpisode:
    return RtmEpisode("msk", START, time=time)


def test_a_month_with_a_live_contact_bills_its_minutes_after_it_ends() -> None:
    # given 12 minutes of review and an 8-minute video call in March
    episode = _month_episode(
        RtmTime(dt.date(2026, 3, 10), 12), RtmTime(dt.date(2026, 3, 20), 8, interactive=True)
    )
    # when asked on 1 April
    [march, april] = rtm_billing(episode, dt.date(2026, 4, 1)).months
    # then March bills 98980 on its last day; April has just begun
    assert (march.first_day, march.minutes, march.interactive) == (dt.date(2026, 3, 1), 20, 1)
    assert march.standing is Standing.BILLABLE
    assert march.lines == (RtmLine("98980", 1, dt.date(2026, 3, 31), minutes=20),)
    assert april.standing is Standing.OPEN


def test_a_month_without_an_interactive_contact_bills_no_management() -> None:
    # given 45 minutes of data review but no live call or video
    episode = _month_episode(RtmTime(dt.date(2026, 3, 10), 45))
    # when
    march = rtm_billing(episode, dt.date(2026, 4, 1)).months[0]
    # then nothing, and the reason says what is missing
    assert march.standing is Standing.NOT_BILLABLE
    assert "No live interactive communication" in march.why
    assert march.lines == ()


def test_a_running_month_is_not_billed_yet() -> None:
    episode = _month_episode(RtmTime(dt.date(2026, 3, 10), 25, interactive=True))
    march = rtm_billing(episode, dt.date(2026, 3, 31)).months[0]
    assert march.standing is Standing.OPEN
    assert "98980 so far" in march.why


def test_a_month_already_on_a_note_is_not_billed_again() -> None:
    episode = RtmEpisode(
        "msk",
        START,
        time=(RtmTime(dt.date(2026, 3, 10), 25, interactive=True),),
        billed=(BilledCode("98980", dt.date(2026, 3, 31)),),
    )
    march = rtm_billing(episode, dt.date(2026, 4, 1)).months[0]
    assert march.standing is Standing.ON_NOTE


def test_minutes_before_the_enrolment_do_not_count() -> None:
    episode = _month_episode(
        RtmTime(dt.date(2026, 3, 1), 30, interactive=True),  # the day before the start
        RtmTime(dt.date(2026, 3, 5), 9, interactive=True),
    )
    march = rtm_billing(episode, dt.date(2026, 4, 1)).months[0]
    assert (march.minutes, march.standing) == (9, Standing.NOT_BILLABLE)


# --- bills: one per date of service -----------------------------------------------------------


def test_billable_lines_are_grouped_by_their_date_of_service() -> None:
    # given a first period of 18 days and a March with 45 minutes and a call
    episode = RtmEpisode(
        "msk",
        START,
        data_days=_days(18),
        time=(
            RtmTime(dt.date(2026, 3, 9), 30),
            RtmTime(dt.date(2026, 3, 16), 15, interactive=True),
        ),
    )
    # when
    bills = rtm_billing(episode, AFTER_PERIOD_1).bills()
    # then the set-up on the first day; device supply and management on 31 March
    assert [(b.date_of_service, _codes(b.lines)) for b in bills] == [
        (START, [("98975", 1)]),
        (PERIOD_1_END, [("98977", 1), ("98980", 1), ("98981", 1)]),
    ]
