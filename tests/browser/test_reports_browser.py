"""The reports in a real browser (ADR 0800): the owner opens each report, filters it, sees
its chart and downloads its CSV; a clinician sees only their own figures; the front desk is
refused with a way back. Screenshots at 1280, 768 and 390 px, and as printed (A4 PDF), go to
test-artifacts/."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import TODAY, _note, clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTS = (
    ("productivity", "Productivity"),
    ("financial", "Financial"),
    ("compliance", "Compliance by location"),
    ("modifier-59", "Modifier 59 / X monitor"),
)


def _shoot(page, name: str) -> None:
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _chart_drawn(page) -> None:
    chart = page.locator(".report-chart img").first
    expect(chart).to_be_visible()
    width = chart.evaluate("img => img.naturalWidth")
    assert width > 0, "the chart's SVG did not load"


def test_the_owner_filters_each_report_and_downloads_its_csv(browser_page, live_server, billing):  # noqa: F811
    do_create_claim_from_note(billing.actor, billing.note)
    riverside = billing.clinic
    # a draft three days old: the compliance report lists it under Theo
    clinical = Actor(user=riverside.therapist.user, organisation=riverside.organisation)
    _note(
        clinical,
        riverside.case,
        riverside.therapist,
        riverside.location,
        TODAY - dt.timedelta(days=3),
        sign=False,
    )
    page = browser_page
    sign_in(page, live_server.url, riverside.owner.user.username)
    page.get_by_role("link", name="Reports").first.click()
    expect(page.locator("h1")).to_have_text("Reports")
    for slug, title in REPORTS:
        page.goto(f"{live_server.url}/reports/")
        page.get_by_role("link", name=title).click()
        expect(page.locator("h1")).to_have_text(title)
        _chart_drawn(page)
        page.select_option("#f-clinician", str(riverside.therapist.pk))
        page.click("#apply-filters")
        page.wait_for_url(f"**clinician={riverside.therapist.pk}**")
        # the financial report's rows are payers; the others' are clinicians
        shown = "Medicare" if slug == "financial" else riverside.therapist.display_name
        expect(page.locator(".report-table", has_text=shown).first).to_be_visible()
        _chart_drawn(page)
        assert axe_violations(page, f"{slug} report") == []
        _shoot(page, f"report-{slug}")
        page.emulate_media(media="print")
        page.pdf(path=str(ARTIFACTS / f"report-{slug}-print.pdf"), format="A4")
        page.screenshot(path=str(ARTIFACTS / f"report-{slug}-print.png"), full_page=True)
        expect(page.locator(".report-filters")).to_be_hidden()
        page.emulate_media(media="screen")
        with page.expect_download() as download:
            page.click("#download-csv")
        rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
        assert rows[0][0] == "Table"
        assert any(shown in row for row in rows)
        assert download.value.suggested_filename.startswith(slug)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("h1")).to_have_text("Dashboard")
    _shoot(page, "report-dashboard")
    page.locator(".headline-figures a").first.click()
    expect(page.locator("h1")).to_have_text("Productivity")


def test_a_clinician_sees_only_their_own_figures(browser_page, live_server, clinic):  # noqa: F811
    page = browser_page
    sign_in(page, live_server.url, clinic.therapist.user.username)
    page.goto(f"{live_server.url}/reports/productivity/?clinician={clinic.owner.pk}")
    expect(page.locator("body")).to_contain_text("your own figures")
    expect(page.locator("#f-clinician")).to_have_count(0)
    table = page.locator(".report-table").first
    expect(table).to_contain_text(clinic.therapist.display_name)
    expect(table).not_to_contain_text(clinic.owner.display_name)
    _shoot(page, "report-own-figures")


def test_the_front_desk_is_refused_with_a_way_back(browser_page, live_server, clinic):  # noqa: F811
    page = browser_page
    sign_in(page, live_server.url, clinic.front_desk.user.username)
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    response = page.goto(f"{live_server.url}/reports/productivity/")
    assert response is not None
    assert response.status == 403
    expect(page.locator("#refusal")).to_contain_text("Reports are for the owner")
    page.get_by_role("link", name="Back to your home page").click()
    page.wait_for_url(f"{live_server.url}/")
