"""Which claim status may follow which, and what a payer's answer settles a claim to.

An 835 can arrive without a 277CA acceptance first, so a claim in a batch may go straight to
paid, partially paid or denied. A rejected claim (front-end edit failure) is fixed and made
ready again. A payer may answer a claim more than once (a second payment, a reversal and its
correction), so an adjudicated claim moves between the adjudicated statuses, back to accepted
when a reversal leaves nothing decided, and out of closed when the payer reopens it.

`settlement_status` is the one rule for the status a payer's answers add up to (ADR 0250): the
claim is settled when payment, contractual and other adjustments (CO, OA, PI, CR) and patient
responsibility (PR) account for the charge; only a balance the payer still owes keeps it open.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cleannote.apps.claims.models import ClaimStatus as S

_ADJUDICATED = frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED})
_ANSWERED = _ADJUDICATED | {S.ACCEPTED}

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.READY, S.CLOSED}),
    S.READY: frozenset({S.DRAFT, S.IN_BATCH, S.CLOSED}),
    S.IN_BATCH: frozenset({S.ACCEPTED, S.REJECTED}) | _ADJUDICATED,
    # A payer's 277CA may reject a claim its clearinghouse accepted (ADR 0702).
    S.ACCEPTED: _ADJUDICATED | {S.REJECTED, S.CLOSED},
    S.REJECTED: frozenset({S.READY, S.CLOSED}),
    S.PAID: _ANSWERED - {S.PAID} | {S.CLOSED},
    S.PARTIALLY_PAID: _ANSWERED - {S.PARTIALLY_PAID} | {S.APPEALED, S.CLOSED},
    S.DENIED: _ANSWERED - {S.DENIED} | {S.APPEALED, S.CLOSED},
    S.APPEALED: _ANSWERED | {S.CLOSED},
    S.CLOSED: _ANSWERED,
}

# Claims a payer has adjudicated: the ones a corrected, void, secondary or split claim follows.
ADJUDICATED = _ADJUDICATED | {S.APPEALED}
SENT = frozenset({S.IN_BATCH, S.ACCEPTED}) | ADJUDICATED
# A payer's answer may land on these; anything else (a draft, a claim never sent) is refused.
POSTABLE = SENT | {S.CLOSED}

PATIENT_GROUP = "PR"


def can_move(current: str, new: str) -> bool:
    return S(new) in TRANSITIONS[S(current)]


@dataclass(frozen=True, slots=True)
class Settlement:
    """A claim's charge against everything its payer's answers account for, so far."""

    charge: Decimal
    paid: Decimal
    written_off: Decimal  # CO, OA, PI, CR: the clinic does not collect these
    patient_share: Decimal  # PR: the patient (or the next payer) owes it

    @property
    def payer_owes(self) -> Decimal:
        """What no answer has accounted for yet; negative when the answers over-account."""
        return self.charge - self.paid - self.written_off - self.patient_share

    @property
    def status(self) -> S:
        return settlement_status(self)


def settlement_status(settlement: Settlement, *, payer_denied: bool = False) -> S:
    """Paid (settled) when the answers account for the charge; denied when they do with no
    payment and nothing left to the patient (or the payer says so, CLP02 4, and paid nothing);
    accepted when reversals have cancelled every answer; partially paid while the payer still
    owes a balance. A claim applied wholly to the deductible is paid, not denied."""
    nothing_paid = settlement.paid == 0 and settlement.patient_share == 0
    if nothing_paid and (payer_denied or settlement.payer_owes <= 0):
        return S.DENIED
    if settlement.payer_owes > 0:
        if nothing_paid and settlement.written_off == 0:
            return S.ACCEPTED  # every answer reversed: waiting for the payer again
        return S.PARTIALLY_PAID
    return S.PAID
