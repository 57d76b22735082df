"""Reads for the money-in pages, always within one organisation and in a fixed number of
queries however many claims or adjustments there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from cleannote.apps.claims.denied import denied_adjustments
from cleannote.apps.claims.denied_models import DeniedReason
from cleannote.apps.claims.models import Claim, ClaimAdjustment
from cleannote.apps.claims.selectors import to_cents
from cleannote.apps.claims.status import PATIENT_GROUP
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.payers.models import Payer
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LinePosting,
    PatientLedgerEntry,
    ProviderAdjustmentPosting,
    UnmatchedPayment,
)
from cleannote.edi.carc import explain_carc, explain_rarc, group_meaning
from cleannote.rules.appeal_deadlines import AppealDeadline, appeal_deadline
from cleannote.rules.payer_policy import PayerPolicy, default_policy
from cleannote.rules.visit import PayerKind

_UNLISTED = "Not in our code table: read the payer's remittance advice for the wording."
_ASK_PAYER = "Call the payer or check its portal for what it needs."


def era_files_of(organisation: Organisation) -> QuerySet[EraFile]:
    return EraFile.objects.filter(organisation=organisation)


def era_files_with_counts(organisation: Organisation) -> QuerySet[EraFile]:
    """Files for the list page, each with how many of its payments still wait to be matched;
    without each file's 835 text, which the list never shows (ADR 0831)."""
    return (
        era_files_of(organisation)
        .defer("content")
        .select_related("imported_by")
        .annotate(
            waiting=Count("unmatched", filter=Q(unmatched__posting__isnull=True), distinct=True)
        )
    )


@dataclass
class DeniedClaim:
    claim_id: int
    patient_id: int
    date_of_service: dt.date
    payer_name: str
    amount: Decimal
    remarks: list[tuple[str, str, str]] = field(default_factory=list)  # code, meaning, next step
    denied_on: dt.date | None = None  # the payer's determination: the 835's date
    appeal: AppealDeadline | None = None  # None: the payer states no window (ADR 0706)


@dataclass
class DenialGroup:
    """Every denied claim one CARC explains, with the plain words and the next step."""

    reason: str
    group_codes: list[str]
    meaning: str
    next_step: str
    total: Decimal
    claims: list[DeniedClaim]


def _appeal_policies(organisation: Organisation, claims: set[Claim]) -> dict[str, PayerPolicy]:
    """Each billed payer id's policy from the payer directory (the kind's defaults with the
    clinic's overrides, such as its contract's appeal window); one query."""
    ids = {c.payer_id for c in claims}
    return {
        p.claims_payer_id: p.policy
        for p in Payer.objects.filter(organisation=organisation, claims_payer_id__in=ids)
    }


def _denied_adjustments(organisation: Organisation) -> QuerySet[ClaimAdjustment]:
    """The clinic's denied adjustments, read live (`claims.denied.denied_adjustments`)."""
    return denied_adjustments().filter(claim__organisation=organisation)


def denials_worklist(
    organisation: Organisation,
    today: dt.date | None = None,
    *,
    claim_ids: list[int] | None = None,
    reason: str = "",
) -> list[DenialGroup]:
    """Denied adjustments grouped by CARC (all of them, or those of `claim_ids`, one page of
    the worklist; of one `reason` when given). Each claim carries its appeal deadline on
    `today` (the clinic's today when not given): the payer's window from the day it decided
    the claim (ADR 0706).

    Four queries: the adjustments with their claims, the remark codes of the newest posting
    of each claim, the line remark codes, and the payers' records.
    """
    today = today or timezone.localdate()
    adjustments_read = _denied_adjustments(organisation)
    if claim_ids is not None:
        adjustments_read = adjustments_read.filter(claim_id__in=claim_ids)
    if reason:
        adjustments_read = adjustments_read.filter(reason=reason)
    adjustments = list(
        adjustments_read.select_related("claim")
        # The claim's billed visit (1.6 KB of JSON) is not shown: 84,000 decodes on a grown
        # database (ADR 0831).
        .defer("claim__visit")
        .order_by("reason", "claim__date_of_service", "claim_id", "id")
    )
    shown = {a.claim_id for a in adjustments}
    remarks: dict[int, list[str]] = {}
    for posting in (
        ClaimPosting.objects.filter(claim_id__in=shown)
        .order_by("-posted_on", "-id")
        .only("claim_id", "remark_codes")
    ):
        remarks.setdefault(posting.claim_id, list(posting.remark_codes))
    line_remarks: dict[int, set[str]] = defaultdict(set)
    for claim_id, codes in LinePosting.objects.filter(
        claim_posting__claim_id__in=shown
    ).values_list("claim_posting__claim_id", "remark_codes"):
        line_remarks[claim_id].update(codes)
    policies = _appeal_policies(organisation, {a.claim for a in adjustments})
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
                denied_on=claim.adjudicated_on,
                appeal=appeal_deadline(
                    policies.get(claim.payer_id) or default_policy(PayerKind(claim.payer_kind)),
                    claim.adjudicated_on,
                    today,
                ),
            )
            group.claims.append(row)
        row.amount += adjustment.amount
    return sorted(groups.values(), key=lambda g: (-g.total, g.reason))


@dataclass(frozen=True)
class DenialReasonCount:
    """One CARC's line in the worklist's summary: its claims and amount in all."""

    reason: str
    group_codes: list[str]
    meaning: str
    claims: int
    total: Decimal


def denial_reason_counts(organisation: Organisation, payer_id: str = "") -> list[DenialReasonCount]:
    """Every CARC of the denials worklist with how many claims and how much it holds, largest
    amount first, from the kept `DeniedReason` rows (one per claim and CARC, ADR 0871): one
    grouped query over a table as small as the denials, where counting the adjustments live
    read every denied adjustment with its claim and line (ADR 0870)."""
    rows = DeniedReason.objects.filter(organisation=organisation)
    if payer_id:
        rows = rows.filter(payer_id=payer_id)
    merged: dict[str, DenialReasonCount] = {}
    for row in (
        rows.order_by()
        .values("reason", "group_codes")
        .annotate(claims=Count("id"), total=Sum("amount"))
    ):
        had = merged.get(row["reason"])
        explained = explain_carc(row["reason"])
        merged[row["reason"]] = DenialReasonCount(
            reason=row["reason"],
            group_codes=sorted({*(had.group_codes if had else []), *row["group_codes"].split()}),
            meaning=explained.meaning if explained else _UNLISTED,
            claims=row["claims"] + (had.claims if had else 0),
            total=row["total"] + (had.total if had else Decimal("0")),
        )
    return sorted(merged.values(), key=lambda r: (-r.total, r.reason))


def payer_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """(payer id, name) for the denials' payer filter, from the clinic's payer directory: a
    few rows, where a DISTINCT over every claim read them all (229 ms at 100,000 visits)."""
    return sorted(
        Payer.objects.filter(organisation=organisation).values_list("claims_payer_id", "name"),
        key=lambda p: (p[1], p[0]),
    )


@dataclass(frozen=True)
class DenialPageKey:
    """Where a page of denied claims starts: after this determination date and claim id."""

    decided: dt.date
    claim_id: int

    def encode(self) -> str:
        return f"{self.decided.isoformat()}.{self.claim_id}"

    @classmethod
    def decode(cls, raw: str) -> DenialPageKey | None:
        day, _, claim = (raw or "").partition(".")
        if not (claim.isascii() and claim.isdigit() and len(claim) <= 18):
            return None
        try:
            return cls(dt.date.fromisoformat(day), int(claim))
        except ValueError:
            return None


def denied_claim_page(
    organisation: Organisation,
    size: int,
    *,
    reason: str = "",
    payer_id: str = "",
    after: DenialPageKey | None = None,
) -> tuple[list[int], DenialPageKey | None]:
    """One page of the denied claims' ids, the oldest determination first (the nearest appeal
    deadline first within a payer's window), and the key of the next page (None on the last):
    keyset paging over the kept `DeniedReason` rows' (organisation, [CARC or payer,] day,
    claim) indexes, one query whatever the page's number (ADR 0836, 0871)."""
    rows_read = DeniedReason.objects.filter(organisation=organisation)
    if reason:
        rows_read = rows_read.filter(reason=reason)
    if payer_id:
        rows_read = rows_read.filter(payer_id=payer_id)
    if after is not None:
        rows_read = rows_read.filter(
            Q(decided__gt=after.decided) | Q(decided=after.decided, claim_id__gt=after.claim_id)
        )
    rows = list(
        rows_read.order_by("decided", "claim_id")
        .values_list("decided", "claim_id")
        .distinct()[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return [pk for _, pk in rows], DenialPageKey(*rows[-1]) if more else None


def by_appeal_deadline(groups: list[DenialGroup]) -> list[DeniedClaim]:
    """Each denied claim of the worklist once, the nearest appeal deadline first (claims whose
    payer states no window last), for the deadline table above the groups."""
    seen: dict[int, DeniedClaim] = {}
    for group in groups:
        for row in group.claims:
            seen.setdefault(row.claim_id, row)
    return sorted(
        seen.values(),
        key=lambda r: (r.appeal is None, r.appeal.due if r.appeal else dt.date.max, r.claim_id),
    )


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
    """Adjustment totals by group and reason for claims adjudicated in [start, end]. Patient
    responsibility (PR) is not written off: the patient (or the next payer) owes it."""
    rows = (
        ClaimAdjustment.objects.filter(
            claim__organisation=organisation,
            claim__adjudicated_on__gte=start,
            claim__adjudicated_on__lte=end,
        )
        .exclude(group=PATIENT_GROUP)
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
                total=to_cents(row["total"]),
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
    return to_cents(total)


def unmatched_payments(organisation: Organisation) -> QuerySet[UnmatchedPayment]:
    """Claim payments waiting to be matched by hand, oldest file first."""
    return (
        UnmatchedPayment.objects.filter(era_file__organisation=organisation, posting__isnull=True)
        .select_related("era_file")
        .order_by("era_file__imported_at", "era_file_id", "position")
    )


def unmatched_payment(organisation: Organisation, unmatched_id: int) -> UnmatchedPayment | None:
    return (
        UnmatchedPayment.objects.filter(era_file__organisation=organisation, pk=unmatched_id)
        .select_related("era_file")
        .first()
    )


def claim_for_matching(organisation: Organisation, text: str) -> Claim | None:
    """The claim a biller names by our claim number (CN12), its id, or the payer's number."""
    text = text.strip()
    if not text or len(text) > 50:
        return None
    claims = Claim.objects.filter(organisation=organisation)
    found = claims.filter(patient_control_number=text).first()
    if found is None and text.isdigit() and len(text) <= 18:
        found = claims.filter(pk=int(text)).first()
    if found is None:
        found = claims.filter(payer_claim_number=text).order_by("-id").first()
    return found


def unbalanced_postings(organisation: Organisation) -> QuerySet[ClaimPosting]:
    """Postings whose payer amounts do not add up, or that decided nothing (CLP02 23, 25)."""
    return (
        ClaimPosting.objects.filter(era_file__organisation=organisation)
        .filter(Q(balance_problem__gt="") | Q(lines__balance_problem__gt=""))
        .distinct()
        .select_related("era_file", "claim")
        .order_by("-posted_on", "-id")
    )


def provider_adjustments_of(era_file: EraFile) -> QuerySet[ProviderAdjustmentPosting]:
    return ProviderAdjustmentPosting.objects.filter(era_file=era_file).select_related("claim")
