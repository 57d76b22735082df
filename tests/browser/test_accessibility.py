"""axe-core on every main page, as each of the four roles sees it (issue 11): the WCAG 2.0 and
2.1 A and AA rules, failing on any violation with the page, the rule and the elements; and
each page at 320 px wide, which must not scroll sideways (WCAG 1.4.10, ADR 0563).

One demo clinic and one server serve the whole module (tests/browser/demo_site.py); a page a
role may not open is its 403 page, checked once per role. The 500 page, which the live server
cannot be made to answer, is checked from its rendered HTML on the server's origin.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.demo_site import ROLES, signed_in_context

# `django_db` makes pytest-django set up the test database; the demo itself is loaded once per
# module, outside the test's transaction (tests/browser/demo_site.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 900}

# The sweep reaches real pages, not only refusals: a page of each role's own work opens.
OWN_WORK = {
    "owner": "audit",
    "therapist": "note editor",
    "front desk": "chart",
    "biller": "claim page",
}


# Each element whose right edge lies beyond the window, outside a wrap that scrolls sideways on
# purpose (a wide table in its .table-wrap): the widest few, to say what pushes the page.
_TOO_WIDE = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= window.innerWidth + 0.5) continue;
    const classes = typeof el.className === 'string' ? el.className.trim() : '';
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (classes ? '.' + classes.split(/\\s+/).join('.') : '');
    out.push([Math.round(r.right), name]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 4).map(([right, name]) => name + ' to ' + right + 'px');
}"""


@pytest.mark.parametrize("role", list(ROLES))
def test_the_main_pages_pass_axe_and_fit_320px(module_browser, demo_site, role):
    """axe-core at a desktop width, then the same page at 320 CSS px (WCAG 2.1 reflow, 1.4.10):
    nothing but a wide table in its wrap scrolls sideways. One visit per page does both."""
    context, page = signed_in_context(module_browser, demo_site, ROLES[role])
    problems: list[str] = []
    statuses: dict[str, int] = {}
    try:
        for name, path in demo_site.pages.items():
            page.set_viewport_size(DESKTOP)
            response = page.goto(demo_site.url + path)
            assert response is not None
            statuses[name] = status = response.status
            assert status in (200, 403, 404), f"{role}: {path} answered {status}"
            if status == 403 and list(statuses.values()).count(403) > 1:
                continue  # the same 403 page: once per role is enough
            problems += axe_violations(page, f"{role} · {name} ({path}, {status})")
            page.set_viewport_size(NARROW)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > NARROW["width"]:
                shot = f"wide-320-{role}-{name}.png".replace(" ", "-")
                page.screenshot(path=str(ARTIFACTS / shot))
                wide = page.evaluate(_TOO_WIDE)
                problems.append(f"{role} · {name} ({path}) at 320px is {scroll_width}px: {wide}")
    finally:
        context.close()
    assert statuses[OWN_WORK[role]] == 200
    assert (statuses["home"], statuses["404"]) == (200, 404)
    assert not problems, "axe-core or the 320px check found:\n" + "\n".join(problems)


def test_axe_finds_no_violation_signed_out_or_on_the_500_page(module_browser, demo_site):
    context = module_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{demo_site.url}/accounts/login/")
        problems = axe_violations(page, "signed out · login")
        page.set_content(demo_site.server_error_html)
        assert page.locator("h1").count() == 1
        problems += axe_violations(page, "500 page")
    finally:
        context.close()
    assert not problems, "axe-core found:\n" + "\n".join(problems)
