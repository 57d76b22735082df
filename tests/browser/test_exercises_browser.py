"""Home exercises in a real browser (issue 16, ADR 0970): the patient signs in to the portal by
the emailed link on a 390 px phone, reads the program, logs two sessions; the therapist then
sees the adherence on the chart and logs one the patient reports at the visit (ADR 0924).
axe-core runs on the patient's pages and the staff log form; screenshots go to
test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.exercises.models import ExerciseSession
from cleannote.apps.patients.chart_actions import do_update_patient
from cleannote.apps.portal.actions import do_invite_to_portal
from tests.apps.exercises.conftest import (  # noqa: F401  (fixtures)
    Library,
    _media_dir,
    library,
    prescribed,
)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _check(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    assert axe_violations(page, name) == []


def _log(page, day: dt.date, pain: str, felt: str, skip: str | None = None) -> None:
    page.get_by_role("link", name="Log a session").click()
    page.fill("#done_on", day.isoformat())
    if skip is not None:
        page.get_by_label("I did it").nth(int(skip)).uncheck()
    page.select_option("#pain", pain)
    page.check(f"#difficulty-{felt}")
    page.click("#save-session")
    expect(page.locator(".portal-notice")).to_have_text("Session logged. Thank you!")


def test_the_patient_logs_two_sessions_and_the_therapist_sees_them(
    browser_page,
    live_server,
    settings,
    prescribed: Library,  # noqa: F811
):
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    c = prescribed.clinic
    desk = Actor(user=c.front_desk.user, organisation=c.organisation)
    do_update_patient(
        desk, c.patient, reason="patient gave an email", email="pat@example.com",
        email_consent=True, email_consent_on=TODAY,
    )  # fmt: skip
    do_invite_to_portal(desk, c.patient, channel="email")
    link = re.findall(r"https?://\S+/portal/link/\S+/", mail.outbox[-1].body)[-1]
    page.set_viewport_size(PHONE)
    page.goto(link)
    page.click("#use-link")
    page.get_by_role("link", name="Home exercises").first.click()
    program = page.locator(".hep-program")
    expect(program).to_contain_text("Bridge")
    expect(program).to_contain_text("2 × 15, red band, 3 a week")
    expect(program).to_contain_text("Our own words on how to do Clamshell.")
    _check(page, "portal-exercises")
    _log(page, TODAY - dt.timedelta(days=1), "3", "right", skip="1")
    page.get_by_role("link", name="Log a session").click()
    _check(page, "portal-exercises-log")
    page.goto(f"{base}/portal/exercises/")
    _log(page, TODAY, "2", "hard")
    expect(page.locator(".hep-adherence")).to_contain_text("2 of 2 (100%)")
    assert ExerciseSession.objects.filter(patient=c.patient).count() == 2
    # the therapist, on the chart
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "theo")
    page.goto(f"{base}/patients/{c.patient.pk}/")
    chart = page.locator(f"#program-{c.case.pk}")
    expect(chart.locator(".hep-week")).to_have_text("2 of 2 (100%)")
    chart.get_by_role("link", name="Program, changes and log").click()
    expect(page.locator("#session-log tbody tr")).to_have_count(2)
    # a session the patient reports at the visit, logged by the therapist from the chart's panel
    page.goto(f"{base}/patients/{c.patient.pk}/")
    chart.get_by_role("link", name="Log a session the patient reports").click()
    page.set_viewport_size(PHONE)
    _check(page, "staff-exercises-log")
    page.fill("#done_on", TODAY.isoformat())
    page.select_option("#pain", "4")
    page.check("#difficulty-easy")
    page.click("#save-staff-session")
    expect(page.locator("#session-log tbody tr")).to_have_count(3)
    expect(page.locator("#session-log tbody tr").first).to_contain_text("staff (")
