"""A case's outcome measures as series over time, and each series drawn as inline SVG.

Only real measurements are points: each recorded result is one, on the day it was measured,
and days are spaced by the calendar, not by visit count. The vertical scale is the
instrument's whole range for a questionnaire (so 40 of 80 sits half way up) and from zero for
a timed test. A dashed line marks the first score plus the change threshold (MCID, or MDC) in
the better direction: the line a meaningful improvement crosses. The SVG is built here, server
side, with no JavaScript and no inline style (the page's CSP forbids it): presentation
attributes only, every text escaped. A table beside it carries the same numbers for people
who do not see the picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from cleannote.apps.patients.models import OutcomeMeasureResult
from cleannote.rules.outcome_measures import (
    Change,
    Instrument,
    Scoring,
    change_between,
    find_instrument,
)

WIDTH, HEIGHT = 520, 190
LEFT, RIGHT, TOP, BOTTOM = 46, 56, 22, 30
INSET = 22  # points stay clear of the scale on the left and the threshold label on the right
INK, MUTED, LINE, ACCENT, GOOD = "#1f2a33", "#5b6b78", "#d9e1e7", "#1d6a8a", "#2e7d4f"
LABEL_EVERY_POINT_UP_TO = 8
_QUOTE = {'"': "&quot;"}


@dataclass(frozen=True, slots=True)
class MeasurePoint:
    measured_on: dt.date
    score: Decimal
    shown: str
    band: str
    change: Change | None  # against the first point; None on the first
    result_id: int | None = None  # the recorded row, for its correct/remove page


@dataclass(frozen=True, slots=True)
class MeasureSeries:
    instrument: Instrument
    points: tuple[MeasurePoint, ...]

    @property
    def first(self) -> MeasurePoint:
        return self.points[0]

    @property
    def latest(self) -> MeasurePoint:
        return self.points[-1]

    @property
    def change(self) -> Change | None:
        return self.latest.change

    @property
    def svg(self) -> SafeString:
        return series_svg(self)


def measure_series(
    results: Iterable[OutcomeMeasureResult], *, through: dt.date | None = None
) -> list[MeasureSeries]:
    """The results grouped by instrument (in the order each was first measured), oldest first,
    up to and including `through` when given."""
    grouped: dict[str, list[OutcomeMeasureResult]] = {}
    for result in sorted(results, key=lambda r: (r.measured_on, r.pk or 0)):
        if through is None or result.measured_on <= through:
            grouped.setdefault(result.instrument, []).append(result)
    series: list[MeasureSeries] = []
    for code, rows in grouped.items():
        found = find_instrument(code)
        if found is None:  # an instrument retired from the data file: its rows stay unread
            continue
        first = rows[0].score
        points = tuple(
            MeasurePoint(
                measured_on=row.measured_on,
                score=row.score,
                shown=found.shown(row.score),
                band=found.band_of(row.score),
                change=None if index == 0 else change_between(found, first, row.score),
                result_id=row.pk,
            )
            for index, row in enumerate(rows)
        )
        series.append(MeasureSeries(found, points))
    return series


def series_svg(series: MeasureSeries) -> SafeString:
    found = series.instrument
    low, high = found.low, found.high
    if found.scoring is Scoring.VALUE:
        top = max(p.score for p in series.points)
        threshold = found.threshold_for(series.first.score)
        if threshold is not None and found.higher_is_better:
            top = max(top, series.first.score + threshold.points)
        top = max([top, *(b.low for b in found.bands)])
        low, high = Decimal(0), _nice_ceiling(top * Decimal("1.15"))
    span = high - low or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first_day, last_day = series.first.measured_on, series.latest.measured_on
    days = (last_day - first_day).days

    def x(day: dt.date) -> float:
        if days == 0:
            return LEFT + plot_w / 2
        return LEFT + INSET + (plot_w - 2 * INSET) * (day - first_day).days / days

    def y(value: Decimal) -> float:
        clamped = min(max(value, low), high)
        return TOP + plot_h * float((high - clamped) / span)

    parts: list[str] = []
    # Frame, gridlines and scale.
    for value in (low, low + span / 2, high):
        gy = y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" '
            f'stroke="{LINE}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{MUTED}">{escape(_number(value, found))}</text>'
        )
    # The threshold line: first score plus the MCID (or MDC) in the better direction.
    threshold = found.threshold_for(series.first.score)
    if threshold is not None:
        sign = 1 if found.higher_is_better else -1
        target = series.first.score + sign * threshold.points
        if low <= target <= high:
            ty = y(target)
            parts.append(
                f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
                f'stroke="{GOOD}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            )
            parts.append(
                f'<text x="{WIDTH - RIGHT + 4}" y="{ty + 4:.1f}" font-size="12" '
                f'fill="{GOOD}">{escape(threshold.kind)}</text>'
            )
    # The line through the real measurements, and each point with its value.
    coords = [(x(p.measured_on), y(p.score)) for p in series.points]
    if len(coords) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5" '
            f'stroke-linejoin="round"/>'
        )
    label_all = len(coords) <= LABEL_EVERY_POINT_UP_TO
    for index, (point, (px, py)) in enumerate(zip(series.points, coords, strict=True)):
        title = f"{point.measured_on:%d %b %Y}: {point.shown}"
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="{ACCENT}" stroke="#ffffff" '
            f'stroke-width="1.5"><title>{escape(title)}</title></circle>'
        )
        if label_all or index in (0, len(coords) - 1):
            parts.append(
                f'<text x="{px:.1f}" y="{py - 9:.1f}" text-anchor="middle" font-size="12" '
                f'font-weight="600" fill="{INK}">{escape(_number(point.score, found))}</text>'
            )
    # Dates along the bottom: the first and the last measurement (all of them when few).
    shown_days = [p.measured_on for p in series.points] if label_all else [first_day, last_day]
    for day in dict.fromkeys(shown_days):
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12" '
            f'fill="{MUTED}">{day:%-d %b}</text>'
        )
    label = (
        f"{found.code} over time: {series.first.shown} on {first_day:%d %b %Y}"
        + (f" to {series.latest.shown} on {last_day:%d %b %Y}" if len(series.points) > 1 else "")
        + (f", {series.change.summary}" if series.change is not None else "")
    )
    aria = escape(label, _QUOTE)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{aria}" '
        f'class="measure-chart">{"".join(parts)}</svg>'
    )
    return mark_safe(svg)  # built above from numbers and escaped text only


def _nice_ceiling(value: Decimal) -> Decimal:
    """The next round number at or above `value` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for factor in (1, 2, 5, 10):
        candidate = Decimal(factor).scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def _number(value: Decimal, found: Instrument) -> str:
    return f"{value.quantize(found.quantum):f}"
