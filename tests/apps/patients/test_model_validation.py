"""Model validation: NPIs, dates in order, accident details, objective JSON, append-only rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AppendOnlyError, AuditEvent
from cleannote.apps.notes.actions import do_add_addendum
from cleannote.apps.notes.models import SignedNoteError
from cleannote.apps.notes.objective import validate_objective
from cleannote.apps.patients.diagnoses import normalize_code, parse_diagnosis_list
from cleannote.apps.patients.models import Case, Coverage, Referral

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("npi", "error"),
    [
        pytest.param("1234567893", None, id="valid"),
        pytest.param("1234567890", "fails the check digit", id="bad-check-digit"),
        pytest.param("12345", "exactly 10 digits", id="too-short"),
    ],
)
def test_staff_npi_is_checked(clinic, npi, error):
    # given a therapist / when the NPI changes / then full_clean checks the check digit
    clinic.therapist.npi = npi
    if error is None:
        clinic.therapist.full_clean()
    else:
        with pytest.raises(ValidationError, match=error) as caught:
            clinic.therapist.full_clean()
        assert "npi" in caught.value.message_dict


def test_referral_npi_and_diagnoses_are_checked(clinic):
    referral = Referral(
        case=clinic.case,
        provider_first_name="A",
        provider_last_name="B",
        provider_npi="1234567890",
        referral_date=dt.date(2026, 1, 5),
        diagnoses=["M54.50", "12345"],
    )
    with pytest.raises(ValidationError) as caught:
        referral.full_clean()
    assert set(caught.value.message_dict) == {"provider_npi", "diagnoses"}
    assert "12345" in caught.value.message_dict["diagnoses"][0]


def test_coverage_end_before_start_is_refused(clinic):
    coverage = Coverage(
        patient=clinic.patient,
        priority="secondary",
        payer_name="X",
        payer_id="X",
        kind="commercial",
        member_id="M1",
        active_from=dt.date(2026, 2, 1),
        active_through=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        coverage.full_clean()
    assert "active_through" in caught.value.message_dict


def test_dependent_coverage_needs_the_subscriber(clinic):
    coverage = Coverage(
        patient=clinic.patient,
        priority="secondary",
        payer_name="X",
        payer_id="X",
        kind="commercial",
        member_id="M1",
        active_from=dt.date(2026, 2, 1),
        subscriber_relationship="spouse",
    )
    with pytest.raises(ValidationError) as caught:
        coverage.full_clean()
    assert set(caught.value.message_dict) >= {
        "subscriber_first_name",
        "subscriber_last_name",
        "subscriber_birth_date",
    }


def test_auto_accident_case_needs_date_and_state(clinic):
    case = Case(
        patient=clinic.patient,
        discipline="PT",
        title="Whiplash",
        opened_on=dt.date(2026, 1, 5),
        accident_kind="auto",
    )
    with pytest.raises(ValidationError) as caught:
        case.full_clean()
    assert set(caught.value.message_dict) == {"accident_date", "accident_state"}


@pytest.mark.parametrize(
    ("objective", "problem"),
    [
        pytest.param(
            {"rom": [{"joint": "knee", "motion": "flexion", "side": "right", "degrees": 95}]},
            None,
            id="valid-rom",
        ),
        pytest.param({"outcome_measures": [{"name": "LEFS", "score": 40}]}, None, id="no-max"),
        pytest.param({"gait": []}, "unknown section 'gait'", id="unknown-section"),
        pytest.param(
            {"rom": [{"joint": "knee", "motion": "flexion", "side": "up", "degrees": 95}]},
            "is not left/right/bilateral",
            id="bad-side",
        ),
        pytest.param(
            {"rom": [{"joint": "knee", "motion": "flexion", "side": "left", "degrees": "95"}]},
            "wrong type str",
            id="degrees-as-text",
        ),
        pytest.param(
            {"rom": [{"joint": "knee", "motion": "flexion", "side": "left", "degrees": 900}]},
            "out of range",
            id="degrees-out-of-range",
        ),
        pytest.param([], "must be an object", id="not-an-object"),
    ],
)
def test_objective_shape(objective, problem):
    if problem is None:
        validate_objective(objective)
    else:
        with pytest.raises(ValidationError, match=problem):
            validate_objective(objective)


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        pytest.param("m5450", ["M54.50"], id="no-dot-lowercase"),
        pytest.param("M54.50, S13.4XXA\nM25.561", ["M54.50", "S13.4XXA", "M25.561"], id="list"),
        pytest.param("  ", [], id="blank"),
    ],
)
def test_diagnoses_typed_as_text_are_normalised(typed, codes):
    assert parse_diagnosis_list(typed) == codes
    assert all(normalize_code(code) == code for code in codes)


def test_audit_events_and_addenda_are_append_only(clinic):
    event = AuditEvent.objects.filter(organisation=clinic.organisation).first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    addendum = do_add_addendum(actor, clinic.signed_note, clinic.therapist, "Late entry.")
    addendum.text = "changed"
    with pytest.raises(SignedNoteError):
        addendum.save()
    with pytest.raises(SignedNoteError):
        addendum.delete()
