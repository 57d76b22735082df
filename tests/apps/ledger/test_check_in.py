"""Checking a patient in at the desk: confirmations, the copay taken and put on the ledger, the
appointment marked arrived, all or nothing, with audit rows (ADR 0650)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.ledger.actions import do_check_in, do_record_patient_payment
from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.models import CheckIn, PatientPayment
from cleannote.apps.ledger.selectors import billing_coverage, desk_view, ledger_of
from cleannote.apps.remittance.models import LedgerKind, PatientLedgerEntry
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import AppointmentStatus

pytestmark = pytest.mark.django_db


def _desk(clinic) -> Actor:
    return Actor(user=clinic.front_desk.user, organisation=clinic.organisation)


@pytest.fixture
def appointment(clinic):
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    return do_book_appointment(
        _desk(clinic),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


@pytest.fixture
def coverage(clinic):
    coverage = clinic.patient.coverages.get()
    coverage.copay = Decimal("25.00")
    coverage.save(update_fields=["copay"])
    return coverage


def _check_in(clinic, appointment, coverage, **payment):
    return do_check_in(
        _desk(clinic),
        appointment,
        demographics_confirmed=True,
        coverage=coverage,
        coverage_confirmed=True,
        intake_complete=True,
        **payment,
    )


def test_check_in_takes_the_copay_onto_the_ledger_and_marks_the_visit_arrived(
    clinic, appointment, coverage
):
    # given a booked visit whose coverage asks a $25.00 copay
    assert desk_view(appointment).copay.remaining == Decimal("25.00")
    # when the desk checks the patient in and takes it by card
    check_in = _check_in(
        clinic, appointment, coverage, amount="25.00", method="card", reference="4242"
    )
    # then the appointment is arrived, the payment has a receipt and the ledger shows -25.00
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    payment = PatientPayment.objects.get()
    assert (payment.amount, payment.method, payment.reference) == (Decimal("25.00"), "card", "4242")
    assert payment.reference_shown == "card ending 4242"
    assert payment.receipt_number == f"{timezone.localdate().year}-00001"
    assert payment.appointment == appointment
    entry = payment.ledger_entry
    assert (entry.kind, entry.amount) == (LedgerKind.PAYMENT, Decimal("-25.00"))
    assert [line.balance for line in ledger_of(clinic.patient)] == [Decimal("-25.00")]
    assert check_in.coverage == coverage
    assert check_in.intake_complete
    assert desk_view(appointment).copay.remaining == Decimal("0.00")
    events = AuditEvent.objects.filter(patient_id=clinic.patient.pk).values_list(
        "object_type", "action"
    )
    assert {
        ("patient_payment", "create"),
        ("check_in", "create"),
        ("appointment", "update"),
    } <= set(events)


def test_receipt_numbers_follow_each_other_in_the_organisation(clinic, coverage):
    actor = _desk(clinic)
    numbers = [
        do_record_patient_payment(actor, clinic.patient, amount="10", method="cash").receipt_number
        for _ in range(3)
    ]
    year = timezone.localdate().year
    assert numbers == [f"{year}-00001", f"{year}-00002", f"{year}-00003"]
    assert [line.balance for line in ledger_of(clinic.patient)] == [
        Decimal("-10.00"),
        Decimal("-20.00"),
        Decimal("-30.00"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param(
            {"demographics_confirmed": False}, "demographics_confirmed", id="demographics"
        ),
        pytest.param({"coverage_confirmed": False}, "coverage_confirmed", id="coverage"),
        pytest.param({"amount": "25.00"}, "method", id="amount-without-method"),
        pytest.param(
            {"amount": "25.00", "method": "card", "reference": "4242424242424242"},
            "reference",
            id="card-number",
        ),
        pytest.param({"amount": "0", "method": "cash"}, "amount", id="zero"),
        pytest.param({"amount": "25.001", "method": "cash"}, "amount", id="fraction-of-a-cent"),
    ],
)
def test_a_refused_check_in_writes_nothing(clinic, appointment, coverage, change, field):
    arguments = {
        "demographics_confirmed": True,
        "coverage": coverage,
        "coverage_confirmed": True,
        "intake_complete": False,
        **change,
    }
    with pytest.raises(LedgerRefused) as refused:
        do_check_in(_desk(clinic), appointment, **arguments)
    assert refused.value.field == field
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not CheckIn.objects.exists()
    assert not PatientPayment.objects.exists()
    assert not PatientLedgerEntry.objects.exists()


def test_an_appointment_is_checked_in_once(clinic, appointment, coverage):
    _check_in(clinic, appointment, coverage)
    appointment.refresh_from_db()
    with pytest.raises(LedgerRefused) as refused:
        _check_in(clinic, appointment, coverage, amount="5", method="cash")
    assert "only a booked appointment" in refused.value.message
    assert CheckIn.objects.count() == 1
    assert not PatientPayment.objects.exists()


def test_another_organisations_appointment_is_refused(clinic, other_clinic, appointment, coverage):
    stranger = Actor(user=other_clinic.therapist.user, organisation=other_clinic.organisation)
    with pytest.raises(LedgerRefused):
        do_check_in(
            stranger,
            appointment,
            demographics_confirmed=True,
            coverage=None,
            coverage_confirmed=False,
            intake_complete=False,
        )


@pytest.mark.parametrize(
    ("on_file", "collected", "due", "source"),
    [
        pytest.param(None, None, None, "not known", id="nothing-known"),
        pytest.param("25.00", None, "25.00", "recorded on the coverage", id="coverage-on-file"),
        pytest.param("25.00", "10.00", "15.00", "recorded on the coverage", id="part-collected"),
        pytest.param("25.00", "30.00", "0.00", "recorded on the coverage", id="over-collected"),
    ],
)
def test_copay_still_due_at_the_desk(clinic, appointment, on_file, collected, due, source):
    # the figure and its source are scheduling.copay.copay_due's (ADR 0632); the desk takes
    # off what was collected for this visit already
    coverage = clinic.patient.coverages.get()
    coverage.copay = Decimal(on_file) if on_file else None
    coverage.save(update_fields=["copay"])
    if collected:
        do_record_patient_payment(
            _desk(clinic), clinic.patient, amount=collected, method="cash", appointment=appointment
        )
    copay = desk_view(appointment).copay
    if due is None:
        assert copay.copay is None
        assert copay.remaining == Decimal("0.00")
    else:
        assert copay.remaining == Decimal(due)
    assert copay.source.startswith(source)


def test_self_pay_has_no_billing_coverage(clinic, appointment):
    coverage = clinic.patient.coverages.get()
    coverage.active_through = timezone.localdate() - dt.timedelta(days=1)
    coverage.active_from = coverage.active_through - dt.timedelta(days=30)
    coverage.save(update_fields=["active_from", "active_through"])
    assert billing_coverage(clinic.patient, timezone.localdate()) is None
    check_in = do_check_in(
        _desk(clinic),
        appointment,
        demographics_confirmed=True,
        coverage=None,
        coverage_confirmed=False,
        intake_complete=False,
    )
    assert check_in.coverage is None
    assert not check_in.coverage_confirmed


@pytest.mark.parametrize("persona", ["therapist", "assistant"])
def test_clinicians_take_no_payments(clinic, appointment, coverage, persona):
    actor = Actor(user=getattr(clinic, persona).user, organisation=clinic.organisation)
    with pytest.raises(LedgerRefused) as refused:
        do_record_patient_payment(actor, clinic.patient, amount="5", method="cash")
    assert refused.value.field == "actor"
    with pytest.raises(LedgerRefused):
        do_check_in(
            actor,
            appointment,
            demographics_confirmed=True,
            coverage=coverage,
            coverage_confirmed=True,
            intake_complete=False,
        )
    assert not PatientPayment.objects.exists()
