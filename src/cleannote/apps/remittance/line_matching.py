"""Which of our claim lines an 835 service line pays.

REF*6R echoes the line control number we sent, and wins when present. Without it, payers are
matched on the code: first with the same modifiers in any order, then with the payer's
modifiers a subset of ours (payers drop modifiers they do not price on, such as GP or KX), then
on the code alone when the payer changed them. SVC06 (the code as billed, when the payer
adjudicated a different one) is tried before SVC01. Each claim line is paid at most once per
claim payment; among equal candidates the lowest line number wins, so the result is stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleannote.apps.claims.models import ClaimLine
from cleannote.apps.remittance.models import MatchedBy
from cleannote.edi.x12_835 import Procedure, ServicePayment


@dataclass(frozen=True, slots=True)
class LineMatch:
    line: ClaimLine
    matched_by: MatchedBy


def _candidates(service: ServicePayment) -> list[Procedure]:
    billed = service.original_procedure
    return [billed, service.procedure] if billed is not None else [service.procedure]


def match_line(
    service: ServicePayment, lines: Sequence[ClaimLine], taken: set[int]
) -> LineMatch | None:
    free = [line for line in sorted(lines, key=lambda row: row.number) if line.pk not in taken]
    control = service.line_control_number
    if control:
        for line in free:
            if line.line_control_number and line.line_control_number == control:
                return LineMatch(line, MatchedBy.LINE_CONTROL)
    for procedure in _candidates(service):
        same_code = [line for line in free if line.code == procedure.code]
        theirs = set(procedure.modifiers)
        for line in same_code:
            if set(line.modifiers) == theirs:
                return LineMatch(line, MatchedBy.CODE_AND_MODIFIERS)
        for line in same_code:
            if theirs <= set(line.modifiers):
                return LineMatch(line, MatchedBy.CODE)
        if same_code:
            return LineMatch(same_code[0], MatchedBy.CODE)
    return None
