"""The patient's own bills in the portal (ADR 0951): the statements the ledger made for the
patient viewed, each visit's charges, what insurance paid and what the patient owes, read
from what the statement printed (its `content`, kept for reprints and the portal), the
balance now, and the payments with their receipts. A payment goes through the configured
adapter, then the ledger's payment action, as the portal account."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.ledger.actions import do_record_online_payment
from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.models import PatientPayment
from cleannote.apps.ledger.payment_checks import checked_amount
from cleannote.apps.ledger.statement_models import Statement
from cleannote.apps.ledger.statement_selectors import balance_on
from cleannote.apps.patients.models import Patient
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.payments import PaymentDeclined, payment_adapter

ZERO = Decimal("0.00")
PATIENT_PARTS = ("deductible", "coinsurance", "copay", "other")


@dataclass(frozen=True, slots=True)
class Line:
    date: str
    service: str
    charge: Decimal
    insurance_paid: Decimal
    you_owe: Decimal


@dataclass(frozen=True, slots=True)
class Visit:
    date: str
    payer: str
    lines: list[Line]
    your_share: Decimal

    @property
    def charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), ZERO)

    @property
    def insurance_paid(self) -> Decimal:
        return sum((line.insurance_paid for line in self.lines), ZERO)


def _money(value: object) -> Decimal:
    return Decimal(str(value or "0")).quantize(Decimal("0.01"))


def _line(row: dict[str, Any]) -> Line:
    description = str(row.get("description", ""))
    return Line(
        date=str(row.get("date", "")),
        service=f"{description} ({row.get('code', '')})" if description else str(row["code"]),
        charge=_money(row.get("charge")),
        insurance_paid=_money(row.get("insurance_paid")),
        you_owe=sum((_money(row.get(part)) for part in PATIENT_PARTS), ZERO),
    )


def visits_of(statement: Statement) -> list[Visit]:
    """The statement's visits as it printed them."""
    return [
        Visit(
            date=str(visit.get("date", "")),
            payer=str(visit.get("payer", "")),
            lines=[_line(row) for row in visit.get("lines", [])],
            your_share=_money(visit.get("your_share")),
        )
        for visit in statement.content.get("visits", [])
    ]


def statements_of(patient: Patient) -> list[Statement]:
    return list(Statement.objects.filter(organisation_id=patient.organisation_id, patient=patient))


def statement_for(patient: Patient, statement_id: int) -> Statement | None:
    """The statement, only when it is this patient's (with its clinic, for the PDF)."""
    return (
        Statement.objects.filter(
            organisation_id=patient.organisation_id, patient=patient, pk=statement_id
        )
        .select_related("organisation")
        .first()
    )


def payments_of(patient: Patient) -> list[PatientPayment]:
    return list(
        PatientPayment.objects.filter(organisation_id=patient.organisation_id, patient=patient)
    )


def payment_for(patient: Patient, payment_id: int) -> PatientPayment | None:
    """The payment, only when it is this patient's (for its receipt)."""
    return (
        PatientPayment.objects.filter(
            organisation_id=patient.organisation_id, patient=patient, pk=payment_id
        )
        .select_related("organisation", "patient", "appointment__staff__user", "received_by")
        .first()
    )


def balance_of(patient: Patient) -> Decimal:
    return balance_on(patient, timezone.localdate())


def pay(portal_actor: Actor, patient: Patient, amount: str, reference: str) -> PatientPayment:
    """The patient's payment: the amount checked, the adapter's reference, then the ledger's
    payment action as the portal account. Refused with `PortalRefused` naming the field."""
    try:
        value = checked_amount(amount)
        taken = payment_adapter().take(value, reference)
        return do_record_online_payment(portal_actor, patient, amount=value, reference=taken)
    except LedgerRefused as refused:
        raise PortalRefused(refused.field, refused.message) from None
    except PaymentDeclined as declined:
        raise PortalRefused("payment", str(declined)) from None
