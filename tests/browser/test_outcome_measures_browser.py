"""A therapist records LEFS three times from the chart in a real browser; the chart's measure
panel draws the three real measurements with the change and the MCID, and fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.models import Role
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.measure_actions import do_record_outcome_measure
from cleannote.apps.patients.models import Case, Patient
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_note_flow import _clinic, _login, _staff
from tests.rules.test_outcome_measures import LEFS_ANSWERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_lefs_measurements_drawn_on_the_chart(browser_page, live_server):
    # given a patient with an open case
    org, _ = _clinic("Riverside", "1234567893")
    therapist = _staff(org, "theo", Role.THERAPIST, "PT", "1679576722")
    today = timezone.localdate()
    patient = do_register_patient(
        Actor(user=therapist.user, organisation=org),
        patient=Patient(
            first_name="Robin", last_name="Walker", birth_date=dt.date(1960, 1, 2), sex="F"
        ),
        case=Case(discipline="PT", title="Right knee pain", opened_on=today - dt.timedelta(28)),
    )
    case = patient.cases.get()
    page, base = browser_page, live_server.url
    _login(page, base, "theo")
    # when the therapist records LEFS three times, the first by its 20 answers
    entries = (
        (27, "answers", " ".join(LEFS_ANSWERS)),  # 44/80
        (14, "total", "50"),
        (1, "total", "58"),
    )
    for days_ago, field, value in entries:
        page.goto(f"{base}/patients/{patient.pk}/")
        page.click(f"#record-measure-{case.pk}")
        page.select_option("#id_instrument", "LEFS")
        page.fill("#id_measured_on", (today - dt.timedelta(days_ago)).isoformat())
        page.fill(f"#id_{field}", value)
        page.click("#record-measure")
        page.wait_for_url(f"{base}/patients/{patient.pk}/#measures-{case.pk}")
    # then the panel shows three points, the change since the first and the MCID line
    panel = page.locator(f"#measures-{case.pk}")
    expect(panel).to_contain_text("58/80")
    expect(panel).to_contain_text("better by 14 points: meets the MCID of 9")
    assert panel.locator("svg circle").count() == 3
    assert panel.locator("svg text", has_text="MCID").count() == 1
    panel.screenshot(path=str(ARTIFACTS / "outcome-measures-panel.png"))
    # and on a phone the chart scales to the screen instead of pushing the page sideways
    page.set_viewport_size({"width": 390, "height": 844})
    box = panel.locator("svg").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390
    panel.screenshot(path=str(ARTIFACTS / "outcome-measures-panel-390.png"))


def test_a_wrong_result_is_corrected_then_another_removed_and_the_chart_follows(
    browser_page, live_server
):
    # given LEFS 44, 52 (meant 50), 60 (another patient's) and 58 on an open case
    org, _ = _clinic("Riverside", "1234567893")
    therapist = _staff(org, "theo", Role.THERAPIST, "PT", "1679576722")
    today = timezone.localdate()
    actor = Actor(user=therapist.user, organisation=org)
    patient = do_register_patient(
        actor,
        patient=Patient(
            first_name="Robin", last_name="Walker", birth_date=dt.date(1960, 1, 2), sex="F"
        ),
        case=Case(discipline="PT", title="Right knee pain", opened_on=today - dt.timedelta(28)),
    )
    case = patient.cases.get()
    rows = [
        do_record_outcome_measure(
            actor,
            case=case,
            recorded_by=therapist,
            instrument_code="LEFS",
            measured_on=today - dt.timedelta(days_ago),
            today=today,
            total=total,
        )
        for days_ago, total in ((27, "44"), (14, "52"), (7, "60"), (1, "58"))
    ]
    page, base = browser_page, live_server.url
    _login(page, base, "theo")
    panel = page.locator(f"#measures-{case.pk}")

    # when the therapist corrects the second to 50 from the chart's list of measurements
    page.goto(f"{base}/patients/{patient.pk}/")
    panel.locator("summary").click()
    page.click(f"#change-measure-{rows[1].pk}")
    page.get_by_label("Or the total").fill("50")
    page.locator("#id_correct-reason").fill("typed 52 for 50")
    page.click("#correct-measure")
    page.wait_for_url(f"{base}/patients/{patient.pk}/#measures-{case.pk}")
    expect(page.get_by_text("Corrected LEFS")).to_be_visible()
    panel.locator("summary").click()
    expect(panel.locator("tbody")).to_contain_text("50/80")
    expect(panel.locator("tbody")).not_to_contain_text("52/80")

    # and removes the third, another patient's form
    page.click(f"#change-measure-{rows[2].pk}")
    page.locator("#id_remove-reason").fill("another patient's form")
    page.screenshot(path=str(ARTIFACTS / "outcome-measure-change.png"), full_page=True)
    page.click("#remove-measure")
    page.wait_for_url(f"{base}/patients/{patient.pk}/#measures-{case.pk}")

    # then the chart of scores draws the three results that stand
    assert panel.locator("svg circle").count() == 3
    expect(panel).to_contain_text("better by 14 points: meets the MCID of 9")
    panel.locator("summary").click()
    expect(panel.locator("tbody")).not_to_contain_text("60/80")
    panel.screenshot(path=str(ARTIFACTS / "outcome-measures-after-change.png"))
