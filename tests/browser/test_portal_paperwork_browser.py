"""A patient's paperwork in the portal at 390 px (issue 16, ADR 0960): signed in by their link,
they answer the clinic's intake form (the front desk accepts the address it suggests onto the
chart, and the medications it lists, which the chart's list then shows: ADR 0964), sign two
consents and an Advance Beneficiary Notice choosing option 1; the claim of the visit that
follows carries GA. axe-core is run on the form, the notice and the chart's medication list."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.intake.actions import (
    do_offer_notice,
    do_publish_consent,
    do_publish_form,
    do_send_form,
)
from cleannote.apps.intake.models import ConsentSignature, IntakeForm
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.patients.models import Patient
from cleannote.apps.portal.actions import do_invite_to_portal
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)
from tests.apps.portal.conftest import _fresh_rate_limits  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = [
    {"key": "street", "label": "Street address", "type": "text", "maps_to": "address_line1"},
    {"key": "pain", "label": "Pain right now", "type": "scale", "required": True},
    {"key": "meds", "label": "Medications you take", "type": "text", "maps_to": "medications"},
    {"key": "where", "label": "Where it hurts", "type": "body_regions"},
    {"key": "signature", "label": "Signature", "type": "signature", "required": True},
]


def _no_sideways_scroll(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"


def test_a_patient_completes_their_paperwork_and_the_claim_carries_ga(
    browser_page,
    live_server,
    settings,
    billing: Billing,  # noqa: F811
):
    page, base = browser_page, live_server.url
    settings.CLEANNOTE_PUBLIC_URL = base
    clinic = billing.clinic  # noqa: F811
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    # given the clinic's form and consents, and an ABN the desk offered for exercise
    do_publish_form(owner, clinic.owner, name="New patient intake", fields=FIELDS)
    do_publish_consent(owner, clinic.owner, kind="treatment", text="I consent to therapy here.")
    do_publish_consent(owner, clinic.owner, kind="privacy", text="How we use your health data.")
    do_offer_notice(
        desk, clinic.front_desk, clinic.patient, codes=["97110"],
        services="Therapeutic exercise (maintenance)", reason="Medicare may not pay for "
        "maintenance exercise.", estimated_cost="45.00", today=TODAY,
    )  # fmt: skip
    Patient.objects.filter(pk=clinic.patient.pk).update(
        email="pat@example.org", email_consent=True, email_consent_on=TODAY
    )
    clinic.patient.refresh_from_db()
    do_send_form(desk, clinic.patient, IntakeForm.objects.get())
    _account, secret = do_invite_to_portal(desk, clinic.patient, channel="email")

    # the patient signs in by their link, on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/portal/link/{secret}/")
    page.click("#use-link")
    page.goto(f"{base}/portal/paperwork/")
    _no_sideways_scroll(page, "portal-paperwork")

    # the intake form: a wrong answer is named, then the form is signed
    page.click("text=New patient intake")
    page.fill("#q-street", "40 Oak Avenue")
    page.fill("#q-meds", "ibuprofen 200 mg twice a day\nLisinopril 10 mg daily")
    page.check("input[name=where][value='low back']")
    page.fill("#q-signature", "Pat Example")
    page.fill("#signed-name", "Pat Example")
    page.click("#submit-form")
    expect(page.locator("#err-pain")).to_contain_text("Please answer this.")
    assert axe_violations(page, "portal intake form") == []
    _no_sideways_scroll(page, "portal-intake-form")
    page.check("input[name=pain][value='4']")
    page.fill("#signed-name", "Pat Example")
    page.click("#submit-form")
    expect(page.locator(".portal-notice")).to_contain_text("is signed and sent")

    # two consents
    for kind in ("treatment", "privacy"):
        page.click(f"#consent-{kind}")
        page.fill("#consent-name", "Pat Example")
        page.click("#sign-consent")
        expect(page.locator(".portal-notice")).to_contain_text("is signed")
    assert ConsentSignature.objects.filter(patient=clinic.patient).count() == 2

    # the ABN, option 1
    page.click("text=Advance Beneficiary Notice (Medicare)")
    expect(page.locator("#notice-facts")).to_contain_text("$45.00")
    assert axe_violations(page, "portal ABN") == []
    _no_sideways_scroll(page, "portal-abn")
    page.check("#option-1")
    page.fill("#notice-name", "Pat Example")
    page.click("#sign-notice")
    expect(page.locator(".portal-notice")).to_contain_text("your choice on the notice")
    expect(page.locator("#paperwork-done")).to_contain_text("option 1")

    # the front desk accepts the address the form suggests onto the chart
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "fran")
    page.goto(f"{base}/intake/patients/{clinic.patient.pk}/")
    expect(page.locator("#suggestions")).to_contain_text("40 Oak Avenue")
    page.locator("#suggestions button:has-text('Accept')").first.click()
    expect(page.locator("#intake-missing")).to_contain_text("Nothing missing")
    assert Patient.objects.get(pk=clinic.patient.pk).address_line1 == "40 Oak Avenue"
    # and the medications the form lists, which the chart's list then shows
    page.locator("#suggestions tr:has-text('Medication list') button:has-text('Accept')").click()
    expect(page.locator(".messages, [role=status], body").first).to_contain_text("added 2")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/patients/{clinic.patient.pk}/")
    expect(page.locator("#medication-list")).to_contain_text("Lisinopril")
    expect(page.locator("#medication-list")).to_contain_text("from intake answer")
    assert axe_violations(page, "chart medications") == []
    _no_sideways_scroll(page, "chart-medications")

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
    sign_in(page, base, "bill")
    page.goto(f"{base}/claims/{claim.pk}/")
    expect(page.locator("body")).to_contain_text("GA")
