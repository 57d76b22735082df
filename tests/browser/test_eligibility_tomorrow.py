"""Eligibility for tomorrow in a real browser (ADR 0633): the front desk presses "Check
tomorrow's eligibility" on the schedule, the clearinghouse (here: the test, reading the 270
the outbox adapter wrote and answering each trace with a 271) answers, the front desk records
the 271, and tomorrow's appointments show the answers: the PT benefit (not the chiropractic
one the payer listed first), visits left, copay, authorization; the auto carrier not asked,
with its note. Screenshots at 1280, 768 and 390 px go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.actions import do_register_patient
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.scheduling.actions import do_book_appointment
from tests.apps.x12_files import eligibility_271
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOMORROW = TODAY + dt.timedelta(days=1)
# The payer lists chiropractic first; the PT limit comes in HSD, authorization in EB11.
ANSWER = [
    "EB*1*IND*30**GOLD PLAN",
    "EB*F*IND*33***23***VS*12",
    "EB*B*IND*33****15*****Y",
    "EB*F*IND*PT",
    "HSD*VS*30***22",
    "HSD*VS*21***29",
    "EB*B*IND*PT****40*****Y",
    "EB*1*IND*PT********Y",
]


def _shoot(page, name: str) -> None:
    """The page at 1280, 768 and 390 px; the page itself never scrolls sideways."""
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _book(clinic, patient: Patient, hour: int) -> int:  # noqa: F811
    start = timezone.make_aware(dt.datetime.combine(TOMORROW, dt.time(hour)))
    actor = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    return do_book_appointment(
        actor,
        patient=patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    ).pk


def _injured_patient(clinic) -> Patient:  # noqa: F811
    actor = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    return do_register_patient(
        actor,
        patient=Patient(
            first_name="Cam", last_name="Crash", birth_date=dt.date(1985, 1, 2), sex="M"
        ),
        coverage=Coverage(
            priority="primary",
            payer_name="State Auto",
            payer_id="AUTO1",
            kind="auto_pip",
            member_id="CLAIM-77",
            active_from=TODAY - dt.timedelta(days=30),
        ),
    )


def test_run_eligibility_for_tomorrow_and_see_the_answers(
    browser_page,
    live_server,
    settings,
    tmp_path,
    clinic,  # noqa: F811
):
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"
    pat = _book(clinic, clinic.patient, 9)
    cam = _book(clinic, _injured_patient(clinic), 10)

    # the front desk runs tomorrow's checks from today's schedule
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/")
    page.get_by_role("button", name="Check tomorrow's eligibility").click()
    page.wait_for_url(f"{base}/schedule/?day={TOMORROW.isoformat()}")
    expect(
        page.get_by_text(f"Sent 1 eligibility request(s) for {TOMORROW.isoformat()}")
    ).to_be_visible()
    expect(page.locator(f"#appointment-{pat}")).to_contain_text("Waiting for the payer")
    expect(page.locator(f"#appointment-{cam}")).to_contain_text("Not asked")
    expect(page.locator(f"#appointment-{cam}")).to_contain_text(
        "does not answer eligibility requests"
    )
    _shoot(page, "eligibility-tomorrow-sent")

    # the clearinghouse answers the 270 the outbox holds, trace by trace
    (sent,) = (tmp_path / "outbox").iterdir()
    traces = re.findall(r"TRN\*1\*([^*~]+)\*", sent.read_text())
    assert len(traces) == 1
    assert "EQ*PT~EQ*30~" in sent.read_text().replace("\n", "")
    answer = tmp_path / "answer.271"
    answer.write_bytes(eligibility_271([(traces[0], ANSWER)]))

    # the front desk records the 271
    page.goto(f"{base}/eligibility/")
    page.get_by_label("271 file").set_input_files(str(answer))
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded 1 answer(s) from answer.271.")).to_be_visible()

    # tomorrow's schedule shows the PT answer on Pat's visit
    page.goto(f"{base}/schedule/?day={TOMORROW.isoformat()}")
    row = page.locator(f"#appointment-{pat}")
    expect(row).to_contain_text("Active coverage")
    expect(row).to_contain_text("21 PT visits left")
    expect(row).to_contain_text("copay $40.00")
    expect(row).to_contain_text("auth required")
    assert axe_violations(page, "schedule with eligibility answers") == []
    _shoot(page, "eligibility-tomorrow-answered")

    # the week grid's card carries the same answer
    page.goto(f"{base}/schedule/week/?day={TOMORROW.isoformat()}")
    card = page.locator(f"#card-{pat}")
    expect(card).to_contain_text("Active coverage")
    expect(card).to_contain_text("21 PT visits left")
    expect(card).to_contain_text("copay $40.00")
    expect(page.locator(f"#card-{cam}")).to_contain_text("Not asked")
    assert axe_violations(page, "week with eligibility answers") == []
    _shoot(page, "eligibility-tomorrow-week")

    # and the full answer opens from the badge
    page.goto(f"{base}/schedule/?day={TOMORROW.isoformat()}")
    row.get_by_role("link", name="Active coverage").click()
    expect(page.get_by_text("asked for physical therapy (PT)")).to_be_visible()
    expect(page.get_by_text("limit 30 visits")).to_be_visible()
    expect(page.get_by_text("authorization required")).to_be_visible()
    _shoot(page, "eligibility-answer")


def test_run_eligibility_for_tomorrow_from_the_week_view(
    browser_page,
    live_server,
    settings,
    tmp_path,
    clinic,  # noqa: F811
):
    """The same action from the week grid: the desk lands on tomorrow's day with the run said."""
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_OUTBOX_DIR = tmp_path / "outbox"
    pat = _book(clinic, clinic.patient, 9)
    sign_in(page, base, "fran")
    page.goto(f"{base}/schedule/week/")
    page.get_by_role("button", name="Check tomorrow's eligibility").click()
    page.wait_for_url(f"{base}/schedule/?day={TOMORROW.isoformat()}")
    expect(
        page.get_by_text(f"Sent 1 eligibility request(s) for {TOMORROW.isoformat()}")
    ).to_be_visible()
    expect(page.locator(f"#appointment-{pat}")).to_contain_text("Waiting for the payer")
    page.goto(f"{base}/schedule/week/")
    page.screenshot(path=str(ARTIFACTS / "eligibility-tomorrow-week-button.png"))
