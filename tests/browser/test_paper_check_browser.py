"""A biller posts a paper EOB check in a real browser (ADR 0750): first one that does not
balance, refused with where it is off and what was typed kept, then fixed and posted; the
patient's ledger then shows the payment, the adjustments and the coinsurance with both
balances. Screenshots at 1280, 768 and 390 px go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.claims.models import ClaimStatus
from cleannote.apps.remittance.models import EraFile
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_post_a_paper_check_refused_then_balanced(browser_page, live_server, billing):  # noqa: F811
    claim = sent_claim(billing)
    one, two = claim.lines.order_by("number")
    page = browser_page
    sign_in(page, live_server.url, billing.clinic.biller.user.username)

    page.goto(f"{live_server.url}/remittance/checks/new/")
    page.select_option("#payer-pick", claim.payer_name)
    page.get_by_role("button", name="Show its claims").click()
    expect(page.locator("#check-lines")).to_contain_text(one.code)
    page.fill("input[name=check_number]", "0047111")
    page.fill("input[name=total]", "100.00")
    cells = {
        f"l{one.pk}_allowed": "100.00", f"l{one.pk}_paid": "70.00",
        f"l{one.pk}_adj": "CO-45 30.00; PR-2 30.00",
        f"l{two.pk}_paid": "30.00", f"l{two.pk}_adj": "CO-45 25.00",  # 5.00 short
    }  # fmt: skip
    for name, value in cells.items():
        page.fill(f"input[name={name}]", value)
    page.get_by_role("button", name="Post check").click()

    problems = page.locator("#check-problems")
    expect(problems).to_contain_text(
        f"claim {claim.pk}, line 2: billed 60.00, but paid 30.00 + adjustments 25.00 "
        "= 55.00 (off by 5.00)"
    )
    expect(page.locator(f"input[name=l{two.pk}_adj]")).to_have_value("CO-45 25.00")
    assert not EraFile.objects.exists()
    _shoot(page, "paper-check-refused")

    page.fill(f"input[name=l{two.pk}_adj]", "CO-45 30.00")
    page.get_by_role("button", name="Post check").click()
    expect(page.locator("h1")).to_have_text("Paper check 0047111")
    expect(page.locator("#postings-table")).to_contain_text("$100.00")
    assert axe_violations(page, "paper check page") == []
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID

    page.get_by_role("link", name=claim.patient.last_name, exact=False).first.click()
    expect(page.locator("#balance")).to_have_text("$30.00")
    expect(page.locator("#insurance-balance")).to_have_text("$0.00")
    expect(page.locator("#ledger")).to_contain_text("PR-2 30.00")
    assert axe_violations(page, "patient ledger") == []
    _shoot(page, "patient-ledger-after-check")
