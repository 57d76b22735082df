"""The biller's moves on a patient's ledger page, as forms: refund to the patient, refund or
recoupment to a payer, transfer between insurance and patient, write-off (ADR 0750). Each
form posts to `views.move_balance`, which runs the remittance app's `do_*` action through
`run_move`; a refusal comes back on the form, next to the field it names."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.forms import Form

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.models import Claim
from cleannote.apps.ledger.account import Account
from cleannote.apps.ledger.forms import PayerRefundForm, RefundForm, TransferForm, WriteOffForm
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance import balance_actions as ba
from cleannote.apps.remittance.errors import RemittanceError

FORMS: dict[str, type[Form]] = {
    "refund": RefundForm,
    "payer_refund": PayerRefundForm,
    "transfer": TransferForm,
    "write_off": WriteOffForm,
}


def _approvers(patient: Patient) -> list[tuple[str, str]]:
    staff = Staff.objects.filter(
        organisation_id=patient.organisation_id, user__is_active=True
    ).select_related("user")
    return [
        (str(s.user_id), s.display_name)
        for s in staff
        if has_capability(s.role, Capability.POST_PAYMENTS)
    ]


def move_forms(
    patient: Patient, account: Account, bound: dict[str, Form] | None
) -> dict[str, Form]:
    """The four forms, the one just posted kept with its errors; claim choices are the
    patient's charge claims, newest first, with both balances."""
    claims = [
        (str(row.claim.pk), f"{row.claim.patient_control_number or row.claim.pk} · "
         f"{row.claim.date_of_service:%Y-%m-%d} · ins {row.insurance} / pt {row.patient}")
        for row in reversed(account.claims)
    ]  # fmt: skip
    forms = {}
    for kind, form_class in FORMS.items():
        form = (bound or {}).get(kind) or form_class(prefix=kind)
        if "claim" in form.fields:
            blank = [] if form.fields["claim"].required else [("", "— none (whole balance) —")]
            form.fields["claim"].choices = [*blank, *claims]  # type: ignore[attr-defined]
        if "approved_by" in form.fields:
            form.fields["approved_by"].choices = [("", "—"), *_approvers(patient)]  # type: ignore[attr-defined]
        forms[kind] = form
    return forms


def _claim(patient: Patient, value: str | None) -> Claim | None:
    if not value:
        return None
    claim = Claim.objects.filter(
        organisation_id=patient.organisation_id, patient=patient, pk=value
    ).first()
    if claim is None:
        raise RemittanceError("claim", "is not one of this patient's claims")
    return claim


def run_move(kind: str, actor: Actor, patient: Patient, data: dict[str, Any]) -> str:
    """Run the move; what the flash says."""
    amount = data["amount"]
    if kind == "refund":
        ba.do_refund_patient(
            actor, patient, amount=amount, method=data["method"],
            reference=data["reference"], note=data["note"],
        )  # fmt: skip
        return f"Refunded ${amount:,.2f} to the patient."
    claim = _claim(patient, data.get("claim"))
    if kind == "payer_refund":
        assert claim is not None
        ba.do_refund_payer(
            actor, claim, amount=amount, method=data["method"], reference=data["reference"],
            note=data["note"],
        )  # fmt: skip
        return f"Recorded ${amount:,.2f} back to {claim.payer_name}."
    if kind == "transfer":
        assert claim is not None
        ba.do_transfer_balance(actor, claim, amount=amount, to=data["to"], note=data["note"])
        return f"Moved ${amount:,.2f} to the {data['to']} balance."
    approver = User.objects.filter(pk=data["approved_by"] or 0).first()
    ba.do_write_off_balance(
        actor, patient, side=data["side"], amount=amount, reason=data["reason"],
        approved_by=approver, note=data["note"], claim=claim,
    )  # fmt: skip
    return f"Wrote off ${amount:,.2f} of the {data['side']} balance."
