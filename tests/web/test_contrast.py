"""Non-text contrast (WCAG 2.1 1.4.11): the focus ring and input borders reach 3:1 (ADR 0561).

The ratios are computed from the colour values in the stylesheet itself, against every
background the ring or border sits on: the page (wash), cards and inputs (paper, white), and the
editor's treatment blocks.
"""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).parents[2] / "src/cleannote/web/static/cleannote/cleannote.css"
NOTE_CSS = CSS.with_name("note_page.css")


def _variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS.read_text()))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    # the old colours, as the issue measured them: a near miss must fail
    assert contrast("#f2b233", "#ffffff") == pytest.approx(1.88, abs=0.01)
    assert contrast("#b9c6cf", "#ffffff") == pytest.approx(1.74, abs=0.01)


def _backgrounds() -> list[str]:
    v = _variables()
    block = re.search(r"\.block \{[^}]*background: (#[0-9a-fA-F]{6})", NOTE_CSS.read_text())
    assert block, "the treatment block's background colour"
    return [v["paper"], v["wash"], "#ffffff", block.group(1)]


@pytest.mark.parametrize("name", ["focus", "field-line"])
def test_focus_ring_and_input_border_reach_3_to_1(name):
    colour = _variables()[name]
    for background in _backgrounds():
        assert contrast(colour, background) >= 3.0, (name, colour, background)


def test_the_ring_and_inputs_use_those_colours():
    css = CSS.read_text()
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--focus\)", css)
    inputs = re.search(r"input, select, textarea \{[^}]*\}", css)
    assert inputs
    assert "border: 1px solid var(--field-line)" in inputs.group(0)
