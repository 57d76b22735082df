"""The chart's edit screens: who may use them, what a save does, and how a refusal reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.models import Coverage
from cleannote.apps.payers.actions import do_create_payer
from cleannote.apps.payers.models import Payer
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _url(name: str, *args: int) -> str:
    return reverse(f"patients:{name}", args=args)


def _payer(clinic) -> Payer:
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    return do_create_payer(
        actor, Payer(name="Lakeshore Mutual", claims_payer_id="LSM01", kind="commercial")
    )


def _screens(clinic) -> list[str]:
    patient, case = clinic.patient.pk, clinic.case.pk
    coverage = clinic.patient.coverages.get().pk
    return [
        _url("edit_details", patient),
        _url("add_coverage", patient),
        _url("edit_coverage", patient, coverage),
        _url("end_coverage", patient, coverage),
        _url("reorder_coverages", patient),
        _url("open_case", patient),
        _url("edit_case", patient, case),
        _url("close_case", patient, case),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("front_desk", 200),
        ("therapist", 200),
        ("owner", 200),
        ("biller", 403),
        ("assistant", 403),
    ],
)
def test_who_may_edit_the_chart(clinic, login, persona, status):
    client = login(getattr(clinic, persona))
    for url in _screens(clinic):
        assert client.get(url).status_code == status, url


def test_another_clinics_chart_is_not_found(clinic, other_clinic, login):
    client = login(clinic.front_desk)
    theirs = other_clinic.patient
    assert client.get(_url("edit_details", theirs.pk)).status_code == 404
    coverage = theirs.coverages.get()
    assert client.get(_url("edit_coverage", clinic.patient.pk, coverage.pk)).status_code == 404


def test_chart_shows_the_edit_links(clinic, login):
    page = login(clinic.front_desk).get(_url("chart", clinic.patient.pk)).content.decode()
    for url in [*_screens(clinic)[:2], _url("edit_case", clinic.patient.pk, clinic.case.pk)]:
        assert f'href="{url}"' in page


def test_biller_sees_the_chart_without_edit_links(clinic, login):
    page = login(clinic.biller).get(_url("chart", clinic.patient.pk)).content.decode()
    assert _url("edit_details", clinic.patient.pk) not in page


def test_inline_request_gets_the_form_alone(clinic, login):
    client = login(clinic.front_desk)
    response = client.get(_url("add_coverage", clinic.patient.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<form" in html
    assert "<html" not in html


def test_details_edit_needs_a_reason_and_keeps_what_was_typed(clinic, login):
    client = login(clinic.front_desk)
    data = {
        "first_name": "Pat",
        "last_name": "Example",
        "birth_date": "1960-05-01",
        "sex": "F",
        "phone": "555-0100",
        "pronouns": "she/her",
    }
    response = client.post(_url("edit_details", clinic.patient.pk), data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert 'value="555-0100"' in response.content.decode()
    clinic.patient.refresh_from_db()
    assert clinic.patient.phone == ""
    # when the reason is given, the change is saved and audited with it
    response = client.post(_url("edit_details", clinic.patient.pk), {**data, "reason": "Called in"})
    assert response.status_code == 302
    assert response["Location"].endswith("#details")
    clinic.patient.refresh_from_db()
    assert (clinic.patient.phone, clinic.patient.pronouns) == ("555-0100", "she/her")
    assert AuditEvent.objects.filter(object_type="patient.phone", reason="Called in").exists()


def test_details_edit_uses_the_registration_birth_date_check(clinic, login):
    response = login(clinic.front_desk).post(
        _url("edit_details", clinic.patient.pk),
        {
            "first_name": "Pat",
            "last_name": "Example",
            "birth_date": (TODAY + dt.timedelta(days=1)).isoformat(),
            "sex": "F",
            "reason": "typo",
        },
    )
    assert response.status_code == 200
    assert "has-error" in response.content.decode()


def test_add_secondary_coverage_from_the_directory(clinic, login):
    payer = _payer(clinic)
    response = login(clinic.front_desk).post(
        _url("add_coverage", clinic.patient.pk),
        {
            "priority": "secondary",
            "payer_record": payer.pk,
            "member_id": "LSM998877",
            "subscriber_relationship": "spouse",
            "subscriber_first_name": "Sam",
            "subscriber_last_name": "Example",
            "subscriber_birth_date": "1958-02-03",
            "active_from": "2026-01-01",
            "copay": "20.00",
            "reason": "Second card at check-in",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = clinic.patient.coverages.get(priority="secondary")
    assert (added.payer_name, added.payer_id, str(added.copay)) == (
        "Lakeshore Mutual",
        "LSM01",
        "20.00",
    )


def test_second_primary_is_refused_next_to_the_order(clinic, login):
    payer = _payer(clinic)
    response = login(clinic.front_desk).post(
        _url("add_coverage", clinic.patient.pk),
        {
            "priority": "primary",
            "payer_record": payer.pk,
            "member_id": "LSM1",
            "subscriber_relationship": "self",
            "active_from": "2026-01-01",
            "reason": "card",
        },
    )
    assert response.status_code == 200
    assert "already the primary coverage" in response.content.decode()
    assert clinic.patient.coverages.count() == 1


def test_reorder_page_moves_the_plan_ahead_of_medicare(clinic, login):
    medicare = clinic.patient.coverages.get()
    plan = Coverage.objects.create(
        patient=clinic.patient,
        priority="secondary",
        payer_record=_payer(clinic),
        payer_name="Lakeshore Mutual",
        payer_id="LSM01",
        kind="commercial",
        member_id="LSM1",
        active_from=dt.date(2026, 1, 1),
    )
    client = login(clinic.front_desk)
    url = _url("reorder_coverages", clinic.patient.pk)
    swap = {f"place_{plan.pk}": "1", f"place_{medicare.pk}": "2", "reason": "Still working"}
    # Medicare behind the plan without why: refused next to Medicare's type
    response = client.post(url, swap)
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    response = client.post(url, {**swap, f"msp_{medicare.pk}": "12"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.priority == "primary"


def test_discharge_from_the_chart(clinic, login):
    client = login(clinic.therapist)
    url = _url("close_case", clinic.patient.pk, clinic.case.pk)
    assert "Goals met" in client.get(url).content.decode()  # a suggested reason
    response = client.post(
        url, {"closure": "discharged", "closed_on": TODAY.isoformat(), "reason": "Goals met"}
    )
    assert response.status_code == 302
    clinic.case.refresh_from_db()
    assert (clinic.case.closure, clinic.case.closure_reason) == ("discharged", "Goals met")
    chart = client.get(_url("chart", clinic.patient.pk)).content.decode()
    assert "discharged" in chart
    # a closed case offers no second discharge
    assert client.get(url).status_code == 302


def test_discharge_before_the_last_visit_names_the_date(clinic, login):
    response = login(clinic.therapist).post(
        _url("close_case", clinic.patient.pk, clinic.case.pk),
        {
            "closure": "discharged",
            "closed_on": (TODAY - dt.timedelta(days=5)).isoformat(),
            "reason": "Goals met",
        },
    )
    assert response.status_code == 200
    assert "is after this date" in response.content.decode()


def test_open_a_case_from_the_chart(clinic, login):
    response = login(clinic.front_desk).post(
        _url("open_case", clinic.patient.pk),
        {
            "discipline": "PT",
            "title": "Left knee pain",
            "opened_on": TODAY.isoformat(),
            "reason": "New referral",
        },
    )
    assert response.status_code == 302
    assert clinic.patient.cases.filter(title="Left knee pain").exists()


@pytest.mark.parametrize("value", ["not-a-date", "1899-12-31", "99999-01-01"])
def test_hostile_dates_get_a_field_message_not_a_500(clinic, login, value):
    response = login(clinic.front_desk).post(
        _url("end_coverage", clinic.patient.pk, clinic.patient.coverages.get().pk),
        {"ended_on": value, "reason": "x"},
    )
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
