"""Note types in a real browser (ADR 0580): a therapist starts a new case's first note, which
the chart suggests as the evaluation, writes its history, systems review, tests and measures,
bills 97162 at the moderate complexity the assessment states and signs it; then ends the other
case with a discharge summary (each goal's final status, the home program), signs it and
discharges the case from the summary's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.patients.actions import (
    do_add_referral,
    do_create_plan_of_care,
    do_open_case,
    do_register_patient,
)
from cleannote.apps.patients.models import Case, Coverage, Goal, Patient, PlanOfCare, Referral
from cleannote.rules.note_types import NoteType
from tests.browser.test_note_flow import (
    NPIS,
    Actions,
    _clinic,
    _history,
    _install_clock,
    _login,
    _shot,
    _staff,
    _timed,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _patient(org, therapist):
    actor = Actor(user=therapist.user, organisation=org)
    today = timezone.localdate()
    patient = do_register_patient(
        actor,
        patient=Patient(
            first_name="Eva", last_name="Luation", birth_date=dt.date(1966, 5, 5), sex="F"
        ),
        coverage=Coverage(
            priority="primary",
            payer_name="Keystone",
            payer_id="KHP",
            kind="commercial",
            member_id="K77",
            active_from=dt.date(2025, 1, 1),
        ),
        case=Case(discipline="PT", title="Right knee", opened_on=today - dt.timedelta(days=8)),
        referral=Referral(
            provider_first_name="Laura",
            provider_last_name="Singh",
            provider_npi=NPIS[4],
            referral_date=today - dt.timedelta(days=9),
            diagnoses=["M17.11"],
            authorized_visits=12,
        ),
    )
    return patient


def _new_case(org, therapist, patient):
    """A second case opened today with its referral and certified plan: no visit yet."""
    actor = Actor(user=therapist.user, organisation=org)
    today = timezone.localdate()
    ankle = do_open_case(
        actor,
        patient,
        Case(discipline="PT", title="Left ankle sprain", opened_on=today),
        reason="New problem",
    )
    do_add_referral(
        actor,
        ankle,
        Referral(
            provider_first_name="Laura",
            provider_last_name="Singh",
            provider_npi=NPIS[4],
            referral_date=today - dt.timedelta(days=1),
            diagnoses=["S93.402A"],
            authorized_visits=12,
        ),
    )
    do_create_plan_of_care(
        actor,
        ankle,
        PlanOfCare(
            diagnoses=["S93.402A"],
            frequency_per_week=2,
            duration_weeks=4,
            start_date=today,
            certified_through=today + dt.timedelta(days=28),
            signature_received_on=today,
        ),
        goals=[Goal(text="Walk a mile on uneven ground", kind="functional")],
    )
    return ankle


def _settled(page):
    """Wait for the autosave in flight: the page posts itself after a pause in typing, and a
    second writer on the test's SQLite database while it saves would find it locked."""
    page.wait_for_load_state("networkidle")


def test_write_and_sign_an_evaluation_and_a_discharge_summary(browser_page, live_server):
    page, base = browser_page, live_server.url
    org, location = _clinic("Riverside", NPIS[0])
    therapist = _staff(org, "theo", "therapist", "PT", NPIS[2])
    patient = _patient(org, therapist)
    knee, goal = _history(org, therapist, location, patient, ["97110"], goal_for={"97110"})
    ankle = _new_case(org, therapist, patient)

    # given the chart suggests the evaluation for the ankle's first visit
    _login(page, base, "theo")
    _install_clock(page)
    page.goto(f"{base}/patients/{patient.pk}/")
    expect(page.locator(f"#note-type-{ankle.pk}")).to_have_value("evaluation")
    expect(page.locator(f"#note-type-{knee.pk}")).to_have_value("daily")
    _shot(page, "types-01-chart")

    # when the therapist starts it and writes the evaluation's sections
    page.click(f"#start-note-{ankle.pk}")
    page.wait_for_url("**/notes/*/edit/")
    evaluation = Note.objects.get(case=ankle)
    assert evaluation.note_type == NoteType.EVALUATION
    expect(page.locator("#type-problems")).to_contain_text("needs its “History” section")
    page.fill("#section-history", "Inversion sprain stepping off a curb 10 days ago.")
    page.fill("#section-systems_review", "Cardiopulmonary and skin intact; alert, oriented.")
    page.fill("#section-tests_and_measures", "Anterior drawer negative; single-leg stance 5 s.")
    page.clock.fast_forward(1_000)
    _settled(page)
    expect(page.locator("#type-problems")).not_to_contain_text("section")
    # and bills the evaluation at the complexity the assessment states
    page.fill("#add-code", "97162")
    page.click("button[form=add-block-form]")
    page.wait_for_url("**/edit/#block-*")
    page.select_option("#complexity", "moderate")
    page.fill("#assessment", "Lateral ankle sprain, grade II; moderate complexity.")
    page.fill("#plan", "Twice a week for four weeks: balance, strength, gait.")
    page.clock.fast_forward(1_000)
    _settled(page)
    expect(page.locator("#live")).not_to_contain_text("still needs")
    _shot(page, "types-02-evaluation")
    page.click("#sign")
    page.wait_for_url(f"**/notes/{evaluation.pk}/")
    _shot(page, "types-03-evaluation-signed")
    evaluation.refresh_from_db()
    assert evaluation.status == NoteStatus.SIGNED
    assert evaluation.complexity == "moderate"
    expect(page.locator("#type-sections")).to_contain_text("Inversion sprain")

    # when the knee case ends with a discharge summary, chosen on the chart
    page.goto(f"{base}/patients/{patient.pk}/")
    page.select_option(f"#note-type-{knee.pk}", "discharge_summary")
    page.click(f"#start-note-{knee.pk}")
    page.wait_for_url("**/notes/*/edit/")
    summary = Note.objects.get(case=knee, status=NoteStatus.DRAFT)
    assert summary.note_type == NoteType.DISCHARGE_SUMMARY
    actions = Actions(page)
    (block,) = summary.blocks.all()
    _timed(actions, page, block.pk, 15)
    page.fill(f"#b{block.pk}-justification", "Final progression of the home program.")
    page.fill("#section-discharge_reason", "Goals met")
    page.fill("#section-final_status", "Climbs 12 stairs with one rail, pain 1/10.")
    page.fill("#section-recommendations", "Home program: step-ups 3x10 daily; walk 30 min.")
    page.select_option(f"#goal-{goal.pk}-status", "met")
    page.fill(f"#goal-{goal.pk}-current", "12 stairs, one rail")
    page.clock.fast_forward(1_000)
    _settled(page)
    expect(page.locator("#live")).not_to_contain_text("still needs")
    _shot(page, "types-04-discharge-summary")
    page.click("#sign")
    page.wait_for_url(f"**/notes/{summary.pk}/")
    _shot(page, "types-05-discharge-signed")
    expect(page.locator("#goals")).to_contain_text("Climb 12 stairs with one rail")
    expect(page.locator("#goals")).to_contain_text("Met")

    # then the summary's page offers the discharge, filled in, and it discharges the case
    page.click("#discharge-case")
    expect(page.locator("#id_reason")).to_have_value("Goals met")
    _shot(page, "types-06-discharge-form")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{patient.pk}/**")
    knee.refresh_from_db()
    goal.refresh_from_db()
    assert (knee.closure, knee.closed_on) == ("discharged", timezone.localdate())
    assert goal.status == "met"
