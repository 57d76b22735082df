"""The reports pages: who may open them, the filters, the CSV at the same address, the audit
row each page writes (ADR 0800)."""

from __future__ import annotations

import csv
import io

import pytest

from cleannote.apps.audit.models import AuditEvent
from tests.personas import TODAY

REPORTS = ("productivity", "financial", "compliance", "modifier-59")


@pytest.mark.parametrize("slug", REPORTS)
def test_the_owner_opens_each_report_with_its_chart_table_and_definitions(clinic, login, slug):
    response = login(clinic.owner).get(f"/reports/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert "<table" in page
    assert 'id="definitions"' in page
    assert "cdn" not in page.lower()
    event = AuditEvent.objects.filter(object_type="report").latest("pk")
    assert (event.action, event.object_id) == ("list", slug)


@pytest.mark.parametrize("slug", REPORTS)
def test_the_csv_is_the_same_address_with_format_csv(clinic, login, slug):
    response = login(clinic.owner).get(f"/reports/{slug}/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Table"
    event = AuditEvent.objects.filter(object_type="report").latest("pk")
    assert (event.action, event.object_id) == ("export", slug)


def test_the_list_names_every_report(clinic, login):
    page = login(clinic.owner).get("/reports/").content.decode()
    for slug in REPORTS:
        assert f"/reports/{slug}/" in page


@pytest.mark.parametrize("path", ["/reports/", "/reports/productivity/", "/dashboard/"])
def test_the_front_desk_is_refused_with_a_way_back(clinic, login, path):
    response = login(clinic.front_desk).get(path)
    assert response.status_code == 403
    assert "Back to your home page" in response.content.decode()


def test_a_clinician_sees_only_their_own_figures_whatever_the_address_says(clinic, login):
    response = login(clinic.assistant).get(
        "/reports/productivity/", {"clinician": clinic.therapist.pk, "format": "csv"}
    )
    text = response.content.decode()
    assert clinic.therapist.display_name not in text
    page = login(clinic.therapist).get("/reports/productivity/").content.decode()
    assert clinic.therapist.display_name in page
    assert 'id="f-clinician"' not in page
    assert "By location" not in page


def test_a_clinician_has_no_dashboard(clinic, login):
    assert login(clinic.therapist).get("/dashboard/").status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01"},
        {"start": TODAY.isoformat(), "end": "2001-01-01"},
        {"location": "99999999"},
        {"clinician": "abc"},
        {"discipline": "ASTROLOGY"},
    ],
)
def test_bad_filters_are_a_clear_400_never_a_500(clinic, login, params):
    response = login(clinic.owner).get("/reports/productivity/", params)
    assert response.status_code == 400


def test_an_unknown_report_is_404(clinic, login):
    assert login(clinic.owner).get("/reports/nothing-here/").status_code == 404


def test_the_owner_dashboard_links_into_the_reports(clinic, login):
    page = login(clinic.owner).get("/dashboard/").content.decode()
    assert "/reports/productivity/" in page
    assert "/reports/modifier-59/" in page
    assert "/reports/financial/" in page


# The compliance report's rows are bounded per kind (ROW_LIMIT) rather than grouped: its
# query count is pinned in test_compliance_report.py, with rows of every kind added.
@pytest.mark.parametrize("slug", ["productivity", "financial", "modifier-59"])
def test_a_report_reads_in_a_fixed_number_of_queries_whatever_the_visits(
    clinic, login, slug, django_assert_max_num_queries
):
    """Grouped aggregates: ten more signed visits add no query (ADR 0800)."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cleannote.apps.audit.actions import Actor
    from tests.personas import _note

    client = login(clinic.owner)
    with CaptureQueriesContext(connection) as before:
        client.get(f"/reports/{slug}/")
    clinical = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    for days in range(3, 13):
        day = TODAY - dt.timedelta(days=days)
        _note(clinical, clinic.case, clinic.therapist, clinic.location, day, sign=True)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(f"/reports/{slug}/")
