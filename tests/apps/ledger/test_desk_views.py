"""The desk's screens: who may open them, what a check-in posts, the receipt (page and PDF),
the ledger, and refusals drawn on the form (ADR 0650)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.ledger.models import PatientPayment
from cleannote.apps.scheduling.actions import do_book_appointment
from cleannote.apps.scheduling.models import AppointmentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(clinic):
    coverage = clinic.patient.coverages.get()
    coverage.copay = Decimal("30.00")
    coverage.save(update_fields=["copay"])
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    return do_book_appointment(
        Actor(user=clinic.front_desk.user, organisation=clinic.organisation),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param("front_desk", 200, id="front-desk"),
        pytest.param("owner", 200, id="owner"),
        pytest.param("biller", 403, id="biller"),
        pytest.param("therapist", 403, id="therapist"),
        pytest.param("assistant", 403, id="assistant"),
    ],
)
def test_who_checks_patients_in(clinic, login, appointment, persona, status):
    response = login(getattr(clinic, persona)).get(f"/ledger/check-in/{appointment.pk}/")
    assert response.status_code == status


def test_check_in_screen_shows_coverage_copay_and_links_to_the_chart(clinic, login, appointment):
    response = login(clinic.front_desk).get(f"/ledger/check-in/{appointment.pk}/")
    page = response.content.decode()
    assert "Medicare" in page
    assert "1EG4TE5MK73" in page
    assert "$30.00" in page
    assert "recorded on the coverage" in page
    assert f"/patients/{clinic.patient.pk}/details/" in page
    assert "never checked" in page
    assert "Every form answered and every consent signed." in page
    assert AuditEvent.objects.filter(
        object_type="appointment", action="view", patient_id=clinic.patient.pk
    ).exists()


def test_another_clinics_appointment_answers_404(other_clinic, login, appointment):
    staff = other_clinic.therapist
    staff.role = "front_desk"
    staff.save(update_fields=["role"])
    assert login(staff).get(f"/ledger/check-in/{appointment.pk}/").status_code == 404


def test_check_in_with_cash_then_the_receipt_and_the_ledger(clinic, login, appointment):
    client = login(clinic.front_desk)
    url = f"/ledger/check-in/{appointment.pk}/"
    response = client.post(
        url,
        {
            "demographics_confirmed": "on",
            "coverage_confirmed": "on",
            "intake_complete": "on",
            "amount": "30.00",
            "method": "cash",
            "reference": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Arrived" in page
    assert "Receipt" in page
    assert "$30.00" in page
    payment = PatientPayment.objects.get()
    receipt = client.get(f"/ledger/receipts/{payment.pk}/").content.decode()
    assert payment.receipt_number in receipt
    assert "$30.00" in receipt
    assert "Cash" in receipt
    pdf = client.get(f"/ledger/receipts/{payment.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    ledger = client.get(f"/ledger/patients/{clinic.patient.pk}/").content.decode()
    assert "-$30.00" in ledger
    assert payment.receipt_number in ledger
    # the biller reads the ledger and receipts too
    assert login(clinic.biller).get(f"/ledger/receipts/{payment.pk}/").status_code == 200


def test_a_card_number_is_refused_on_the_form_and_never_echoed(clinic, login, appointment):
    response = login(clinic.front_desk).post(
        f"/ledger/check-in/{appointment.pk}/",
        {
            "demographics_confirmed": "on",
            "coverage_confirmed": "on",
            "amount": "30.00",
            "method": "card",
            "reference": "4111 1111 1111 1111",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "looks like a card number" in page
    assert "4111 1111 1111 1111" not in page
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not PatientPayment.objects.exists()


def test_unconfirmed_demographics_are_refused_next_to_the_box(clinic, login, appointment):
    response = login(clinic.front_desk).post(
        f"/ledger/check-in/{appointment.pk}/", {"coverage_confirmed": "on"}
    )
    assert response.status_code == 400
    assert "confirm name, birth date, address and phone first" in response.content.decode()


def test_a_payment_at_the_desk_without_a_visit(clinic, login):
    client = login(clinic.front_desk)
    response = client.post(
        f"/ledger/patients/{clinic.patient.pk}/pay/",
        {"amount": "12.50", "method": "check", "reference": "2231"},
    )
    payment = PatientPayment.objects.get()
    assert response["Location"] == f"/ledger/receipts/{payment.pk}/"
    assert payment.reference_shown == "check no. 2231"
    assert payment.appointment is None
    bad = client.post(
        f"/ledger/patients/{clinic.patient.pk}/pay/",
        {"amount": "12.50", "method": "check", "reference": ""},
    )
    assert bad.status_code == 400
    assert "check&#x27;s number" in bad.content.decode()
