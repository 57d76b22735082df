"""A biller follows a secondary claim made by the primary's 835 in a real browser (ADR 0740):
from the primary claim's page to the secondary and back, and a crossed-over claim's notice.
Screenshots at 1280, 768 and 390 px go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.claims.models import Claim, Origin
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401  (the fixture)
from tests.apps.claims.test_claim_lifecycle import _secondary_coverage
from tests.apps.remittance.test_settlement import _coinsurance, _post
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_secondary_claim_pages_link_both_ways(browser_page, live_server, billing):  # noqa: F811
    claim = sent_claim(billing)
    _secondary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    secondary = Claim.objects.get(primary_claim=claim, origin=Origin.SECONDARY)
    page = browser_page
    sign_in(page, live_server.url, billing.clinic.biller.user.username)

    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    notice = page.locator(".next-payer")
    expect(notice).to_contain_text("created from the primary's 835 of 20 Jan 2026")
    assert axe_violations(page, "primary claim page") == []
    _shoot(page, "secondary-primary-page")
    notice.get_by_role("link", name=secondary.patient_control_number).click()
    expect(page.locator("#earlier-payer")).to_contain_text(
        f"Secondary claim {secondary.patient_control_number} created from the primary's 835"
    )
    expect(page.locator("h1")).to_contain_text("Ready to send")
    _shoot(page, "secondary-claim-page")
    page.locator("#earlier-payer").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(claim.patient_control_number)
