"""`{% clock value %}`, `{% moment value "Y-m-d" %}` and `{{ value|clinic_date }}`:
`cleannote.platform.clock` for templates.

The cycle is the template context's `hour_cycle` (the signed-in clinic's setting, put there by
the organisations context processor); a page with none (sign-in) uses the default.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html

from cleannote.platform.clock import (
    TIME_INPUT_PATTERN,
    format_date,
    format_moment,
    format_time,
    hour_cycle_of,
    time_example,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def clock(context: template.Context, value: Any, detail: str = "") -> str:
    """The time of day of a time or a moment, "2:05 PM" or "14:05"; "" for none.
    `{% clock value "seconds" %}` adds the seconds."""
    if not isinstance(value, dt.time | dt.datetime):
        return ""
    cycle = hour_cycle_of(context.get("hour_cycle"))
    return format_time(value, cycle, seconds=detail == "seconds")


@register.simple_tag(takes_context=True)
def moment(
    context: template.Context, value: Any, date_format: str = "j M Y", detail: str = ""
) -> str:
    """A stored moment's date (Django's date format) and time, "6 Dec 2026 2:05 PM";
    `{% moment value "Y-m-d" "seconds" %}` adds the seconds, `"zone"` the zone ("EST")."""
    if not isinstance(value, dt.datetime):
        return ""
    cycle = hour_cycle_of(context.get("hour_cycle"))
    return format_moment(
        value, cycle, date_format, seconds=detail == "seconds", zone=detail == "zone"
    )


@register.filter
def clinic_date(value: Any, form: str = "") -> str:
    """A date (or a stored moment's day) as the clinic reads it on screen, "Tue 8 Dec 2026";
    `|clinic_date:"short"` leaves out the year ("Tue 8 Dec", a week grid's headings); "" for
    none. Dates a machine reads (URLs, form values) keep `|date:"Y-m-d"`."""
    if not isinstance(value, dt.date):
        return ""
    return format_date(value, short=form == "short")


@register.simple_tag(takes_context=True)
def time_input_attrs(context: template.Context) -> str:
    """A time text input's pattern, its "e.g. 2:05 PM" hint and the cycle its Start/Stop stamp
    writes in (`data-hour-cycle`, read by note_page.js)."""
    cycle = hour_cycle_of(context.get("hour_cycle"))
    return format_html(
        'pattern="{}" placeholder="e.g. {}" data-hour-cycle="{}"',
        TIME_INPUT_PATTERN,
        time_example(cycle),
        cycle.value,
    )
