"""Writing the chart through the JSON API (ADR 0915): patients registered and changed,
coverages added and ended, through the patients app's actions with the write scope, and every
refusal in the one error shape naming the field."""

import datetime as dt

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.models import Coverage, Patient
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "first_name": "Rosa",
    "last_name": "Delgado",
    "birth_date": "1971-03-09",
    "sex": "F",
    "phone": "512-555-0142",
    "address": {"line1": "4 Elm St", "city": "Austin", "state": "TX", "zip": "78701"},
}


def _coverage_body(patient: int, **changes) -> dict:
    body = {
        "patient_id": patient,
        "priority": "secondary",
        "payer_name": "Lone Star Health",
        "payer_id": "LSH01",
        "kind": "commercial",
        "member_id": "LS-55-901",
        "active_from": (TODAY - dt.timedelta(days=30)).isoformat(),
        "reason": "second insurance card at check-in",
    }
    return {**body, **changes}


def test_a_patient_registered_with_the_write_scope_gets_a_chart_number_and_an_audit_row(api):
    # when
    response = api("write").post("/api/v1/patients", NEW_PATIENT, content_type="application/json")
    # then
    assert response.status_code == 201
    body = response.json()
    patient = Patient.objects.get(pk=body["id"])
    assert body["chart_number"] == f"C{patient.pk:06d}"
    assert (patient.last_name, patient.address_line1, patient.state) == (
        "Delgado",
        "4 Elm St",
        "TX",
    )
    created = AuditEvent.objects.get(object_type="patient", action="create", object_id=patient.pk)
    assert created.patient_id == patient.pk
    assert created.actor_username.startswith("api token ")


def test_a_read_token_cannot_write(api):
    response = api("read").post("/api/v1/patients", NEW_PATIENT, content_type="application/json")
    assert response.status_code == 403
    assert not Patient.objects.filter(last_name="Delgado").exists()


def test_demographics_change_with_a_reason_one_audit_row_per_field(clinic, api):
    # when the phone and the street change
    response = api("write").patch(
        f"/api/v1/patients/{clinic.patient.pk}",
        {"reason": "moved house", "phone": "512-555-0199", "address": {"line1": "9 Oak Ave"}},
        content_type="application/json",
    )
    # then only those change, each with its audit row carrying the reason
    assert response.status_code == 200
    assert response.json()["address"]["line1"] == "9 Oak Ave"
    assert response.json()["first_name"] == "Pat"
    rows = AuditEvent.objects.filter(action="update", object_type__startswith="patient.")
    assert sorted(rows.values_list("object_type", flat=True)) == [
        "patient.address_line1",
        "patient.phone",
    ]
    assert {row.reason for row in rows} == {"moved house"}


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"phone": "512-555-0199"}, 422, "invalid", "reason"),
        ({"reason": "typo", "email": "not-an-address"}, 422, "invalid", "email"),
        ({"reason": "typo", "address": {"state": "Texas"}}, 422, "invalid", "address.state"),
        ({"reason": "typo", "sex": "X"}, 422, "invalid", "sex"),
        ({"reason": "typo", "birth_date": "1960-02-30"}, 422, "invalid", "birth_date"),
    ],
)
def test_a_change_the_chart_cannot_take_names_its_field(clinic, api, body, status, code, field):
    response = api("write").patch(
        f"/api/v1/patients/{clinic.patient.pk}", body, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field
    assert not AuditEvent.objects.filter(object_type__startswith="patient.").exists()


def test_another_organisations_patient_is_not_found(api, other_clinic):
    response = api("write").patch(
        f"/api/v1/patients/{other_clinic.patient.pk}",
        {"reason": "typo", "phone": "1"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_coverage_added_then_ended_through_the_chart_actions(clinic, api):
    client = api("write")
    # when a secondary coverage is added
    added = client.post(
        "/api/v1/coverages", _coverage_body(clinic.patient.pk), content_type="application/json"
    )
    # then it is in the directory's payer's name, audited with the reason
    assert added.status_code == 201
    coverage = Coverage.objects.get(pk=added.json()["id"])
    assert (coverage.priority, coverage.member_id) == ("secondary", "LS-55-901")
    assert coverage.payer_record is not None
    created = AuditEvent.objects.filter(object_type="coverage", action="create").latest("pk")
    assert created.reason == "second insurance card at check-in"
    # when it is ended yesterday
    ended = client.post(
        f"/api/v1/coverages/{coverage.pk}/end",
        {"ended_on": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "plan lapsed"},
        content_type="application/json",
    )
    # then it is in force through that day
    assert ended.status_code == 200
    assert ended.json()["active_through"] == (TODAY - dt.timedelta(days=1)).isoformat()


def test_a_second_primary_on_the_same_dates_is_a_409_naming_priority(clinic, api):
    response = api("write").post(
        "/api/v1/coverages",
        _coverage_body(clinic.patient.pk, priority="primary"),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "coverage_overlap",
        "message": response.json()["error"]["message"],
        "field": "priority",
    }
    assert Coverage.objects.filter(patient=clinic.patient).count() == 1


@pytest.mark.parametrize(
    ("case", "path", "body", "field"),
    [
        ("end before start", "end", {"ended_on": "2000-01-01", "reason": "x"}, "active_through"),
        ("no reason", "end", {"ended_on": "2030-01-01", "reason": ""}, "reason"),
        ("unknown patient", "add", {"patient_id": 2_000_000}, "patient_id"),
        ("unknown kind", "add", {"kind": "barter"}, "kind"),
    ],
)
def test_a_coverage_refusal_is_422_naming_its_field(clinic, api, case, path, body, field):
    client = api("write")
    coverage = clinic.patient.coverages.get()
    if path == "end":
        response = client.post(
            f"/api/v1/coverages/{coverage.pk}/end", body, content_type="application/json"
        )
    else:
        response = client.post(
            "/api/v1/coverages",
            _coverage_body(clinic.patient.pk, **body),
            content_type="application/json",
        )
    assert response.status_code == 422, case
    assert response.json()["error"]["field"] == field, case
