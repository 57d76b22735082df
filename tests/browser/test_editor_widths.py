"""The note editor on a small phone (320 px), a phone (390 px) and a tablet (768 px): no
sideways scrolling, and every field stays inside the window so it can be reached (issue 11,
ADR 0562). Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block
from tests.browser.conftest import ARTIFACTS
from tests.personas import PASSWORD, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every form control whose right edge lies beyond the window (outside a scrolling table wrap).
_CUT_OFF = """() => {
  const out = [];
  for (const el of document.querySelectorAll('#note-form input, #note-form select, '
      + '#note-form textarea, #note-form button')) {
    if (el.type === 'hidden' || el.closest('.table-wrap')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const cut = r.left < 0 || r.right > window.innerWidth + 0.5;
    if (cut) out.push(el.id || el.name || el.textContent);
  }
  return out;
}"""


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "theo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_load_state("networkidle")  # the home page's htmx panel (sign_in.py)


@pytest.mark.parametrize("width", [320, 390, 768])
def test_the_editor_fits_the_width_with_every_field_reachable(
    browser_page,
    live_server,
    clinic,  # noqa: F811
    width,
):
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    do_add_treatment_block(
        therapist,
        clinic.draft_note,
        code="97110",
        start_time=dt.time(9, 0),
        stop_time=dt.time(9, 23),
        body_regions=["lumbar"],
        justification="Skilled progression of loading for lumbar stability.",
        parameters={"exercise": "sit-to-stand", "sets": 3, "reps": 10},
    )
    page = browser_page
    _sign_in(page, live_server.url)

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/notes/{clinic.draft_note.pk}/edit/")
    page.wait_for_selector("#note-form")
    page.screenshot(path=str(ARTIFACTS / f"editor-{width}.png"), full_page=True)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    assert scroll_width <= inner_width, f"the editor is {scroll_width}px wide at {width}px"
    assert page.evaluate(_CUT_OFF) == []


# Where the focused element sits against the sign bar: its bottom and the bar's top.
_FOCUSED_AGAINST_BAR = """() => {
  const el = document.activeElement;
  const bar = document.querySelector('.sign-bar').getBoundingClientRect();
  const r = el.getBoundingClientRect();
  return {id: el.id, inBar: !!el.closest('.sign-bar'), top: r.top, bottom: r.bottom,
          barTop: bar.top};
}"""


@pytest.mark.parametrize(("width", "height"), [(390, 640), (768, 1024)])
def test_the_sign_bar_never_hides_the_field_that_has_focus(
    browser_page,
    live_server,
    clinic,  # noqa: F811
    width,
    height,
):
    """Tabbing down the editor on a phone and a tablet: each field that takes focus (Sets,
    Reps, Skilled direction, Add a code among them) is shown whole above the sticky sign bar."""
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    block = do_add_treatment_block(
        therapist,
        clinic.draft_note,
        code="97116",
        start_time=dt.time(9, 0),
        stop_time=dt.time(9, 23),
        body_regions=["lumbar"],
        justification="Skilled cueing of step length and trunk control.",
        parameters={"activity": "stairs", "sets": 3, "reps": 10},
    )
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/notes/{clinic.draft_note.pk}/edit/")
    page.wait_for_selector("#note-form")
    wanted = {f"b{block.pk}-p-{key}" for key in ("sets", "reps", "skilled_direction")}
    wanted.add("add-code")

    hidden, seen = [], set()
    page.locator("#date_of_service").focus()
    for _ in range(150):
        page.keyboard.press("Tab")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
        where = page.evaluate(_FOCUSED_AGAINST_BAR)
        if where["id"] in wanted:
            seen.add(where["id"])
        if where["id"] and not where["inBar"] and where["bottom"] > where["barTop"] + 0.5:
            hidden.append(where)
        if where["id"] == "sign":
            break
    page.screenshot(path=str(ARTIFACTS / f"editor-focus-{width}.png"))
    assert seen == wanted, f"never reached {wanted - seen}"
    assert hidden == [], f"behind the sign bar at {width}px: {hidden}"
