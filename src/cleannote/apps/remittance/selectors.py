"""Reads for the money-in pages, always within one organisation and in a fixed number of
queries however many claims or adjustments there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cleannote.apps.claims.models import ClaimAdjustment, ClaimStatus
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.remittance.models import ClaimPosting, EraFile, LinePosting, PatientLedgerEntry
from cleannote.edi.carc import explain_carc, explain_rarc, group_meaning

_UNLISTED = "Not in our code table: read the payer's remittance advice for the wording."
_ASK_PAYER = "Call the payer or check its portal for what it needs."


def era_files_of(organisation: Organisation) -> QuerySet[EraFile]:
    return EraFile.objects.filter(organisation=organisation)


@dataclass
class DeniedClaim:
    claim_id: int
    patient_id: int
    date_of_service: dt.date
    payer_name: str
    amount: Decimal
    remarks: list[tuple[str, str, str]] = field(default_factory=list)  # code, meaning, next step


@dataclass
class DenialGroup:
    """Every denied claim one CARC explains, with the plain words and the next step."""

    reason: str
    group_codes: list[str]
    meaning: str
    next_step: str
    total: Decimal
    claims: list[DeniedClaim]


def denials_worklist(organisation: Organisation) -> list[DenialGroup]:
    """Adjustments on denied lines (paid nothing) and on denied claims, grouped by CARC.

    Two queries: the adjustments with their claims and lines, and the remark codes of the
    newest posting of each claim.
    """
    adjustments = list(
        ClaimAdjustment.objects.filter(claim__organisation=organisation)
        .filter(
            Q(claim__status=ClaimStatus.DENIED)
            | Q(claim__status=ClaimStatus.PARTIALLY_PAID, line__paid_amount=0)
        )
        .exclude(group="PR")
        .select_related("claim")
        .order_by("reason", "claim__date_of_service", "claim_id", "id")
    )
    claim_ids = {a.claim_id for a in adjustments}
    remarks: dict[int, list[str]] = {}
    for posting in (
        ClaimPosting.objects.filter(claim_id__in=claim_ids)
        .order_by("-posted_on", "-id")
        .only("claim_id", "remark_codes")
    ):
        remarks.setdefault(posting.claim_id, list(posting.remark_codes))
    line_remarks: dict[int, set[str]] = defaultdict(set)
    for claim_id, codes in LinePosting.objects.filter(
        claim_posting__claim_id__in=claim_ids
    ).values_list("claim_posting__claim_id", "remark_codes"):
        line_remarks[claim_id].update(codes)
    groups: dict[str, DenialGroup] = {}
    by_claim: dict[tuple[str, int], DeniedClaim] = {}
    for adjustment in adjustments:
        reason = adjustment.reason
        group = groups.get(reason)
        if group is None:
            explained = explain_carc(reason)
            group = groups[reason] = DenialGroup(
                reason=reason,
                group_codes=[],
                meaning=explained.meaning if explained else _UNLISTED,
                next_step=explained.next_step if explained else _ASK_PAYER,
                total=Decimal("0"),
                claims=[],
            )
        if adjustment.group not in group.group_codes:
            group.group_codes.append(adjustment.group)
        group.total += adjustment.amount
        claim = adjustment.claim
        row = by_claim.get((reason, claim.pk))
        if row is None:
            codes = sorted(set(remarks.get(claim.pk, [])) | line_remarks.get(claim.pk, set()))
            row = by_claim[(reason, claim.pk)] = DeniedClaim(
                claim_id=claim.pk,
                patient_id=claim.patient_id,
                date_of_service=claim.date_of_service,
                payer_name=claim.payer_name,
                amount=Decimal("0"),
                remarks=[_remark(code) for code in codes],
            )
            group.claims.append(row)
        row.amount += adjustment.amount
    return sorted(groups.values(), key=lambda g: (-g.total, g.reason))


def _remark(code: str) -> tuple[str, str, str]:
    explained = explain_rarc(code)
    if explained is None:
        return (code, _UNLISTED, _ASK_PAYER)
    return (code, explained.meaning, explained.next_step)


@dataclass(frozen=True, slots=True)
class WriteOffRow:
    group: str
    group_meaning: str
    reason: str
    reason_meaning: str
    count: int
    total: Decimal


def write_off_report(organisation: Organisation, start: dt.date, end: dt.date) -> list[WriteOffRow]:
    """Adjustment totals by group and reason for claims adjudicated in [start, end]."""
    rows = (
        ClaimAdjustment.objects.filter(
            claim__organisation=organisation,
            claim__adjudicated_on__gte=start,
            claim__adjudicated_on__lte=end,
        )
        .values("group", "reason")
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by("group", "reason")
    )
    out: list[WriteOffRow] = []
    for row in rows:
        explained = explain_carc(row["reason"])
        out.append(
            WriteOffRow(
                group=row["group"],
                group_meaning=group_meaning(row["group"]),
                reason=row["reason"],
                reason_meaning=explained.meaning if explained else _UNLISTED,
                count=row["count"],
                total=row["total"],
            )
        )
    return out


def underpayments(organisation: Organisation) -> QuerySet[LinePosting]:
    return (
        LinePosting.objects.filter(
            claim_posting__era_file__organisation=organisation, underpaid=True
        )
        .select_related("claim_line", "claim_posting__claim", "claim_posting__era_file")
        .order_by("-claim_posting__posted_on", "claim_posting_id", "segment_number")
    )


def patient_balance(organisation: Organisation, patient_id: int) -> Decimal:
    total = PatientLedgerEntry.objects.filter(
        organisation=organisation, patient_id=patient_id
    ).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0")
