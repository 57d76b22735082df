"""The only writer of desk payments and check-ins; each action one transaction with its audit
rows (ADR 0650)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.models import CheckIn, PatientPayment, PaymentMethod
from cleannote.apps.ledger.payment_checks import PaymentInput, checked_payment
from cleannote.apps.ledger.statement_actions import do_stop_dunning_if_paid
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.remittance.models import LedgerKind, PatientLedgerEntry
from cleannote.apps.scheduling.actions import do_mark_arrived
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus


def _person(actor: Actor, *may: Capability) -> User:
    """The staff member acting, who must hold one of `may` in the organisation acted on."""
    staff = (
        Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
        if actor.user is not None
        else None
    )
    if staff is None or actor.user is None:
        raise LedgerRefused("actor", "a staff member of this organisation takes payments")
    if not any(has_capability(staff.role, capability) for capability in may):
        raise LedgerRefused("actor", f"the {staff.get_role_display().lower()} role does not")
    return actor.user


def _next_receipt_number(organisation: Organisation, year: int) -> str:
    """ "2026-00042": the organisation's 42nd receipt of the year. The organisation row is
    locked first, so two desks never hand out one number (the unique constraint backs it)."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    prefix = f"{year}-"
    count = PatientPayment.objects.filter(
        organisation=organisation, receipt_number__startswith=prefix
    ).count()
    return f"{prefix}{count + 1:05d}"


@transaction.atomic
def do_record_patient_payment(
    actor: Actor,
    patient: Patient,
    *,
    amount: Decimal | str | None,
    method: str,
    reference: str = "",
    appointment: Appointment | None = None,
    at: dt.datetime | None = None,
) -> PatientPayment:
    """Money the patient handed over: the payment with its receipt number, and the ledger line
    that lowers the balance. Refused (`LedgerRefused`, naming the field) before anything is
    written."""
    user = _person(actor, Capability.CHECK_IN, Capability.POST_PAYMENTS)
    if appointment is not None and appointment.patient_id != patient.pk:
        raise LedgerRefused("appointment", "is another patient's")
    what = "Copay at check-in" if appointment is not None else "Payment at the desk"
    payment = checked_payment(amount, method, reference)
    return _post_payment(actor, patient, payment, user, what, appointment=appointment, at=at)


@transaction.atomic
def do_record_online_payment(
    actor: Actor,
    patient: Patient,
    *,
    amount: Decimal | str | None,
    reference: str,
    at: dt.datetime | None = None,
) -> PatientPayment:
    """A card payment the patient made online, recorded by the processor's reference: the
    same payment row, receipt number and ledger line as a desk payment, with nobody as the
    receiver (ADR 0951). The caller (the patient portal) has checked the patient is the
    signed-in account's to pay for; the actor is that account."""
    if actor.user is not None:
        raise LedgerRefused("actor", "staff record a card payment at the desk")
    payment = checked_payment(amount, PaymentMethod.CARD, reference)
    return _post_payment(actor, patient, payment, None, "Online payment", appointment=None, at=at)


def _post_payment(
    actor: Actor,
    patient: Patient,
    payment: PaymentInput,
    user: User | None,
    what: str,
    *,
    appointment: Appointment | None,
    at: dt.datetime | None,
) -> PatientPayment:
    if patient.organisation_id != actor.organisation.pk:
        raise LedgerRefused("patient", "belongs to another organisation")
    received_at = at or timezone.now()
    receipt = _next_receipt_number(actor.organisation, timezone.localtime(received_at).year)
    entry = PatientLedgerEntry.objects.create(
        organisation=actor.organisation,
        patient=patient,
        kind=LedgerKind.PAYMENT,
        amount=-payment.amount,
        reason=f"{what} ({payment.method.label.split(' ')[0].lower()}), receipt {receipt}",
        posted_at=received_at,
    )
    row = PatientPayment.objects.create(
        organisation=actor.organisation,
        patient=patient,
        appointment=appointment,
        amount=payment.amount,
        method=payment.method,
        reference=payment.reference,
        received_at=received_at,
        received_by=user,
        receipt_number=receipt,
        ledger_entry=entry,
    )
    do_record_audit_event(
        actor, AuditAction.CREATE, "patient_payment", row.pk, patient_id=patient.pk, at=at
    )
    # Paying the balance stops the statements' dunning sequence (ADR 0760).
    do_stop_dunning_if_paid(actor, patient, day=timezone.localtime(received_at).date())
    return row


@transaction.atomic
def do_check_in(
    actor: Actor,
    appointment: Appointment,
    *,
    demographics_confirmed: bool,
    coverage: Coverage | None,
    coverage_confirmed: bool,
    intake_complete: bool,
    amount: Decimal | str | None = None,
    method: str = "",
    reference: str = "",
    at: dt.datetime | None = None,
) -> CheckIn:
    """The patient is at the desk: what was confirmed, the copay taken if any, and the
    appointment marked arrived, all or nothing. `coverage` is the one that bills the visit
    (None for self-pay); it must be confirmed when there is one."""
    user = _person(actor, Capability.CHECK_IN)
    if appointment.organisation_id != actor.organisation.pk:
        raise LedgerRefused("appointment", "belongs to another organisation")
    if appointment.status != AppointmentStatus.BOOKED:
        raise LedgerRefused(
            "appointment",
            f"is {appointment.get_status_display().lower()}: only a booked appointment is "
            "checked in",
        )
    if not demographics_confirmed:
        raise LedgerRefused(
            "demographics_confirmed", "confirm name, birth date, address and phone first"
        )
    if coverage is not None and coverage.patient_id != appointment.patient_id:
        raise LedgerRefused("coverage", "is another patient's")
    if coverage is not None and not coverage_confirmed:
        raise LedgerRefused("coverage_confirmed", "confirm the card and the member id first")
    taking = amount not in (None, "") or bool(method) or bool(reference)
    if taking and not method:
        raise LedgerRefused("method", "choose how the patient paid (cash, check or card)")
    if taking:
        checked_payment(amount, method, reference)  # refused before anything is written
    # First, under the appointment's row lock: a second desk's check-in stops here.
    try:
        do_mark_arrived(actor, appointment, at=at)
    except SchedulingError as error:
        raise LedgerRefused("appointment", error.problem) from error
    check_in = CheckIn.objects.create(
        organisation=actor.organisation,
        appointment=appointment,
        coverage=coverage,
        demographics_confirmed=demographics_confirmed,
        coverage_confirmed=coverage_confirmed and coverage is not None,
        intake_complete=intake_complete,
        checked_in_at=at or timezone.now(),
        checked_in_by=user,
    )
    if taking:
        do_record_patient_payment(
            actor,
            appointment.patient,
            amount=amount,
            method=method,
            reference=reference,
            appointment=appointment,
            at=at,
        )
    do_record_audit_event(
        actor,
        AuditAction.CREATE,
        "check_in",
        check_in.pk,
        patient_id=appointment.patient_id,
        at=at,
    )
    return check_in
