"""What a screen reader user meets in the note editor (issue 11): a field's error is its
description while it stands and no description is left empty after; an autosave announces
only what changed (ADR 0564); the focus ring and input borders reach 3:1 as the browser
draws them (ADR 0561)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block
from tests.browser.conftest import ARTIFACTS
from tests.personas import PASSWORD, clinic  # noqa: F401  (the fixture)
from tests.web.test_contrast import contrast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The input's description: each id it names, whether that element exists, and its text.
_DESCRIPTION = """(id) => {
  const input = document.getElementById(id);
  const attr = input.getAttribute('aria-describedby');
  if (attr === null) return null;
  return attr.split(/\\s+/).map(ref => {
    const el = document.getElementById(ref);
    return [ref, el ? el.textContent.trim() : null];
  });
}"""


@pytest.fixture
def editor(browser_page, live_server, clinic):  # noqa: F811
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    block = do_add_treatment_block(
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
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "theo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")  # the home page's htmx panel (sign_in.py)
    page.goto(f"{live_server.url}/notes/{clinic.draft_note.pk}/edit/")
    page.wait_for_selector("#note-form")
    return page, block


def _autosaved(page, action) -> None:
    with page.expect_response(lambda r: r.url.endswith("/live/")) as answer:
        action()
    assert answer.value.status == 200
    page.wait_for_timeout(50)  # htmx settles the swap after the response


def test_a_field_error_is_the_inputs_description_while_it_stands(editor):
    page, block = editor
    sets = f"b{block.pk}-p-sets"
    assert page.evaluate(_DESCRIPTION, sets) is None

    # when the therapist types a word where Sets takes a number
    _autosaved(page, lambda: page.fill(f"#{sets}", "three"))

    # then the input is invalid and described by the element holding the message
    expect(page.locator(f"#{sets}")).to_have_attribute("aria-invalid", "true")
    described = page.evaluate(_DESCRIPTION, sets)
    assert described == [[f"{sets}-error", "sets must be a whole number, not 'three'"]]
    # and the message is in sight, above the sticky sign bar
    message = page.locator(f"#{sets}-error").bounding_box()
    bar = page.locator(".sign-bar").bounding_box()
    assert message is not None
    assert bar is not None
    assert message["y"] + message["height"] <= bar["y"]
    page.screenshot(path=str(ARTIFACTS / "editor-field-error.png"))

    # when it is put right, the description goes, and no input keeps an empty one
    _autosaved(page, lambda: page.fill(f"#{sets}", "3"))
    assert page.evaluate(_DESCRIPTION, sets) is None
    expect(page.locator(f"#{sets}")).not_to_have_attribute("aria-invalid", "true")
    assert page.locator('[aria-describedby=""]').count() == 0


def test_an_autosave_announces_what_changed_and_nothing_else(editor):
    page, block = editor
    news = page.locator("#live-news")
    assert page.locator("#live").get_attribute("aria-live") is None
    assert news.get_attribute("aria-live") == "polite"

    # a change: a new field error is announced, not the list (about 2,200 characters)
    _autosaved(page, lambda: page.fill(f"#b{block.pk}-p-reps", "ten"))
    said = news.text_content()
    assert said == "Not saved: reps must be a whole number, not 'ten'."
    assert len(page.locator("#live").text_content()) > 4 * len(said)

    # no change in the findings: nothing is announced
    _autosaved(page, lambda: page.fill("#pain_location", "low back"))
    assert news.text_content() == ""

    # the error put right: resolved
    _autosaved(page, lambda: page.fill(f"#b{block.pk}-p-reps", "10"))
    assert news.text_content().startswith("1 resolved")


# The focus ring and a field's border as drawn, and the colour behind each.
_DRAWN = """(id) => {
  const el = document.getElementById(id);
  const style = getComputedStyle(el);
  function behind(node) {
    for (let n = node; n; n = n.parentElement) {
      const bg = getComputedStyle(n).backgroundColor;
      if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  }
  return {outline: style.outlineColor, outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth), border: style.borderTopColor,
          inside: style.backgroundColor, around: behind(el.parentElement)};
}"""


def _hex(rgb: str) -> str:
    parts = rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")
    return "#" + "".join(f"{int(float(p)):02x}" for p in parts[:3])


def test_the_focus_ring_and_field_borders_reach_3_to_1_as_drawn(editor):
    page, block = editor
    # a field on a card, one in a treatment block's fieldset, and "Add a code"
    for field in ("date_of_service", f"b{block.pk}-p-sets", "add-code"):
        page.locator(f"#{field}").focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus from the keyboard, so :focus-visible applies
        drawn = page.evaluate(_DRAWN, field)
        assert drawn["outlineStyle"] == "solid"
        assert drawn["outlineWidth"] >= 2
        ring = _hex(drawn["outline"])  # drawn outside the field, on what is around it
        assert contrast(ring, _hex(drawn["around"])) >= 3.0, (field, ring, drawn["around"])
        page.locator("#pain_location").focus()  # the border without the ring's colour
        drawn = page.evaluate(_DRAWN, field)
        border = _hex(drawn["border"])
        for background in (drawn["around"], drawn["inside"]):
            assert contrast(border, _hex(background)) >= 3.0, (field, border, background)
