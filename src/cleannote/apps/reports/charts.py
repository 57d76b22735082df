"""Charts as SVG drawn on the server by pygal (ADR 0800): no script, nothing fetched at run
time, and an SVG prints as sharply as the text around it. Colours keep contrast on white
paper; every chart has a title and the same numbers are in the table beside it."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pygal
from pygal.style import Style

PRINTABLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#555555",
    colors=("#1f5f99", "#b3541e", "#2e7d32", "#6a1b9a", "#8d6e00"),
    font_family="system-ui, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
)


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Chart:
    """An SVG chart shown as an image from a data: address: the page's content security policy
    allows data: images but no inline style or script, and an SVG shown as an image runs no
    script at all (pygal writes a small configuration script into every chart)."""

    title: str
    svg: str

    @property
    def src(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    *,
    horizontal: bool = True,
    percent: bool = False,
) -> Chart:
    """A bar chart (pygal escapes every label it draws)."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = kind(
        style=PRINTABLE,
        js=[],  # pygal's tooltips would load a script from a CDN: none
        disable_xml_declaration=True,
        explicit_size=True,
        width=800,
        height=max(260, 70 + 46 * len(labels) * max(1, len(series))) if horizontal else 360,
        print_values=True,
        legend_at_bottom=True,
        title=title,
        show_y_guides=not horizontal,
        truncate_label=40,
        no_data_text="No data for these filters",
    )
    if percent:
        chart.range = (0, 100)  # a share is read against the whole scale, not its own maximum
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, [_number(v) for v in values])
    return Chart(title=title, svg=chart.render(is_unicode=True))
