"""Paperwork signed at the front desk on a tablet (issue 16, ADR 0961): the front desk opens the
check-in of a Medicare patient who never used the portal, sees the financial policy and an
offered ABN missing, hands over the tablet (390 px) and the patient signs the policy by typing
their name and ticking the attestation (a first try without the tick is refused at its box),
then reads the ABN and signs it with option 1; check-in lists nothing missing, and the claim
of the visit that follows carries GA on the exercise. axe-core runs on both desk screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.intake.actions import do_offer_notice, do_publish_consent
from cleannote.apps.intake.models import AdvanceNotice, ConsentSignature
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.scheduling.actions import do_book_appointment
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY = "You pay what your insurance does not: copays, deductibles and services it denies."


def _no_sideways_scroll(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"


def test_the_desk_has_the_policy_and_an_abn_signed_and_the_claim_carries_ga(
    browser_page,
    live_server,
    billing: Billing,  # noqa: F811
):
    page, base = browser_page, live_server.url
    clinic = billing.clinic  # noqa: F811
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    # given the clinic's financial policy, an ABN offered for exercise, and today's booking
    do_publish_consent(owner, clinic.owner, kind="financial", text=POLICY)
    do_offer_notice(
        desk, clinic.front_desk, clinic.patient, codes=["97110"],
        services="Therapeutic exercise (maintenance)", reason="Medicare may not pay for "
        "maintenance exercise.", estimated_cost="45.00", today=TODAY,
    )  # fmt: skip
    start = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
    appointment = do_book_appointment(
        desk, patient=clinic.patient, staff=clinic.therapist, location=clinic.location,
        start=start, end=start + dt.timedelta(minutes=45), override_hours=True,
    )  # fmt: skip

    # the front desk opens the check-in on the tablet: both are missing
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, "fran")
    page.goto(f"{base}/ledger/check-in/{appointment.pk}/")
    missing = page.locator("#intake-missing")
    expect(missing).to_contain_text("Financial policy")
    expect(missing).to_contain_text("ABN for 97110")

    # the financial policy: the exact version shown; no tick is refused at the box
    page.click("#desk-sign-consent-financial")
    expect(page.locator("#consent-text")).to_contain_text(POLICY)
    expect(page.locator("#h-consent-text")).to_contain_text("Version 1")
    assert axe_violations(page, "desk consent") == []
    _no_sideways_scroll(page, "desk-consent")
    page.fill("#id_signed_name", "Pat Example")
    page.click("#desk-sign")
    expect(page.locator("#id_attested_error")).to_contain_text("Tick the box")
    assert axe_violations(page, "desk consent refused") == []
    page.fill("#id_signed_name", "Pat Example")
    page.check("#id_attested")
    page.keyboard.press("Enter")  # the tablet's keyboard submits the form
    expect(page.locator(".messages")).to_contain_text("Financial policy (v1) is signed at the desk")
    expect(page.locator("h1")).to_contain_text("Check in")
    expect(page.locator("#intake-missing")).not_to_contain_text("Financial policy")

    # the ABN: services, estimated cost and the three options; option 1, signed
    page.click("[id^=desk-sign-notice-]")
    expect(page.locator("#notice-facts")).to_contain_text("$45.00")
    expect(page.locator("#notice-facts")).to_contain_text("97110")
    expect(page.locator("#option-choices input[type=radio]")).to_have_count(3)
    assert axe_violations(page, "desk ABN") == []
    _no_sideways_scroll(page, "desk-abn")
    page.check("#option-1")
    page.fill("#id_signed_name", "Pat Example")
    page.check("#id_attested")
    page.click("#desk-sign")
    expect(page.locator(".messages")).to_contain_text("signed at the desk with option 1")
    expect(page.locator("#intake-missing")).to_contain_text("Every form answered")

    [signature] = ConsentSignature.objects.filter(patient=clinic.patient)
    assert (signature.signed_via, signature.witness_id) == ("desk", clinic.front_desk.pk)
    notice = AdvanceNotice.objects.get(patient=clinic.patient)
    assert (notice.option, notice.signed_via, notice.witness_id) == (
        1,
        "desk",
        clinic.front_desk.pk,
    )

    # the visit that follows: its claim carries GA on the exercise
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    note = do_start_note(
        clinical, case=clinic.case, therapist=clinic.therapist, location=clinic.location,
        date_of_service=TODAY,
    )  # fmt: skip
    do_add_treatment_block(
        clinical, note, code="97110", minutes=30, body_regions=["lumbar"],
        goals=[clinic.plan.goals.get()], justification="core strength for walking",
    )  # fmt: skip
    note = do_sign_note(clinical, note, clinic.therapist, at=timezone.now())
    claim = do_create_claim_from_note(billing.actor, note)
    [line] = [x for x in claim.lines.all() if x.code == "97110"]
    assert "GA" in line.modifiers
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "bill")
    page.goto(f"{base}/claims/{claim.pk}/")
    expect(page.locator("body")).to_contain_text("GA")
