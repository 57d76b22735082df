"""Claims (their status) and the patients' payments at the desk: the billing scope (ADR 0901).
Reads only, through the claims app's selector and the ledger's payments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from cleannote.apps.api.auth import BILLING, access_of
from cleannote.apps.api.errors import COMMON_ERRORS
from cleannote.apps.api.reading import list_for_patient, read_one
from cleannote.apps.api.schemas import ClaimOut, Id, Limit, Offset, Page, PaymentOut
from cleannote.apps.claims.models import Claim
from cleannote.apps.claims.selectors import claims_of
from cleannote.apps.ledger.models import PatientPayment

router = Router(tags=["money"])


def claim_out(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "patient_id": claim.patient_id,
        "note_id": claim.note_id,
        "date_of_service": claim.date_of_service,
        "payer_name": claim.payer_name,
        "payer_id": claim.payer_id,
        "status": claim.status,
        "first_sent_on": claim.first_sent_on,
        "payer_claim_number": claim.payer_claim_number,
    }


def payment_out(payment: PatientPayment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "patient_id": payment.patient_id,
        "amount": f"{payment.amount:.2f}",
        "method": payment.method,
        "received_at": payment.received_at,
        "receipt_number": payment.receipt_number,
    }


def _claims(organisation: Any) -> Any:
    return claims_of(organisation).only(*(f for f in ClaimOut.model_fields if f != "id"), "pk")


@router.get("/claims", response={200: Page[ClaimOut], **COMMON_ERRORS}, auth=BILLING)
def list_claims(
    request: HttpRequest,
    patient_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    access = access_of(request)
    return list_for_patient(
        access,
        _claims(access.organisation),
        "claim",
        claim_out,
        limit=limit,
        offset=offset,
        patient_id=patient_id,
    )


@router.get("/claims/{claim_id}", response={200: ClaimOut, **COMMON_ERRORS}, auth=BILLING)
def read_claim(request: HttpRequest, claim_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    return read_one(access, _claims(access.organisation), claim_id, "claim", claim_out)


def _payments(organisation: Any) -> Any:
    return PatientPayment.objects.filter(organisation=organisation)


@router.get("/payments", response={200: Page[PaymentOut], **COMMON_ERRORS}, auth=BILLING)
def list_payments(
    request: HttpRequest,
    patient_id: Id | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Status[dict[str, Any]]:
    access = access_of(request)
    return list_for_patient(
        access,
        _payments(access.organisation),
        "payment",
        payment_out,
        limit=limit,
        offset=offset,
        patient_id=patient_id,
    )


@router.get("/payments/{payment_id}", response={200: PaymentOut, **COMMON_ERRORS}, auth=BILLING)
def read_payment(request: HttpRequest, payment_id: Id) -> Status[dict[str, Any]]:
    access = access_of(request)
    return read_one(access, _payments(access.organisation), payment_id, "payment", payment_out)
