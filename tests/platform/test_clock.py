"""Times shown and read one way: the clinic's 12- or 24-hour setting (ADR 0590)."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template

from cleannote.platform.clock import (
    HourCycle,
    format_date,
    format_moment,
    format_time,
    hour_cycle_of,
    parse_time,
    time_example,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("value", "h12", "h24"),
    [
        (dt.time(0, 5), "12:05 AM", "00:05"),
        (dt.time(9, 0), "9:00 AM", "09:00"),
        (dt.time(11, 59), "11:59 AM", "11:59"),
        (dt.time(12, 0), "12:00 PM", "12:00"),
        (dt.time(14, 5), "2:05 PM", "14:05"),
        (dt.time(23, 30), "11:30 PM", "23:30"),
    ],
    ids=["after-midnight", "morning", "before-noon", "noon", "afternoon", "late"],
)
def test_a_time_of_day_in_each_cycle(value, h12, h24):
    assert format_time(value, HourCycle.H12) == h12
    assert format_time(value, HourCycle.H24) == h24


def test_a_stored_moment_is_shown_in_the_clinic_zone_with_its_date(settings):
    # given 19:05 UTC on 6 Dec 2026 (14:05 in New York, the settings' zone)
    settings.TIME_ZONE = "America/New_York"
    moment = dt.datetime(2026, 12, 6, 19, 5, 9, tzinfo=dt.UTC)

    # then
    assert format_time(moment, HourCycle.H12) == "2:05 PM"
    assert format_time(moment, HourCycle.H24, seconds=True) == "14:05:09"
    assert format_moment(moment, HourCycle.H12) == "6 Dec 2026 2:05 PM"
    assert format_moment(moment, HourCycle.H24, "Y-m-d") == "2026-12-06 14:05"
    assert format_moment(moment, HourCycle.H12, zone=True) == "6 Dec 2026 2:05 PM EST"
    assert format_moment(moment, HourCycle.H12, "Y-m-d", seconds=True) == "2026-12-06 2:05:09 PM"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:05", dt.time(14, 5)),
        ("9:30", dt.time(9, 30)),
        ("09:30", dt.time(9, 30)),
        ("2:05 PM", dt.time(14, 5)),
        ("2:05pm", dt.time(14, 5)),
        (" 2:05 p.m. ", dt.time(14, 5)),
        ("12:00 AM", dt.time(0, 0)),
        ("12:15 PM", dt.time(12, 15)),
        ("2 pm", dt.time(14, 0)),
        ("11 a", dt.time(11, 0)),
    ],
)
def test_either_way_of_writing_a_time_is_read(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "9", "1405", "9h", "24:00", "9:60", "13:00 PM", "0:30 AM", "2:05 XM", "noon"]
)
def test_what_is_no_time_is_refused(typed):
    with pytest.raises(ValueError):
        parse_time(typed)


def test_the_setting_names_its_cycle_and_the_default_is_12_hour():
    assert hour_cycle_of("24") is HourCycle.H24
    assert hour_cycle_of("12") is HourCycle.H12
    assert hour_cycle_of(None) is HourCycle.H12
    assert hour_cycle_of("bogus") is HourCycle.H12
    assert time_example(HourCycle.H12) == "2:05 PM"
    assert time_example(HourCycle.H24) == "14:05"


@pytest.mark.parametrize(
    ("cycle", "shown"), [("12", "2:05 PM"), ("24", "14:05"), (None, "2:05 PM")]
)
def test_the_template_tags_read_the_cycle_from_the_context(cycle, shown):
    template = Template(
        "{% load clock %}[{% clock t %}][{% moment m 'Y-m-d' %}][{% clock none %}]"
        "<input {% time_input_attrs %}>"
    )
    moment = dt.datetime(2026, 12, 6, 14, 5, tzinfo=NEW_YORK)

    html = template.render(
        Context({"hour_cycle": cycle, "t": dt.time(14, 5), "m": moment, "none": None})
    )

    assert f"[{shown}][2026-12-06 {shown}][]" in html
    assert f'placeholder="e.g. {shown}"' in html
    assert f'data-hour-cycle="{cycle or "12"}"' in html


@pytest.mark.parametrize(
    ("value", "long", "short"),
    [
        (dt.date(2026, 12, 8), "Tue 8 Dec 2026", "Tue 8 Dec"),
        (dt.date(2027, 1, 4), "Mon 4 Jan 2027", "Mon 4 Jan"),
        (dt.date(2027, 2, 28), "Sun 28 Feb 2027", "Sun 28 Feb"),
        # 03:30 UTC on 1 Mar is still the evening of 28 Feb in New York (the settings' zone)
        (dt.datetime(2027, 3, 1, 3, 30, tzinfo=dt.UTC), "Sun 28 Feb 2027", "Sun 28 Feb"),
        (dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC), "Mon 1 Mar 2027", "Mon 1 Mar"),
    ],
    ids=["a-date", "single-digit-day", "sunday", "late-moment-is-the-day-before", "a-moment"],
)
def test_a_date_is_shown_one_way_long_or_short(settings, value, long, short):
    settings.TIME_ZONE = "America/New_York"

    assert format_date(value) == long
    assert format_date(value, short=True) == short
    html = Template("{% load clock %}[{{ d|clinic_date }}][{{ d|clinic_date:'short' }}]").render(
        Context({"d": value})
    )
    assert html == f"[{long}][{short}]"


def test_no_date_shows_nothing_so_a_default_can_follow():
    html = Template(
        "{% load clock %}[{{ none|clinic_date|default:'open' }}][{{ text|clinic_date }}]"
    )
    assert html.render(Context({"none": None, "text": "2026-12-08"})) == "[open][]"
