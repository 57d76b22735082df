"""A biller appeals a denial in a real browser and downloads its appeal packet (ADR 0730,
0731): from the denials worklist to the denial's page, the appeal with a note, the history
row, then the PDF read back. Screenshots at 1280, 768 and 390 px go to test-artifacts/."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cleannote.apps.claims.models import ClaimStatus
from cleannote.apps.remittance.actions import do_import_835
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401  (the fixture)
from tests.apps.remittance.test_posting import denial
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


def test_appeal_a_denial_and_download_its_packet(browser_page, live_server, billing):  # noqa: F811
    claim = sent_claim(billing)
    do_import_835(billing.actor, denial(claim.patient_control_number, "50"), file_name="d.835")
    page = browser_page
    sign_in(page, live_server.url, billing.clinic.biller.user.username)

    page.goto(f"{live_server.url}/remittance/denials/")
    # the appeal deadline table: Medicare's 120 days from the denial (ADR 0706)
    expect(page.locator("#appeal-deadline-table")).to_contain_text(f"Appeal claim {claim.pk}")
    assert axe_violations(page, "denials worklist") == []
    _shoot(page, "denials-deadlines")
    page.get_by_role("link", name=f"Work claim {claim.pk}").click()
    expect(page.locator("#denial-state")).to_have_text("Open")
    page.fill("#appeal-note", "medical records attached")
    page.click("#appeal")
    expect(page.locator("#denial-state")).to_have_text("Appeal sent")
    expect(page.locator("#denial-history")).to_contain_text("medical records attached")
    assert axe_violations(page, "denial page") == []
    _shoot(page, "denial-appealed")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPEALED

    with page.expect_download() as download:
        page.click("#appeal-packet")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Request for reconsideration" in text
    assert "Audit-defense packet" in text
    assert claim.patient_control_number in text

    page.goto(f"{live_server.url}/remittance/aging/")
    expect(page.locator("#aging-claims")).to_contain_text("Appealed: medical records attached")
    assert axe_violations(page, "aging page") == []
    _shoot(page, "ar-aging")
