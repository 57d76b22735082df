"""Chart maintenance actions: each change names who and why, field by field, and a change that
would leave the chart contradicting itself is refused naming the field (ADR 0501)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.chart_actions import (
    ChartChangeRefused,
    do_add_coverage_to_chart,
    do_close_case,
    do_end_coverage,
    do_open_case_on_chart,
    do_reorder_coverages,
    do_update_case,
    do_update_coverage,
    do_update_patient,
)
from cleannote.apps.patients.models import Case, CaseClosure, Coverage
from cleannote.apps.payers.actions import do_create_payer
from cleannote.apps.payers.models import Payer
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _actor(clinic, staff=None) -> Actor:
    staff = staff or clinic.front_desk
    return Actor(user=staff.user, organisation=clinic.organisation, ip_address="10.0.0.5")


def _payer(clinic, name="Blue Shield", payer_id="BS123", kind="commercial") -> Payer:
    return do_create_payer(_actor(clinic), Payer(name=name, claims_payer_id=payer_id, kind=kind))


def _secondary(clinic, **extra) -> Coverage:
    coverage = Coverage(
        priority="secondary",
        payer_record=_payer(clinic),
        member_id="XB123456",
        active_from=TODAY - dt.timedelta(days=30),
        **extra,
    )
    return do_add_coverage_to_chart(
        _actor(clinic), clinic.patient, coverage, reason="Card shown at check-in"
    )


def _events(kind_prefix: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type__startswith=kind_prefix).order_by("pk"))


# --- demographics -----------------------------------------------------------------------------


def test_demographics_edit_audits_each_changed_field_with_the_reason(clinic):
    # when the front desk records a new phone number and the patient's preferred name
    changed = do_update_patient(
        _actor(clinic),
        clinic.patient,
        reason="Patient called with a new number",
        phone="555-0100",
        preferred_name="Patty",
        first_name="Pat",  # unchanged: not audited
    )
    # then only the two fields changed, each with an audit row carrying who and why
    assert changed == ["preferred_name", "phone"]
    clinic.patient.refresh_from_db()
    assert (clinic.patient.phone, clinic.patient.preferred_name) == ("555-0100", "Patty")
    rows = _events("patient.")
    assert [(e.object_type, e.reason, e.actor_username) for e in rows] == [
        ("patient.preferred_name", "Patient called with a new number", "fran"),
        ("patient.phone", "Patient called with a new number", "fran"),
    ]
    assert "555-0100" not in str([e.canonical() for e in rows])  # values are PHI: never kept


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201], ids=["empty", "blank", "too-long"])
def test_a_change_without_a_reason_is_refused(clinic, reason):
    with pytest.raises(ChartChangeRefused) as refused:
        do_update_patient(_actor(clinic), clinic.patient, reason=reason, phone="555-0100")
    assert refused.value.field == "reason"
    clinic.patient.refresh_from_db()
    assert clinic.patient.phone == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"sms_consent": True, "phone": "555-0100"}, "sms_consent_on", id="no-date"),
        pytest.param({"sms_consent": True, "sms_consent_on": TODAY}, "sms_consent", id="no-phone"),
        pytest.param({"email_consent_on": TODAY}, "email_consent_on", id="date-no-consent"),
    ],
)
def test_communication_consent_needs_its_date_and_a_contact(clinic, changes, field):
    with pytest.raises(ValidationError) as refused:
        do_update_patient(_actor(clinic), clinic.patient, reason="consent form", **changes)
    assert field in refused.value.message_dict


def test_communication_consent_with_its_date_is_kept(clinic):
    # near miss of the table above: consent, the date and a phone number
    do_update_patient(
        _actor(clinic),
        clinic.patient,
        reason="Signed the texting consent",
        phone="555-0100",
        sms_consent=True,
        sms_consent_on=TODAY,
    )
    clinic.patient.refresh_from_db()
    assert clinic.patient.sms_consent_on == TODAY


def test_another_clinics_patient_cannot_be_edited(clinic, other_clinic):
    with pytest.raises(ChartChangeRefused):
        do_update_patient(_actor(clinic), other_clinic.patient, reason="x", phone="555-0100")


# --- coverages --------------------------------------------------------------------------------


def test_secondary_coverage_from_the_directory_copies_the_payer(clinic):
    coverage = _secondary(clinic, copay=Decimal("25.00"), coinsurance_percent=Decimal("20"))
    assert (coverage.payer_name, coverage.payer_id, coverage.kind) == (
        "Blue Shield",
        "BS123",
        "commercial",
    )
    assert coverage.copay == Decimal("25.00")
    created = AuditEvent.objects.get(object_type="coverage", object_id=str(coverage.pk))
    assert created.reason == "Card shown at check-in"


def test_second_primary_in_force_on_the_same_days_is_refused(clinic):
    # given Medicare primary since 2025; when another primary is added for this month
    coverage = Coverage(
        priority="primary",
        payer_record=_payer(clinic),
        member_id="XB1",
        active_from=TODAY - dt.timedelta(days=30),
    )
    with pytest.raises(ChartChangeRefused) as refused:
        do_add_coverage_to_chart(_actor(clinic), clinic.patient, coverage, reason="new card")
    # then the order is named as what to fix, and nothing was written
    assert refused.value.field == "priority"
    assert clinic.patient.coverages.count() == 1


def test_new_primary_after_the_old_one_ended_is_accepted(clinic):
    old = clinic.patient.coverages.get()
    do_end_coverage(_actor(clinic), old, ended_on=TODAY - dt.timedelta(days=1), reason="Plan ended")
    coverage = Coverage(
        priority="primary", payer_record=_payer(clinic), member_id="XB1", active_from=TODAY
    )
    do_add_coverage_to_chart(_actor(clinic), clinic.patient, coverage, reason="new plan")
    assert clinic.patient.coverages.count() == 2


def test_end_date_before_the_start_is_refused(clinic):
    old = clinic.patient.coverages.get()
    with pytest.raises(ChartChangeRefused) as refused:
        do_end_coverage(_actor(clinic), old, ended_on=dt.date(2024, 12, 31), reason="typo")
    assert refused.value.field == "active_through"


def test_coverage_edit_changes_member_id_and_share(clinic):
    coverage = _secondary(clinic)
    changed = do_update_coverage(
        _actor(clinic),
        coverage,
        reason="New card",
        member_id="XB999",
        deductible=Decimal("500.00"),
    )
    assert changed == ["member_id", "deductible"]
    assert [e.object_type for e in _events("coverage.")] == [
        "coverage.member_id",
        "coverage.deductible",
    ]


def test_coverage_cannot_point_at_another_clinics_payer(clinic, other_clinic):
    theirs = do_create_payer(
        Actor(user=other_clinic.therapist.user, organisation=other_clinic.organisation),
        Payer(name="Theirs", claims_payer_id="TH1", kind="commercial"),
    )
    coverage = _secondary(clinic)
    with pytest.raises(ChartChangeRefused) as refused:
        do_update_coverage(_actor(clinic), coverage, reason="x", payer_record=theirs)
    assert refused.value.field == "payer_record"


def test_reorder_swaps_primary_and_secondary(clinic):
    # given Medicare primary and Blue Shield secondary
    medicare = clinic.patient.coverages.get(kind="medicare")
    blue = _secondary(clinic)
    # Medicare pays second only with its secondary payer type: refused, naming that field
    with pytest.raises(ChartChangeRefused) as refused:
        do_reorder_coverages(
            _actor(clinic), clinic.patient, [blue.pk, medicare.pk], reason="Still working"
        )
    assert refused.value.field == "medicare_secondary_type"
    # when the move says why Medicare pays second (working aged), the swap goes through
    do_reorder_coverages(
        _actor(clinic),
        clinic.patient,
        [blue.pk, medicare.pk],
        reason="Still working",
        medicare_secondary_types={medicare.pk: "12"},
    )
    medicare.refresh_from_db()
    blue.refresh_from_db()
    assert (blue.priority, medicare.priority) == ("primary", "secondary")
    assert medicare.medicare_secondary_type == "12"
    assert {e.object_type for e in _events("coverage.")} == {"coverage.priority"}
    # and back: Medicare primary again drops the secondary payer type
    do_reorder_coverages(_actor(clinic), clinic.patient, [medicare.pk, blue.pk], reason="Retired")
    medicare.refresh_from_db()
    assert (medicare.priority, medicare.medicare_secondary_type) == ("primary", "")


@pytest.mark.parametrize("order", ["empty", "dupe", "missing"], ids=["empty", "twice", "missing"])
def test_reorder_must_list_each_current_coverage_once(clinic, order):
    medicare = clinic.patient.coverages.get()
    blue = _secondary(clinic)
    ids = {"empty": [], "dupe": [medicare.pk, medicare.pk], "missing": [medicare.pk]}[order]
    with pytest.raises(ChartChangeRefused) as refused:
        do_reorder_coverages(_actor(clinic), clinic.patient, ids, reason="x")
    assert refused.value.field == "order"
    blue.refresh_from_db()
    assert blue.priority == "secondary"


# --- cases ------------------------------------------------------------------------------------


def test_open_a_new_case_for_a_work_injury(clinic):
    wc = do_add_coverage_to_chart(
        _actor(clinic),
        clinic.patient,
        Coverage(
            priority="secondary",
            payer_record=_payer(clinic, "State Fund WC", "WC01", "workers_comp"),
            member_id="EMP-1",
            active_from=TODAY - dt.timedelta(days=5),
        ),
        reason="Employer's carrier",
    )
    case = do_open_case_on_chart(
        _actor(clinic),
        clinic.patient,
        Case(
            discipline="PT",
            title="Right shoulder strain at work",
            opened_on=TODAY,
            coverage=wc,
            accident_kind="employment",
            accident_date=TODAY - dt.timedelta(days=6),
            accident_state="IL",
            employer_name="Acme Freight",
            insurer_claim_number="WC-2026-88",
            adjuster_name="Dana Ruiz",
            adjuster_phone="555-0142",
        ),
        reason="New injury",
    )
    assert case.is_open
    assert AuditEvent.objects.get(object_type="case", object_id=str(case.pk)).reason == "New injury"


def test_case_cannot_bill_another_patients_coverage(clinic, other_clinic):
    theirs = other_clinic.patient.coverages.get()
    with pytest.raises(ChartChangeRefused) as refused:
        do_update_case(_actor(clinic), clinic.case, reason="x", coverage=theirs)
    assert refused.value.field == "coverage"


def test_discharge_records_date_and_reason(clinic):
    # given the case's last visit was yesterday (the draft note)
    case = do_close_case(
        _actor(clinic, clinic.therapist),
        clinic.case,
        closed_on=TODAY,
        closure=CaseClosure.DISCHARGED,
        reason="Goals met",
    )
    assert (case.closed_on, case.closure, case.closure_reason) == (TODAY, "discharged", "Goals met")
    event = AuditEvent.objects.get(object_type="case.closure")
    assert (event.reason, event.actor_username) == ("Goals met", "theo")


@pytest.mark.parametrize(
    ("days_ago", "field"),
    [
        pytest.param(3, "closed_on", id="before-last-visit"),
        pytest.param(30, "closed_on", id="before-opening"),
    ],
)
def test_discharge_before_a_visit_is_refused(clinic, days_ago, field):
    with pytest.raises((ChartChangeRefused, ValidationError)) as refused:
        do_close_case(
            _actor(clinic),
            clinic.case,
            closed_on=TODAY - dt.timedelta(days=days_ago),
            closure=CaseClosure.DISCHARGED,
            reason="Goals met",
        )
    error = refused.value
    assert field in (error.field if isinstance(error, ChartChangeRefused) else error.message_dict)
    clinic.case.refresh_from_db()
    assert clinic.case.is_open


def test_a_closed_case_is_not_closed_twice(clinic):
    do_close_case(_actor(clinic), clinic.case, closed_on=TODAY, closure="closed", reason="Moved")
    with pytest.raises(ChartChangeRefused):
        do_close_case(
            _actor(clinic), clinic.case, closed_on=TODAY, closure="discharged", reason="again"
        )


def test_moving_the_opening_after_a_visit_is_refused(clinic):
    with pytest.raises(ChartChangeRefused) as refused:
        do_update_case(_actor(clinic), clinic.case, reason="typo", opened_on=TODAY)
    assert refused.value.field == "opened_on"
