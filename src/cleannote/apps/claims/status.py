"""Which claim status may follow which: the one table every status change goes through.

An 835 can arrive without a 277CA acceptance first, so a claim in a batch may go straight to
paid, partially paid or denied. A rejected claim (front-end edit failure) is fixed and made
ready again; anything paid, denied or appealed ends closed.
"""

from __future__ import annotations

from cleannote.apps.claims.models import ClaimStatus as S

_ADJUDICATED = frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED})

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.READY, S.CLOSED}),
    S.READY: frozenset({S.DRAFT, S.IN_BATCH, S.CLOSED}),
    S.IN_BATCH: frozenset({S.ACCEPTED, S.REJECTED}) | _ADJUDICATED,
    S.ACCEPTED: _ADJUDICATED | {S.CLOSED},
    S.REJECTED: frozenset({S.READY, S.CLOSED}),
    S.PAID: frozenset({S.CLOSED}),
    S.PARTIALLY_PAID: frozenset({S.APPEALED, S.CLOSED}),
    S.DENIED: frozenset({S.APPEALED, S.CLOSED}),
    S.APPEALED: _ADJUDICATED | {S.CLOSED},
    S.CLOSED: frozenset(),
}

# Claims a payer has adjudicated: the ones a corrected, void, secondary or split claim follows.
ADJUDICATED = _ADJUDICATED | {S.APPEALED}
SENT = frozenset({S.IN_BATCH, S.ACCEPTED}) | ADJUDICATED


def can_move(current: str, new: str) -> bool:
    return S(new) in TRANSITIONS[S(current)]
