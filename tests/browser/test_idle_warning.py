"""The idle sign-out warning in a browser (ADR 0591), with the timeout cut to nine seconds
through the one setting: the alert dialog opens before the end with focus on "Stay signed in",
which restarts the timeout; left alone, the page goes to sign-in with the reason."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from cleannote.web.demo_clinic import DEMO_PASSWORD, load_demo_clinic
from tests.browser.conftest import ARTIFACTS, axe_violations


def test_the_warning_offers_more_time_and_then_signs_out(browser_page, live_server, settings):
    # given a nine-second idle timeout (a warning 4 seconds before) and a signed-in owner
    settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES = 0.15
    settings.CLEANNOTE_SESSION_REFRESH_SECONDS = 1
    page, base = browser_page, live_server.url
    load_demo_clinic(today=timezone.localdate(), patients=1)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("demo-owner")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    page.wait_for_load_state("networkidle")  # the home page's htmx panel (sign_in.py)
    page.goto(f"{base}/patients/")
    dialog = page.get_by_role("alertdialog", name="Still working?")
    expect(dialog).to_be_hidden()

    # when the page sits idle, the warning opens with focus on "Stay signed in"
    expect(dialog).to_be_visible(timeout=12_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog).to_contain_text(re.compile(r"signed out in 0:0\d"))
    page.screenshot(path=str(ARTIFACTS / "idle-warning.png"))
    assert axe_violations(page, "idle warning") == []

    # and "Stay signed in" closes it and restarts the timeout on the server
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert page.url == f"{base}/patients/"
    left = page.evaluate(
        "fetch('/accounts/session/', {headers: {Accept: 'application/json'}})"
        ".then(r => r.json()).then(d => d.seconds_left)"
    )
    assert left >= 6

    # then, left alone this time, the page goes to sign-in with the reason
    expect(dialog).to_be_visible(timeout=12_000)
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fpatients%2F"), timeout=12_000)
    expect(page.get_by_text("You were signed out after a period of inactivity.")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "idle-signed-out.png"))
