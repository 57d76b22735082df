"""The front desk's register-a-patient form: saves all four parts, or explains each bad field."""

import pytest

from cleannote.apps.patients.models import Case, Coverage, Patient, Referral

pytestmark = pytest.mark.django_db

GOOD = {
    "patient-first_name": "Robin",
    "patient-last_name": "Newcomer",
    "patient-birth_date": "1971-04-02",
    "patient-sex": "F",
    "patient-state": "IL",
    "coverage-priority": "primary",
    "coverage-payer_name": "Keystone Health Plan",
    "coverage-payer_id": "KHP",
    "coverage-kind": "commercial",
    "coverage-member_id": "K123",
    "coverage-subscriber_relationship": "self",
    "coverage-active_from": "2026-01-01",
    "case-discipline": "PT",
    "case-title": "Right knee pain",
    "case-opened_on": "2026-02-01",
    "referral-provider_first_name": "Laura",
    "referral-provider_last_name": "Singh",
    "referral-provider_npi": "1234567893",
    "referral-qualifier": "DN",
    "referral-referral_date": "2026-01-28",
    "referral-diagnoses_text": "m25561, M17.11",
    "referral-authorized_visits": "12",
}


def test_valid_registration_saves_patient_coverage_case_and_referral(clinic, login):
    response = login(clinic.front_desk).post("/patients/new/", GOOD)
    assert response.status_code == 302
    patient = Patient.objects.get(last_name="Newcomer")
    assert response.url == f"/patients/{patient.pk}/"
    assert patient.organisation == clinic.organisation
    assert patient.chart_number == f"C{patient.pk:06d}"
    case = Case.objects.get(patient=patient)
    assert case.coverage == Coverage.objects.get(patient=patient)
    assert Referral.objects.get(case=case).diagnoses == ["M25.561", "M17.11"]


def test_referral_is_optional(clinic, login):
    data = {k: v for k, v in GOOD.items() if not k.startswith("referral-")}
    data["referral-qualifier"] = "DN"
    assert login(clinic.front_desk).post("/patients/new/", data).status_code == 302
    assert not Referral.objects.filter(case__patient__last_name="Newcomer").exists()


@pytest.mark.parametrize(
    ("field", "value", "message", "error_field"),
    [
        pytest.param(
            "referral-provider_npi",
            "1234567890",
            "fails the check digit",
            None,
            id="bad-npi-check",
        ),
        pytest.param("referral-provider_npi", "12345", "exactly 10 digits", None, id="short-npi"),
        pytest.param(
            "patient-birth_date", "1971-02-30", "Enter a valid date", None, id="no-such-date"
        ),
        pytest.param(
            "coverage-active_through",
            "2025-12-31",
            "must not be before the start date",
            None,
            id="coverage-ends-before-it-starts",
        ),
        pytest.param(
            "referral-expires_on",
            "2026-01-01",
            "must not be before the referral date",
            None,
            id="referral-expires-before-it-starts",
        ),
        pytest.param(
            "referral-diagnoses_text",
            "12345",
            "12345: is not an ICD-10-CM code",
            None,
            id="bad-diagnosis",
        ),
        pytest.param(
            "case-accident_kind",
            "auto",
            "required for an auto accident",
            "case-accident_date",
            id="auto-accident-without-date",
        ),
        pytest.param("patient-state", "il", "two-letter postal code", None, id="bad-state"),
        pytest.param("coverage-kind", "martian", "Select a valid choice", None, id="bad-choice"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field(
    clinic, login, field, value, message, error_field
):
    # given a form with one bad field / when submitted
    response = login(clinic.front_desk).post("/patients/new/", {**GOOD, field: value})
    # then the page comes back with the message in that field's error list, nothing saved
    assert response.status_code == 200
    page = response.content.decode()
    error_id = f'id="id_{error_field or field}_error"'
    assert error_id in page
    error_block = page.split(error_id, 1)[1].split("</ul>", 1)[0]
    assert message in error_block
    assert not Patient.objects.filter(last_name="Newcomer").exists()


def test_empty_form_lists_required_fields_without_error(clinic, login):
    response = login(clinic.front_desk).post("/patients/new/", {})
    assert response.status_code == 200
    assert b"This field is required." in response.content


def test_form_renders_for_front_desk(clinic, login):
    page = login(clinic.front_desk).get("/patients/new/").content.decode()
    assert 'name="referral-provider_npi"' in page
    assert "csrfmiddlewaretoken" in page
