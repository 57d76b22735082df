"""Remote therapeutic monitoring in a real browser (ADR 0570): the therapist enrols the patient
under the plan of care, the front desk imports the app's CSV (a bad file first: every bad row
listed, nothing imported), the therapist records minutes with a video contact, and the screen
shows the billable codes; the RTM note opens from its button. Screenshots at 1280 and 390 px
go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import Goal, PlanOfCare, RtmEnrolment
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import PASSWORD, TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = TODAY - dt.timedelta(days=70)
PERIOD_1_END = START + dt.timedelta(days=29)
LAST_MONTH_END = TODAY.replace(day=1) - dt.timedelta(days=1)


def _shoot(page, name: str) -> None:
    """The page at 1280 and 390 px wide; at 390 the page itself never scrolls sideways."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _csv(rows: list[str]) -> dict[str, object]:
    text = "date,patient,readings\n" + "".join(f"{row}\n" for row in rows)
    return {"name": "kneecoach-export.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_enrol_import_record_minutes_and_see_the_billable_codes(
    browser_page,
    live_server,
    clinic,  # noqa: F811
):
    page, base = browser_page, live_server.url
    plan = do_create_plan_of_care(
        Actor(user=clinic.therapist.user, organisation=clinic.organisation),
        clinic.case,
        PlanOfCare(
            diagnoses=["M54.50"],
            frequency_per_week=1,
            duration_weeks=12,
            start_date=START - dt.timedelta(days=5),
            certified_through=TODAY + dt.timedelta(days=10),
        ),
        goals=[Goal(text="Home exercise 5 days a week", kind="functional", target="5")],
    )
    screen = f"{base}/patients/{clinic.patient.pk}/cases/{clinic.case.pk}/rtm/"

    # the therapist enrols the patient from the case's RTM tab
    sign_in(page, base, "theo")
    page.goto(screen)
    page.select_option("#id_enrol-plan", str(plan.pk))
    page.fill("#id_enrol-device", "KneeCoach app")
    page.fill("#id_enrol-app_reference", "kc-0042")
    page.fill("#id_enrol-start_date", START.isoformat())
    page.fill("#id_enrol-education", "Sensor fitting, app log-in, first session together.")
    page.click("#rtm-enrol-button")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Enrolled")
    enrolment = RtmEnrolment.objects.get()
    expect(page.locator("#rtm-enrolment")).to_contain_text(f"{enrolment.reference} · KneeCoach app")

    # the front desk imports the app's export: a bad file first, refused row by row
    sign_in(page, base, "fran")
    page.goto(screen)
    page.click("#import summary")
    good = [f"{(START + dt.timedelta(days=i)).isoformat()},kc-0042,2" for i in range(18)]
    page.set_input_files(
        "#id_import-file", _csv([*good, "2026-02-30,kc-0042,1", f"{START},RTM-0,x"])
    )
    page.click("#rtm-import")
    errors = page.locator("#id_import-file_error")
    expect(errors).to_contain_text("line 20, date: '2026-02-30' is not a date (YYYY-MM-DD)")
    expect(errors).to_contain_text("line 21, patient: is not this enrolment's reference")
    expect(errors).to_contain_text("line 21, readings: 'x' is not a whole number 0 or more")
    assert enrolment.data_days.count() == 0
    _shoot(page, "rtm-import-refused")
    page.set_input_files("#id_import-file", _csv(good))
    page.click("#rtm-import")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("18 new day(s)")

    # the therapist records last month's minutes with a video contact
    sign_in(page, base, "theo")
    page.goto(screen)
    page.click("#time summary")
    page.fill("#id_time-day", (LAST_MONTH_END - dt.timedelta(days=3)).isoformat())
    page.fill("#id_time-minutes", "13")
    page.select_option("#id_time-contact", "video")
    page.fill("#id_time-note", "Video: squat form check; progressed to step-ups.")
    page.click("#rtm-add-time")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("13 minutes recorded")

    # then the screen shows what is billable: set-up, the 16-30 day tier, the 10-minute code
    bills = page.locator("#rtm-bills")
    expect(bills).to_contain_text("98975")
    expect(bills).to_contain_text("98977")
    expect(bills).to_contain_text("18 days of data")
    expect(bills).to_contain_text("98979")
    _shoot(page, "rtm-billable")

    # and the period's note opens in the editor with its device-supply block
    page.click(f"#rtm-note-{PERIOD_1_END:%Y%m%d}")
    page.wait_for_url(f"{base}/notes/*/edit/")
    expect(page.locator("body")).to_contain_text("98977")
