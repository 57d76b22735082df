"""The report targets page (ADR 0802): the owner sets the clinic's targets (or a location's),
the reports compare with them, a refusal names the figure and saves nothing, and only the
owner may change them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.organisations.models import Location
from cleannote.apps.reports.models import ReportTarget
from cleannote.apps.reports.targets import report_targets
from cleannote.rules.reporting import DEFAULT_TARGETS

URL = "/reports/targets/"


def _form(**values: str) -> dict[str, str]:
    return {key: values.get(key, "") for key in DEFAULT_TARGETS}


def test_the_owner_sets_a_target_and_the_report_compares_with_it(clinic, login):
    client = login(clinic.owner)
    page = client.get(URL).content.decode()
    assert 'id="t-visits_per_day"' in page
    assert "at least" in page
    # when
    response = client.post(URL, _form(visits_per_day="12", days_in_ar="35"))
    # then
    assert response.status_code == 302
    assert report_targets(clinic.organisation)["visits_per_day"].value == Decimal("12")
    productivity = client.get("/reports/productivity/").content.decode()
    assert "at least 12<" in productivity
    assert "at least 10" not in productivity  # the default is gone from the target row
    financial = client.get("/reports/financial/").content.decode()
    assert "at most 35<" in financial
    event = AuditEvent.objects.filter(object_type="report_targets").latest("pk")
    assert (event.action, event.object_id) == ("update", "organisation")
    assert event.reason == "changed days_in_ar, visits_per_day"


def test_a_blank_goes_back_to_the_default(clinic, login):
    client = login(clinic.owner)
    client.post(URL, _form(units_per_visit="4"))
    client.post(URL, _form())
    assert not ReportTarget.objects.filter(organisation=clinic.organisation).exists()
    assert report_targets(clinic.organisation) == DEFAULT_TARGETS


def test_a_location_s_targets_win_when_a_report_is_filtered_to_it(clinic, login):
    client = login(clinic.owner)
    other = Location.objects.create(organisation=clinic.organisation, name="Eastside")
    client.post(URL, _form(visits_per_day="12"))
    response = client.post(URL, {**_form(visits_per_day="8"), "location": str(other.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?location={other.pk}"
    assert report_targets(clinic.organisation, other.pk)["visits_per_day"].value == 8
    assert report_targets(clinic.organisation, clinic.location.pk)["visits_per_day"].value == 12
    there = client.get("/reports/productivity/", {"location": other.pk}).content.decode()
    assert "at least 8<" in there
    # the location's page shows the clinic's value as what a blank means
    page = client.get(URL, {"location": other.pk}).content.decode()
    assert 'placeholder="12"' in page


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ({"visits_per_day": "lots"}, "Visits per day: enter a number, e.g. 10"),
        ({"no_show_rate": "250"}, "No-show rate: must be from 0 to 100%"),
        ({"unsigned_72h": "0.5"}, "Unsigned after 72 h: must be a whole number"),
    ],
)
def test_a_bad_target_names_the_figure_and_saves_nothing(clinic, login, typed, words):
    client = login(clinic.owner)
    response = client.post(URL, _form(units_per_visit="4", **typed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert words in page
    key = next(iter(typed))
    assert f'href="#t-{key}"' in page
    assert f'value="{typed[key]}"' in page  # what was typed stays in its box
    assert not ReportTarget.objects.filter(organisation=clinic.organisation).exists()


def test_a_location_of_another_clinic_is_a_400_naming_the_parameter(clinic, other_clinic, login):
    theirs = other_clinic.organisation.locations.get()
    response = login(clinic.owner).get(URL, {"location": theirs.pk})
    assert response.status_code == 400
    assert "location" in response.content.decode()


@pytest.mark.parametrize("who", ["biller", "therapist", "front_desk"])
def test_only_the_owner_sets_targets(clinic, login, who):
    client = login(getattr(clinic, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(visits_per_day="1")).status_code == 403
    assert not ReportTarget.objects.exists()


def test_the_reports_list_links_the_targets_for_the_owner_only(clinic, login):
    assert URL in login(clinic.owner).get("/reports/").content.decode()
    assert URL not in login(clinic.biller).get("/reports/").content.decode()
