"""The chart kept current in a real browser: the front desk adds a secondary coverage from the
payer directory (the form opens inline on the chart), and a therapist discharges the case.
Screenshots of the chart and its forms at 1280 and 390 px wide go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.payers.actions import do_create_payer
from cleannote.apps.payers.models import Payer
from tests.browser.conftest import ARTIFACTS
from tests.browser.sign_in import sign_in
from tests.personas import PASSWORD, TODAY, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The elements reaching past the viewport's right edge (named in a failure message).
WIDE_JS = """() => {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > w + 1)
    .slice(0, 15)
    .map((el) => `${el.tagName}#${el.id}.${el.className}`);
}"""


def _shoot(page, name: str) -> None:
    """The page at 1280 and at 390 px wide; at 390 nothing may scroll sideways."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            wide = page.evaluate(WIDE_JS) if overflow > 0 else []
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_add_secondary_coverage_then_discharge(browser_page, live_server, clinic):  # noqa: F811
    page, base = browser_page, live_server.url
    do_create_payer(
        Actor(user=clinic.owner.user, organisation=clinic.organisation),
        Payer(name="Lakeshore Mutual", claims_payer_id="LSM01", kind="commercial"),
    )
    patient, case = clinic.patient, clinic.case
    chart = f"{base}/patients/{patient.pk}/"

    # the front desk opens the chart and the add-coverage form inline (htmx)
    sign_in(page, base, "fran")
    page.goto(chart)
    page.click("#add-coverage")
    form = page.locator("#coverage-panel form")
    expect(form).to_be_visible()
    expect(page.locator("#id_payer_record")).to_be_focused()
    page.select_option("#id_payer_record", label="Lakeshore Mutual (LSM01)")
    page.select_option("#id_priority", "secondary")
    page.fill("#id_member_id", "LSM998877")
    page.fill("#id_group_number", "G7710")
    page.select_option("#id_subscriber_relationship", "spouse")
    page.fill("#id_subscriber_first_name", "Sam")
    page.fill("#id_subscriber_last_name", "Example")
    page.fill("#id_subscriber_birth_date", "1958-02-03")
    page.fill("#id_copay", "20.00")
    _shoot(page, "chart-add-coverage")
    # saving without a reason keeps what was typed and says what is missing
    page.click("#coverage-panel button[type=submit]")
    expect(page.locator(".field.has-error #id_reason")).to_be_visible()
    expect(page.locator("#id_member_id")).to_have_value("LSM998877")
    page.fill("#id_reason", "Second insurance card at check-in")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_url(f"{chart}#coverage")
    row = page.locator("tr", has_text="Lakeshore Mutual")
    expect(row).to_contain_text("Secondary")
    expect(row).to_contain_text("Sam Example")
    expect(page.locator(f"section[aria-labelledby='case-{case.pk}']")).to_contain_text(
        "Medicare → Lakeshore Mutual"
    )
    _shoot(page, "chart-with-secondary")

    # a therapist discharges the case from its card
    sign_in(page, base, "theo")
    page.goto(chart)
    page.click(f"#close-case-{case.pk}")
    panel = page.locator(f"#case-panel-{case.pk} form")
    expect(panel).to_be_visible()
    expect(page.locator("#id_closure_1")).to_be_checked()  # discharged is the default
    page.fill("#id_reason", "Goals met")
    _shoot(page, "chart-discharge")
    page.click(f"#case-panel-{case.pk} button[type=submit]")
    page.wait_for_url(f"{chart}#case-{case.pk}")
    expect(page.locator(f"#case-{case.pk}")).to_contain_text(f"discharged {TODAY:%Y-%m-%d}")
    expect(page.locator(f"#close-case-{case.pk}")).to_have_count(0)
    _shoot(page, "chart-discharged")

    assert AuditEvent.objects.filter(
        object_type="case.closure", reason="Goals met", actor_username="theo"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="coverage", reason="Second insurance card at check-in", actor_username="fran"
    ).exists()


def test_chart_edit_pages_fit_a_phone(browser_page, live_server, clinic):  # noqa: F811
    """Each edit screen as a full page (a link opened without htmx) at 1280 and 390 px."""
    page, base = browser_page, live_server.url
    patient, case = clinic.patient, clinic.case
    coverage = patient.coverages.get()
    sign_in(page, base, "fran")
    for name, path in (
        ("chart-edit-details", "details/"),
        ("chart-edit-coverage", f"coverages/{coverage.pk}/"),
        ("chart-end-coverage", f"coverages/{coverage.pk}/end/"),
        ("chart-open-case", "cases/new/"),
        ("chart-edit-case", f"cases/{case.pk}/edit/"),
    ):
        page.goto(f"{base}/patients/{patient.pk}/{path}")
        expect(page.locator("form.chart-form")).to_be_visible()
        _shoot(page, name)
