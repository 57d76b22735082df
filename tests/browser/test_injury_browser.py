"""Personal injury in a real browser (issue 13, ADRs 0770, 0771): the biller posts a
letter-of-protection case's visit charges to its lien ledger, records the settlement, and the
ledger closes at $0.00; the chart's auto case shows its PIP limit, paid and remaining.
Screenshots at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.patients.models import Case, Coverage
from tests.apps.claims.conftest import billing, signed_note  # noqa: F401  (the fixture)
from tests.apps.injury.conftest import lop  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_biller_settles_a_lien(browser_page, live_server, billing, lop):  # noqa: F811
    page, base = browser_page, live_server.url
    do_create_claim_from_note(billing.actor, billing.note)
    for days_ago in (6, 9):
        note = signed_note(billing.clinic, TODAY - dt.timedelta(days=days_ago))
        do_create_claim_from_note(billing.actor, note)
    sign_in(page, base, "bill")
    page.goto(f"{base}/patients/{lop.patient_id}/")
    page.click(f"#lien-ledger-{lop.pk}")
    page.click("#post-charges")
    expect(page.locator("#lien-balance")).to_have_text("$765.00")
    _shoot(page, "injury-lien-ledger")
    form = page.locator("#settle-form")
    form.locator("[name=settlement_amount]").fill("30000")
    form.locator("[name=reduction]").fill("255.00")
    form.locator("[name=payment]").fill("400.00")
    form.locator("[name=memo]").fill("Whitfield check 5521")
    form.locator("button[type=submit]").click()
    expect(page.locator("#lien-balance")).to_have_text("$0.00")
    expect(page.locator("#settlement")).to_contain_text("written off $110.00")
    _shoot(page, "injury-lien-settled")


def test_the_auto_case_shows_its_pip_limit(browser_page, live_server, billing):  # noqa: F811
    page, base = browser_page, live_server.url
    patient = billing.clinic.patient
    pip = Coverage.objects.create(
        patient=patient, priority="secondary", payer_name="Roadway PIP", payer_id="ROADWAY",
        kind="auto_pip", member_id="POL-77", active_from=dt.date(2025, 1, 1),
    )  # fmt: skip
    Case.objects.filter(pk=billing.clinic.case.pk).update(
        coverage=pip, accident_kind="auto", accident_date=TODAY - dt.timedelta(days=30),
        accident_state="IL", insurer_claim_number="RW-1", pip_medpay_limit=Decimal("2500.00"),
    )  # fmt: skip
    sign_in(page, base, "fran")
    page.goto(f"{base}/patients/{patient.pk}/")
    use = page.locator(f"#pip-use-{billing.clinic.case.pk}")
    expect(use).to_contain_text("limit $2,500.00 · paid $0.00 · remaining $2,500.00")
    use.get_by_text("Record exhaustion letter").click()
    page.fill("[name=exhausted_on]", TODAY.isoformat())
    page.locator(f"#case-panel-{billing.clinic.case.pk} button[type=submit]").click()
    expect(page.locator(f"#pip-use-{billing.clinic.case.pk}")).to_contain_text(
        f"exhausted {TODAY.isoformat()}"
    )
    _shoot(page, "injury-pip-exhausted")
