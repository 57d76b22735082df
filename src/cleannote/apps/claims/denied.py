"""Which adjustments are denials, and the `DeniedReason` rows that keep them ready for the
denials worklist (ADR 0871).

A claim's denied adjustments change only when its status, its adjustments or its lines' paid
amounts change: the claims app's status moves and adjudication, and the 835 posting's bulk
write. Each of those calls `refresh_denied_reasons` for its claims inside its transaction, and
the refresh counts them with the same `denied_adjustments` the live worklist reads, so a
claim's rows always equal the live figures. `rebuild_denied_reasons` recounts a whole clinic
(a database built in bulk, ADR 0833, and the nightly summaries task as a safety net).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from cleannote.apps.claims.denied_models import DeniedReason
from cleannote.apps.claims.models import ClaimAdjustment, ClaimStatus
from cleannote.apps.claims.status import PATIENT_GROUP
from cleannote.apps.organisations.models import Organisation

UNDECIDED = dt.date(9999, 12, 31)  # a claim with no determination date sorts last
# A claim in none of these statuses has no denied adjustments, whatever its rows say.
DENIAL_STATUSES = frozenset({ClaimStatus.DENIED, ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID})


def _not_patient_share() -> QuerySet[ClaimAdjustment]:
    return ClaimAdjustment.objects.exclude(group=PATIENT_GROUP).exclude(
        line__adjustments__group=PATIENT_GROUP
    )


def denied_adjustments() -> QuerySet[ClaimAdjustment]:
    """Adjustments on denied claims and on denied lines of settled or part-paid claims. A line
    is denied when it was paid nothing and nothing of it was left to the patient: a line (or
    claim) applied to the deductible is settled, not denied (ADR 0250). Callers narrow it to
    an organisation or to claims."""
    return _not_patient_share().filter(
        Q(claim__status=ClaimStatus.DENIED)
        | Q(
            claim__status__in=(ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID),
            line__paid_amount=0,
        )
    )


def denied_adjustment_halves() -> tuple[QuerySet[ClaimAdjustment], QuerySet[ClaimAdjustment]]:
    """`denied_adjustments` as its two halves, which no claim is in both of (a claim's status
    is one or the other): those of denied claims, and those of unpaid lines on paid or
    part-paid claims. Across a whole clinic each half reads from an index (the claims by
    status, the unpaid lines), where their OR joins every claim, line and adjustment
    (ADR 0870)."""
    adjustments = _not_patient_share()
    return (
        adjustments.filter(claim__status=ClaimStatus.DENIED),
        adjustments.filter(
            claim__status__in=(ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID),
            line__paid_amount=0,
        ),
    )


def _rows(adjustments: QuerySet[ClaimAdjustment]) -> list[DeniedReason]:
    """One row per claim and CARC of `adjustments`: one grouped query."""
    grouped = (
        adjustments.order_by()
        .values(
            "claim_id",
            "claim__organisation_id",
            "claim__payer_id",
            "claim__adjudicated_on",
            "reason",
            "group",
        )
        .annotate(total=Sum("amount"))
    )
    rows: dict[tuple[int, str], DeniedReason] = {}
    for g in grouped:
        key = (g["claim_id"], g["reason"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = DeniedReason(
                organisation_id=g["claim__organisation_id"],
                claim_id=g["claim_id"],
                payer_id=g["claim__payer_id"],
                decided=g["claim__adjudicated_on"] or UNDECIDED,
                reason=g["reason"],
                group_codes="",
                amount=Decimal("0"),
            )
        row.group_codes = " ".join(sorted({*row.group_codes.split(), g["group"]}))
        row.amount += g["total"]
    return list(rows.values())


def refresh_denied_reasons(claim_ids: Iterable[int]) -> None:
    """Recount the `DeniedReason` rows of these claims from their adjustments as they are now;
    called by every action that changes a claim's status, adjustments or paid lines, inside
    its transaction. Three queries however many claims."""
    ids = sorted(set(claim_ids))
    if not ids:
        return
    DeniedReason.objects.filter(claim_id__in=ids).delete()
    DeniedReason.objects.bulk_create(
        _rows(denied_adjustments().filter(claim_id__in=ids)), batch_size=1000
    )


def rebuild_denied_reasons(organisation: Organisation) -> int:
    """Recount every `DeniedReason` row of a clinic; the number of rows. For rows written in
    bulk beside the actions (the scaled database) and as the nightly task's safety net."""
    DeniedReason.objects.filter(organisation=organisation).delete()
    written = 0
    for half in denied_adjustment_halves():
        rows = _rows(half.filter(claim__organisation=organisation))
        DeniedReason.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written
