"""The week grid on a tablet (issue 12): at 768 and 1024 px the page never scrolls sideways;
the grid's five weekdays fit beside the clinician column (their columns compress), and what
does not fit (a weekend, a narrow phone) scrolls inside the grid's own frame with the clinician
column held in place. Screenshots go to test-artifacts/week-tablet-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.demo_site import ROLES, signed_in_context

# `django_db` makes pytest-django set up the test database; the demo itself is loaded once per
# module, outside the test's transaction (tests/browser/demo_site.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

_MEASURE = """() => {
  const page = document.documentElement;
  const frame = document.querySelector('.schedule-scroll');
  const who = document.querySelector('.week-grid tbody th');
  return {days: document.querySelectorAll('.week-grid thead th').length - 1,
          page: page.scrollWidth - page.clientWidth,
          frame: frame.scrollWidth - frame.clientWidth,
          whoLeft: who.getBoundingClientRect().left - frame.getBoundingClientRect().left};
}"""


def test_the_week_fits_a_tablet_without_the_page_scrolling_sideways(module_browser, demo_site):
    context, page = signed_in_context(module_browser, demo_site, ROLES["front desk"])
    try:
        for width in (768, 1024):
            page.set_viewport_size({"width": width, "height": 1024})
            page.goto(demo_site.url + demo_site.pages["week"])
            expect(page.locator(".week-grid")).to_be_visible()
            assert page.locator(".week-grid tbody tr").count() >= 5  # the demo's clinicians
            page.screenshot(path=str(ARTIFACTS / f"week-tablet-{width}.png"), full_page=True)
            measured = page.evaluate(_MEASURE)
            assert measured["page"] <= 0, f"the page scrolls sideways by {measured['page']} px"
            assert measured["days"] == 5  # the demo books no weekend
            # Monday to Friday in view: the grid's frame needs no sideways scroll either.
            assert measured["frame"] <= 0, f"{width} px: the grid hides {measured['frame']} px"

        # A phone: the grid scrolls inside its frame, the clinician column stays in place.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(demo_site.url + demo_site.pages["week"])
        page.locator(".schedule-scroll").evaluate("frame => { frame.scrollLeft = 200; }")
        measured = page.evaluate(_MEASURE)
        assert measured["page"] <= 0, f"the page scrolls sideways by {measured['page']} px"
        assert measured["frame"] > 0
        assert abs(measured["whoLeft"]) <= 1
        page.screenshot(path=str(ARTIFACTS / "week-tablet-390.png"), full_page=True)
    finally:
        context.close()
