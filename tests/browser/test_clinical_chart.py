"""The chart's clinical part in a real browser: a therapist meets a note blocked by a used-up
referral, a retired diagnosis and a missing plan of care; from the note's findings they renew the
referral, pick the suggested replacement for M54.5, write the plan, record the physician's
signature, and sign the note. Screenshots of each screen at 1280 and 390 px go to
test-artifacts/ (ADR 0521)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.patients.actions import do_open_case
from cleannote.apps.patients.clinical_actions import do_record_referral
from cleannote.apps.patients.models import Case, CaseDiagnosis, PlanOfCare, Referral
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import PASSWORD, TODAY, VALID_NPIS, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPLETE_97110 = {
    "exercise": "sit-to-stand",
    "position": "standing",
    "sets": 3,
    "reps": 10,
    "resistance": "none",
    "target_outcome": "quad strength",
    "baseline_measure": "5x STS 18 s",
}


def _shoot(page, name: str) -> None:
    """The page at 1280 and 390 px wide; at 390 nothing may scroll sideways."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"clinical-{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _blocked_case(clinic):  # noqa: F811
    """A second case for Pat: a referral for one visit that wrote M54.5, used by a signed visit,
    no plan of care yet, and today's draft with one complete 97110 block."""
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    case = do_open_case(
        therapist,
        clinic.patient,
        Case(
            discipline="PT",
            title="Neck and low back",
            opened_on=TODAY - dt.timedelta(days=5),
            coverage=clinic.patient.coverages.get(),
        ),
    )
    do_record_referral(
        Actor(user=clinic.front_desk.user, organisation=clinic.organisation),
        case,
        Referral(
            provider_first_name="Maya",
            provider_last_name="Chen",
            provider_npi=VALID_NPIS[4],
            referral_date=TODAY - dt.timedelta(days=6),
            diagnoses=["M54.5"],
            authorized_visits=1,
            expires_on=TODAY + dt.timedelta(days=60),
        ),
    )
    notes = []
    for day in (TODAY - dt.timedelta(days=3), TODAY):
        note = do_start_note(
            therapist,
            case=case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=day,
        )
        do_add_treatment_block(
            therapist,
            note,
            code="97110",
            start_time=dt.time(9, 0),
            stop_time=dt.time(9, 23),
            body_regions=["lumbar"],
            justification="Skilled progression of loading for lumbar stability.",
            parameters=COMPLETE_97110,
        )
        notes.append(note)
    do_sign_note(therapist, notes[0], clinic.therapist)
    return case, notes[1]


def test_unblock_a_note_from_the_chart_and_sign_it(browser_page, live_server, clinic):  # noqa: F811
    page, base = browser_page, live_server.url
    case, draft = _blocked_case(clinic)
    patient = clinic.patient
    screens = f"{base}/patients/{patient.pk}/cases/{case.pk}"
    dx = CaseDiagnosis.objects.get(case=case)
    assert dx.code == "M54.5"  # the referral as the referrer wrote it
    block = draft.blocks.get()

    # given: the therapist opens today's note, which cannot be signed
    sign_in(page, base, "theo")
    page.goto(f"{base}/notes/{draft.pk}/edit/")
    live = page.locator("#live")
    expect(live).to_contain_text("referral.visits-used")
    expect(live).to_contain_text("dx.retired")
    expect(live).to_contain_text("poc.missing")
    _shoot(page, "01-note-blocked")

    # when: they follow the referral finding's link and renew the used-up referral
    page.click(f"#live a.fix-link[href='/patients/{patient.pk}/cases/{case.pk}/referrals/']")
    page.wait_for_url(f"{screens}/referrals/")
    expect(page.locator("main")).to_contain_text("used up")
    _shoot(page, "02-referrals-used-up")
    old = Referral.objects.get(case=case)
    page.click(f"#renew-{old.pk}")
    page.fill("#id_new-authorized_visits", "12")
    page.fill("#id_new-expires_on", (TODAY + dt.timedelta(days=90)).isoformat())
    page.fill("#id_new-reason", "12 more visits approved by phone")
    _shoot(page, "03-renew-form")
    page.click("#save-referral")
    page.wait_for_url(f"{screens}/referrals/")
    expect(page.locator("main")).to_contain_text("renewed")
    assert Referral.objects.get(renews=old).authorized_visits == 12

    # and correct the retired diagnosis with one click on the suggested replacement
    page.click("nav.tabs >> text=Diagnoses")
    expect(page.locator(f"#dx-{dx.pk}")).to_contain_text("retired")
    for code in ("M54.50", "M54.51", "M54.59"):
        expect(page.locator(f"#replace-{dx.pk}-{code.replace('.', '')}")).to_be_visible()
    _shoot(page, "04-diagnosis-retired")
    page.click(f"#replace-{dx.pk}-M5450")
    page.wait_for_url(f"{screens}/diagnoses/")
    expect(page.locator(f"#dx-{dx.pk}")).to_contain_text("billable")
    assert CaseDiagnosis.objects.get(pk=dx.pk).code == "M54.50"

    # and write the plan of care with a goal
    page.click("nav.tabs >> text=Plan of care")
    page.click("#write-plan")
    page.fill("#id_plan-start_date", (TODAY - dt.timedelta(days=3)).isoformat())
    page.fill("#id_plan-certified_through", (TODAY + dt.timedelta(days=40)).isoformat())
    page.fill("#id_plan-interventions", "Therapeutic exercise; manual therapy; home programme")
    page.fill("#id_goal-0-text", "Sit to stand 5 times in 12 s")
    page.fill("#id_goal-0-baseline", "18 s")
    page.fill("#id_goal-0-target", "12 s")
    _shoot(page, "05-plan-form")
    page.click("#save-plan")
    page.wait_for_url(f"{screens}/plan/")
    expect(page.locator("#current-plan")).to_contain_text("not certified")
    _shoot(page, "06-plan-uncertified")

    # and record the physician's signature (signed and dated today)
    page.fill("#id_cert-certifier_name", "Maya Chen MD")
    page.fill("#id_cert-certifier_npi", VALID_NPIS[4])
    page.click("#record-certification")
    page.wait_for_url(f"{screens}/plan/#certification")
    expect(page.locator("#current-plan")).to_contain_text("certified")
    _shoot(page, "07-plan-certified")
    plan = PlanOfCare.objects.get(case=case)
    assert (plan.certification, plan.signature_received_on) == ("signed", TODAY)
    goal = plan.goals.get()

    # then: back on the note, the chart's findings are gone; the block takes the new goal
    page.goto(f"{base}/notes/{draft.pk}/edit/")
    for rule in ("referral.visits-used", "dx.retired", "poc.missing", "poc.not-certified"):
        expect(live).not_to_contain_text(rule)
    page.check(f"#b{block.pk}-goal-{goal.pk}")
    page.click("#sign")
    page.wait_for_url(f"**/notes/{draft.pk}/")
    _shoot(page, "08-note-signed")
    assert Note.objects.get(pk=draft.pk).status == NoteStatus.SIGNED
