"""Times of day shown to a person, and read back from what they type, one way: the clinic's
12- or 24-hour setting (`Organisation.hour_cycle`, ADR 0590).

Every time on a page, in a PDF or in a time input goes through `format_time` (templates through
the `{% clock %}` and `{% moment %}` tags in `templatetags/clock.py`), in the clinic's time zone
(settings.TIME_ZONE) for a stored moment. `parse_time` reads either way of writing a time, so a
therapist who types "14:05" in a 12-hour clinic is not refused; only what is no time at all is.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import models
from django.utils import dateformat, timezone


class HourCycle(models.TextChoices):
    H12 = "12", "12-hour (2:05 PM)"
    H24 = "24", "24-hour (14:05)"


DEFAULT_HOUR_CYCLE = HourCycle.H12  # US clinics write 2:05 PM

# "14:05", "2:05 PM", "2:05pm", "2 p.m."; a bare number ("9", "1405") is no time.
_TIME = re.compile(
    r"^\s*(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?:(?P<half>[ap])\.?\s*m?\.?)?\s*$",
    re.IGNORECASE,
)
# The same shape for a time input's `pattern` (the browser anchors it); the server's
# parse_time stays the judge of hours and minutes.
TIME_INPUT_PATTERN = r"\s*\d{1,2}(:\d{2})?\s*([AaPp]\.?\s*[Mm]?\.?)?\s*"


def hour_cycle_of(value: object) -> HourCycle:
    """The cycle a stored setting names; the default for none or an unknown value."""
    try:
        return HourCycle(str(value))
    except ValueError:
        return DEFAULT_HOUR_CYCLE


def format_time(value: dt.time | dt.datetime, cycle: HourCycle, *, seconds: bool = False) -> str:
    """ "2:05 PM" or "14:05" ("2:05:09 PM" with seconds); an aware moment in the clinic's zone."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    tail = f":{value.second:02d}" if seconds else ""
    if cycle == HourCycle.H24:
        return f"{value.hour:02d}:{value.minute:02d}{tail}"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{tail} {'AM' if value.hour < 12 else 'PM'}"


def format_moment(
    value: dt.datetime,
    cycle: HourCycle,
    date_format: str = "j M Y",
    *,
    seconds: bool = False,
    zone: bool = False,
) -> str:
    """A stored moment as the clinic reads it, in the clinic's time zone: the date (Django's
    date format) then the time, "6 Dec 2026 2:05 PM", and with `zone` its abbreviation, "EST"
    (a signature, read by people in other zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    shown = f"{dateformat.format(value, date_format)} {format_time(value, cycle, seconds=seconds)}"
    return f"{shown} {dateformat.format(value, 'T')}" if zone else shown


# A date on screen, one way (ADR 0661): "Tue 8 Dec 2026", and without the year where a page
# shows one week ("Tue 8 Dec": the week grid's headings). Dates a machine reads (URLs, form
# values, data attributes, file names) stay ISO "2026-12-08".
DATE_FORMAT = "D j M Y"
SHORT_DATE_FORMAT = "D j M"


def format_date(value: dt.date, *, short: bool = False) -> str:
    """ "Tue 8 Dec 2026" ("Tue 8 Dec" short); a stored moment's day in the clinic's zone."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, SHORT_DATE_FORMAT if short else DATE_FORMAT)


def time_example(cycle: HourCycle) -> str:
    """How a time is written in this clinic, for hints and error messages."""
    return format_time(dt.time(14, 5), cycle)


def parse_time(raw: str) -> dt.time:
    """A typed time, in either cycle: "14:05", "2:05 PM", "2:05pm", "2 pm", "9:30".

    Raises ValueError for anything else (an hour past 23, 13 PM, minutes past 59, "0 AM").
    """
    match = _TIME.match(raw)
    if match is None:
        raise ValueError(raw)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower()
    if match["minute"] is None and not half:
        raise ValueError(raw)  # "9" alone is not a time
    if minute > 59:
        raise ValueError(raw)
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(raw)
        hour = hour % 12 + (12 if half == "p" else 0)
    elif hour > 23:
        raise ValueError(raw)
    return dt.time(hour, minute)
