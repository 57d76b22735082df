"""A stored claim as the 837P writer's `ClaimToSend`.

The visit comes back from the claim's snapshot, so a batch built today bills exactly what was
scrubbed and priced when the claim was made. A secondary claim reports what its primary claim's
payer did (loop 2320/2430) from the adjudication recorded on the primary claim; a tertiary
claim reports both earlier payers, walking `primary_claim` back to the first (ADR 0740).
"""

from __future__ import annotations

from decimal import Decimal

from msgspec.structs import replace

from cleannote.apps.claims.models import Claim, ClaimAdjustment, Frequency
from cleannote.apps.patients.benefit_limits import exhaustion_letters
from cleannote.edi.x12_837p import (
    Adjustment,
    Attachment,
    ClaimToSend,
    PriorLinePayment,
    PriorPayment,
)
from cleannote.rules.visit import Visit


def claim_visit(claim: Claim) -> Visit:
    """The billed visit with this claim's CLM01. The payer keeps the snapshot's property-and-
    casualty claim number (REF*Y4, box 11b) on every claim, corrections included; the payer's
    control number of a replaced claim travels separately (`ClaimToSend.original_reference`)."""
    return replace(claim.snapshot(), id=claim.patient_control_number or str(claim.pk))


def original_reference(claim: Claim) -> str | None:
    """REF*F8 / box 22: the payer's claim control number of the claim a 7 or 8 replaces."""
    if claim.frequency == Frequency.ORIGINAL:
        return None
    return claim.payer_claim_number or None


def _adjustments(rows: list[ClaimAdjustment]) -> tuple[Adjustment, ...]:
    return tuple(Adjustment(group=a.group, reason=a.reason, amount=a.amount) for a in rows)


def prior_payment(primary: Claim) -> PriorPayment:
    """What the primary payer did, from the adjudication recorded on the primary claim."""
    visit = primary.snapshot()
    lines = list(primary.lines.all())
    adjustments = list(primary.adjustments.all())
    per_line: tuple[PriorLinePayment, ...] = ()
    if lines and all(line.paid_amount is not None for line in lines):
        per_line = tuple(
            PriorLinePayment(
                line=index,
                paid=line.paid_amount or Decimal("0"),
                adjustments=_adjustments([a for a in adjustments if a.line_id == line.pk]),
            )
            for index, line in enumerate(lines)
        )
    if primary.adjudicated_on is None or primary.paid_amount is None:
        raise ValueError(f"claim {primary.pk}: has no recorded adjudication")
    patient_share = sum((a.amount for a in adjustments if a.group == "PR"), Decimal("0"))
    return PriorPayment(
        payer=visit.payer,
        subscriber=visit.subscriber,
        paid=primary.paid_amount,
        adjudicated=primary.adjudicated_on,
        responsibility=primary.payer_sequence,
        claim_adjustments=_adjustments([a for a in adjustments if a.line_id is None]),
        lines=per_line,
        remaining_patient_liability=patient_share,
    )


def earlier_payers(claim: Claim) -> list[Claim]:
    """The claims of the payers before this one, first payer first (at most two: the 837P
    reports no more)."""
    chain: list[Claim] = []
    earlier = claim.primary_claim
    while earlier is not None and len(chain) < 3:
        chain.insert(0, earlier)
        earlier = earlier.primary_claim
    return chain


# PWK01 for the PIP/MedPay carrier's exhaustion letter: an earlier payer's explanation of
# benefits (ATTACHMENT_REPORT_TYPES).
EXHAUSTION_LETTER_REPORT = "EB"


def attachments(claim: Claim) -> tuple[Attachment, ...]:
    """The paperwork the claim announces (ADR 0762): for a claim billed past an exhausted
    PIP/MedPay carrier, the carrier's letter kept on the case. No query for any other claim."""
    if claim.prior_payer_exhausted_on is None:
        return ()
    letter = exhaustion_letters([claim.note.case_id]).get(claim.note.case_id)
    if letter is None:
        return ()
    return (Attachment(EXHAUSTION_LETTER_REPORT, letter.transmission, letter.control_number),)


def claim_to_send(claim: Claim) -> ClaimToSend:
    """The one conversion of a stored claim to the core's claim value: the 837P batch, the
    CMS-1500 (`claim_form.claim_to_form`) and every export read it."""
    priors = tuple(prior_payment(earlier) for earlier in earlier_payers(claim))
    return ClaimToSend(
        visit=claim_visit(claim),
        lines=claim.core_lines(),
        frequency=claim.frequency,
        prior_payments=priors,
        original_reference=original_reference(claim),
        responsibility=claim.payer_sequence,
        attachments=attachments(claim),
    )
