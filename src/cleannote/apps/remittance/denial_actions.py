"""The only writer of denials and their history (ADR 0730).

A denied claim becomes a `Denial` on its first action. Each step is allowed from the states
`ALLOWED` lists and moves the denial to `NEXT`; each writes one `DenialAction` row and one
audit event in the same transaction, so a refused step leaves nothing written. Appealing
moves the claim to appealed, correcting sends a corrected claim (frequency 7) through the
claims app's correction path, writing off closes the claim with the reason; resolving closes
the piece of work only (the payer's next 835 decides the claim's status).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.actions import do_change_claim_status, do_create_corrected_claim
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.claims.status import ADJUDICATED
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.balance_actions import INSURANCE, write_off
from cleannote.apps.remittance.balances import insurance_balance
from cleannote.apps.remittance.denial_models import (
    Denial,
    DenialAction,
    DenialState,
    DenialStep,
    WriteOffReason,
)
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.models import BalanceWriteOffReason

S = DenialState
WORKING = frozenset({S.OPEN, S.APPEALED, S.RESUBMITTED})

# From which states each step may be taken; a written-off or resolved denial is done.
ALLOWED: dict[DenialStep, frozenset[DenialState]] = {
    DenialStep.ASSIGN: WORKING,
    DenialStep.APPEAL: frozenset({S.OPEN}),
    DenialStep.RESUBMIT: frozenset({S.OPEN, S.APPEALED}),
    DenialStep.WRITE_OFF: WORKING,
    DenialStep.RESOLVE: WORKING,
}
# The state a step leaves the denial in (None: unchanged).
NEXT: dict[DenialStep, DenialState | None] = {
    DenialStep.ASSIGN: None,
    DenialStep.APPEAL: S.APPEALED,
    DenialStep.RESUBMIT: S.RESUBMITTED,
    DenialStep.WRITE_OFF: S.WRITTEN_OFF,
    DenialStep.RESOLVE: S.RESOLVED,
}


def can_take(state: str, step: DenialStep) -> bool:
    return DenialState(state) in ALLOWED[step]


def _subject(claim: Claim) -> str:
    return f"denial of claim {claim.pk}"


def require_biller(actor: Actor, claim: Claim) -> None:
    staff = getattr(actor.user, "staff", None) if actor.user else None
    if (
        staff is None
        or staff.organisation_id != claim.organisation_id
        or not has_capability(staff.role, Capability.POST_PAYMENTS)
    ):
        raise RemittanceError(_subject(claim), "only a biller or owner of the clinic may work it")


def _open(actor: Actor, claim: Claim) -> Denial:
    """The claim's denial, locked, made on the first action."""
    require_biller(actor, claim)
    if claim.status not in ADJUDICATED and claim.status != ClaimStatus.CLOSED:
        raise RemittanceError(_subject(claim), f"the claim is {claim.status}; nothing was denied")
    denial, _ = Denial.objects.get_or_create(
        claim=claim,
        defaults={"organisation_id": claim.organisation_id, "opened_at": timezone.now()},
    )
    return Denial.objects.select_for_update().get(pk=denial.pk)


def _refuse_unless(denial: Denial, step: DenialStep) -> None:
    if not can_take(denial.state, step):
        raise RemittanceError(
            _subject(denial.claim),
            f"is {DenialState(denial.state).label.lower()}; it cannot be "
            f"{DenialStep(step).label.lower()}",
        )


def _step(actor: Actor, denial: Denial, step: DenialStep, note: str, fields: list[str]) -> Denial:
    _refuse_unless(denial, step)
    before = denial.state
    after = NEXT[step] or DenialState(before)
    denial.state = after
    denial.save(update_fields=["state", *fields])
    DenialAction.objects.create(
        denial=denial,
        step=step,
        from_state=before,
        to_state=after,
        note=note[:300],
        at=timezone.now(),
        by=actor.user,
        by_username=actor.username[:150],
    )
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "denial",
        denial.pk,
        patient_id=denial.claim.patient_id,
        reason=f"{step}: {note}"[:200] if note else str(step),
    )
    return denial


@transaction.atomic
def do_assign_denial(actor: Actor, claim: Claim, staff: Staff, *, note: str = "") -> Denial:
    denial = _open(actor, claim)
    if staff.organisation_id != claim.organisation_id or not staff.user.is_active:
        raise RemittanceError(_subject(claim), "assign it to an active staff member of the clinic")
    denial.assigned_to = staff
    return _step(
        actor, denial, DenialStep.ASSIGN, note or f"to {staff.display_name}", ["assigned_to"]
    )


@transaction.atomic
def do_appeal_denial(actor: Actor, claim: Claim, *, note: str = "") -> Denial:
    denial = _open(actor, claim)
    _refuse_unless(denial, DenialStep.APPEAL)
    if claim.status != ClaimStatus.APPEALED:
        _claim_status(actor, claim, ClaimStatus.APPEALED, "appeal sent")
    return _step(actor, denial, DenialStep.APPEAL, note, [])


@transaction.atomic
def do_resubmit_denial(actor: Actor, claim: Claim, *, note: str = "") -> Denial:
    """Send a corrected claim (frequency 7) through the claims app; a refusal of the scrubber
    (`ClaimRefusedError`) leaves the denial as it was."""
    denial = _open(actor, claim)
    _refuse_unless(denial, DenialStep.RESUBMIT)
    denial.corrected_claim = do_create_corrected_claim(actor, claim, reason=note or "denial")
    return _step(
        actor, denial, DenialStep.RESUBMIT, note or f"claim {denial.corrected_claim.pk}",
        ["corrected_claim"],
    )  # fmt: skip


@transaction.atomic
def do_write_off_denial(
    actor: Actor, claim: Claim, reason: WriteOffReason | str, *, note: str = ""
) -> Denial:
    if reason not in WriteOffReason.values:
        raise RemittanceError(_subject(claim), "choose the reason for the write-off")
    if reason == WriteOffReason.OTHER and not note.strip():
        raise RemittanceError(_subject(claim), "say why in the note when the reason is Other")
    denial = _open(actor, claim)
    _refuse_unless(denial, DenialStep.WRITE_OFF)
    if claim.status != ClaimStatus.CLOSED:
        _claim_status(actor, claim, ClaimStatus.CLOSED, f"written off: {reason}")
    _write_off_balance(actor, claim, WriteOffReason(reason).label, note)
    denial.write_off_reason = reason
    return _step(
        actor, denial, DenialStep.WRITE_OFF, note or WriteOffReason(reason).label,
        ["write_off_reason"],
    )  # fmt: skip


@transaction.atomic
def do_resolve_denial(actor: Actor, claim: Claim, *, note: str = "") -> Denial:
    return _step(actor, _open(actor, claim), DenialStep.RESOLVE, note, [])


def _write_off_balance(actor: Actor, claim: Claim, reason: str, note: str) -> None:
    """What the payer was still asked for leaves the insurance balance, as a write-off on the
    patient's ledger (ADR 0750); a claim already settled writes nothing."""
    Patient.objects.select_for_update().filter(pk=claim.patient_id).first()
    claim = Claim.objects.get(pk=claim.pk)  # as stored now, after the status change
    held = insurance_balance(claim)
    if held > 0 and actor.user is not None:
        write_off(
            actor,
            patient=claim.patient,
            claim=claim,
            side=INSURANCE,
            amount=held,
            reason=BalanceWriteOffReason.DENIAL,
            approved_by=actor.user,
            note=f"{reason}{': ' + note if note else ''}",
        )


def _claim_status(actor: Actor, claim: Claim, status: ClaimStatus, reason: str) -> None:
    try:
        do_change_claim_status(actor, claim, status, reason=reason)
    except ClaimError as exc:
        raise RemittanceError(_subject(claim), exc.problem) from exc
