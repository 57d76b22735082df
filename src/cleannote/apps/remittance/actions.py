"""The only writer of remittance postings, unmatched payments, provider adjustments (PLB) and
patient ledger entries.

`do_import_835` reads and checks the whole file first (a file the reader refuses posts
nothing), stores it once, then posts each claim payment in its own savepoint. A payment that
names no claim of ours, has a service line no line of the claim answers, or lands on a claim
that cannot take it (a draft) is kept as an `UnmatchedPayment` with the reason; a biller
matches it to a claim by hand (`do_match_payment`) and the same posting then runs for it from
the stored file. Everything else posts: payments, second payments, reversals (CLP02 22) and
their corrections, split lines, claim-level payments without service lines. Each posting's
amounts are checked (charge less adjustments equals payment, per line and per claim) and a
posting that does not balance is flagged, not refused. The same file again changes nothing.

The status a claim settles to and what the patient owes are decided in ADR 0250.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event, do_record_audit_events
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.actions import (
    NO_SECONDARY_TO_CROSS_TO,
    LineOutcome,
    do_bill_next_payer,
    do_record_adjudication,
    do_record_crossover_claim,
    next_coverage,
    require_biller,
)
from cleannote.apps.claims.denied import refresh_denied_reasons
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.fees import contracted_rate, contracted_rates, fee_schedule_for
from cleannote.apps.claims.models import (
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimStatus,
    ClaimStatusEvent,
    FeeSchedule,
    FeeScheduleEntry,
    Origin,
)
from cleannote.apps.claims.selectors import to_cents
from cleannote.apps.claims.status import (
    PATIENT_GROUP,
    POSTABLE,
    Settlement,
    can_move,
    settlement_status,
)
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.coverage_order import NO_FAULT
from cleannote.apps.patients.models import Coverage
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.line_matching import LineMatch, match_line
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LedgerKind,
    LinePosting,
    MatchedBy,
    PatientLedgerEntry,
    ProviderAdjustmentPosting,
    UnmatchedPayment,
)
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_835 import Adjustment, ClaimPayment, Remittance, read_835
from cleannote.platform.hooks import Hook

PATIENT_RESPONSIBILITY = PATIENT_GROUP
_ZERO = Decimal("0")

# CLP02: the payer processed the claim as secondary or tertiary (its answer to a crossover, or
# to a secondary claim we sent); processed and forwarded to the next payer (a crossover); and
# answers that are no decision on the claim at all (forwarded as not the payer's claim,
# predetermination pricing only): these post for the record and change no amounts.
AS_SECONDARY = frozenset({"2", "3", "20", "21"})
CROSSED_OVER = frozenset({"19", "20", "21"})
NO_DECISION = {
    "23": "not the payer's claim; forwarded to another payer",
    "25": "predetermination pricing only; no payment",
}
_FOLLOWERS = (Origin.SECONDARY, Origin.CROSSOVER)
# Remark codes (MOA/MIA, or LQ on a line) by which a primary says it forwarded the claim to the
# next payer itself (ADR 0740): we then bill no secondary claim.
CROSSOVER_REMARKS = {
    "MA18": "forwarded to the patient's supplemental insurer",
    "MA07": "forwarded to Medicaid",
    "N89": "forwarded to more than one other payer",
}


def _nothing_after(actor: Actor, era: EraFile) -> object:
    return None


# What a higher app does with a file's postings once they are made, in the same transaction:
# the injury app copies carrier payments on lien cases onto the lien ledger (ADR 0761). Called
# once per file (an 835, a paper check, a payment matched by hand), never per claim.
after_posting: Hook[[Actor, EraFile], object] = Hook("remittance.after_posting", _nothing_after)


@dataclass(frozen=True, slots=True)
class _Item:
    """One claim payment of a file with where it is, for posting and for refusals."""

    remittance: Remittance
    payment: ClaimPayment
    position: int  # among the file's claim payments, from 0


def _require_poster(actor: Actor, subject: str) -> None:
    if actor.user is None:
        return  # a background task acting for the organisation
    staff = Staff.objects.filter(user=actor.user).only("role", "organisation_id").first()
    if staff is None or not has_capability(staff.role, Capability.POST_PAYMENTS):
        raise RemittanceError(subject, "only billers and owners may post remittances")
    if staff.organisation_id != actor.organisation.pk:
        raise RemittanceError(subject, "belongs to another organisation")


def _read(data: bytes, file_name: str) -> tuple[list[Remittance], list[_Item]]:
    """The file's remittances and its claim payments in file order; each payment, line and PLB
    pair carries its segment number, so a refusal or flag can point at it."""
    try:
        remittances = list(read_835(data, source=file_name))
    except X12Error as exc:
        raise RemittanceError(str(exc), "nothing posted", code=exc.code) from None
    payments = [(r, p) for r in remittances for p in r.claims]
    items = [_Item(r, p, position) for position, (r, p) in enumerate(payments)]
    return remittances, items


def _triplets(adjustments: Iterable[Adjustment]) -> tuple[tuple[str, str, Decimal], ...]:
    return tuple((a.group_code, a.reason_code, a.amount) for a in adjustments)


def _contracted(
    claim: Claim, cache: dict[tuple[int, str, dt.date], dict[tuple[str, str], Decimal]]
) -> dict[tuple[str, str], Decimal]:
    """Contracted per-unit amounts of the fee schedule in force for the claim, by code and
    modifier (blank for the code's own rate; ADR 0720)."""
    key = (claim.location_id, claim.payer_id, claim.date_of_service)
    if key not in cache:
        schedule = fee_schedule_for(claim.location, claim.payer_id, claim.date_of_service)
        cache[key] = contracted_rates(schedule)
    return cache[key]


def _posted_on(remittance: Remittance, fallback: dt.date) -> dt.date:
    return remittance.payment_date or remittance.production_date or fallback


# --- importing a file ---------------------------------------------------------------------------


@transaction.atomic
def do_import_835(
    actor: Actor, data: bytes, *, file_name: str, at: dt.datetime | None = None
) -> EraFile:
    """Post every claim payment of the file that matches; keep the rest as unmatched. The same
    file again returns its row and writes nothing."""
    organisation = actor.organisation
    _require_poster(actor, file_name)
    digest = hashlib.sha256(data).hexdigest()
    existing = EraFile.objects.filter(organisation=organisation, sha256=digest).first()
    if existing is not None:
        return existing
    remittances, items = _read(data, file_name)
    if not items:
        raise RemittanceError(file_name, "holds no claim payment; nothing posted")
    when = at or timezone.now()
    first = remittances[0]
    era = EraFile.objects.create(
        organisation=organisation,
        file_name=file_name[:120],
        sha256=digest,
        content=data.removeprefix(codecs.BOM_UTF8).decode("latin-1"),
        payer_name=(first.payer.name if first.payer else "")[:60],
        payment_amount=sum((r.payment_amount for r in remittances), _ZERO),
        payment_method=first.payment_method[:3],
        payment_date=first.payment_date,
        trace_number=first.trace_number[:50],
        balance_warning="; ".join(r.balance_warning for r in remittances if r.balance_warning)[
            :300
        ],
        imported_at=when,
        imported_by=actor.user,
    )
    claims = {
        c.patient_control_number: c
        for c in Claim.objects.select_for_update()
        .filter(
            organisation=organisation,
            patient_control_number__in={i.payment.patient_control_number for i in items},
        )
        .order_by("pk")
    }
    fees: dict[tuple[int, str, dt.date], dict[tuple[str, str], Decimal]] = {}
    book = _Book.load(actor, claims.values())
    pending = _Pending()
    for item in items:
        claim = claims.get(item.payment.patient_control_number)
        try:
            if claim is None:
                raise _no_such_claim(era, item)
            if book.posts_in_bulk(claim, item):
                try:
                    book.post(actor, era, item, claim, when, pending)
                    continue
                except _OneByOne:
                    pass
            # Anything else (a next payer's answer, a crossover, a claim with followers, a PIP
            # carrier, a patient with another coverage) posts alone as before ADR 0781, after
            # the pending rows are written; its claim stays off the bulk path for the file.
            pending.write(actor)
            book.by_hand.add(claim.pk)
            with transaction.atomic():  # one payment's refusal undoes that payment only
                _post(actor, era, item, _claim_for(actor, era, item, claims), fees, when)
        except RemittanceError as exc:
            where = exc.subject.removeprefix(f"{era.file_name}: ")
            _keep_unmatched(era, item, f"{where}: {exc.problem}")
    pending.write(actor)
    _post_provider_adjustments(era, remittances)
    after_posting(actor, era)
    do_record_audit_event(actor, AuditAction.CREATE, "era_file", era.pk)
    return era


def _where(era: EraFile, item: _Item) -> str:
    return f"{era.file_name}: segment {item.payment.segment_number} (CLP)"


def _claim_for(actor: Actor, era: EraFile, item: _Item, claims: dict[str | None, Claim]) -> Claim:
    """The claim CLP01 names; a secondary payer's answer on a crossed-over primary goes to the
    crossover claim (recorded on first sight)."""
    claim = claims.get(item.payment.patient_control_number)
    if claim is None:
        raise _no_such_claim(era, item)
    return _answering(actor, era, item, Claim.objects.get(pk=claim.pk))


def _no_such_claim(era: EraFile, item: _Item) -> RemittanceError:
    number = item.payment.patient_control_number[:38]
    return RemittanceError(
        _where(era, item), f"CLP01 {number!r} matches no claim of this organisation"
    )


def _answering(actor: Actor, era: EraFile, item: _Item, claim: Claim) -> Claim:
    """The claim a payment answers: `claim` itself, or, for a next payer's answer (CLP02 2, 3,
    20, 21) on a primary claim's number, the crossover claim (recorded on first sight)."""
    payment = item.payment
    if payment.status_code in AS_SECONDARY and claim.origin not in _FOLLOWERS:
        if not claim.crossover_payer:
            Claim.objects.filter(pk=claim.pk).update(crossover_payer=era.payer_name or "secondary")
            claim.crossover_payer = era.payer_name or "secondary"
        try:
            return do_record_crossover_claim(actor, claim)
        except ClaimError as exc:
            raise RemittanceError(_where(era, item), f"{exc}") from None
    return claim


def _keep_unmatched(era: EraFile, item: _Item, problem: str) -> UnmatchedPayment:
    payment = item.payment
    row, _ = UnmatchedPayment.objects.update_or_create(
        era_file=era,
        position=item.position,
        defaults={
            "segment_number": item.payment.segment_number,
            "patient_control_number": payment.patient_control_number[:38],
            "status_code": payment.status_code[:2],
            "charge": payment.charge,
            "paid": payment.paid,
            "payer_claim_number": payment.payer_claim_control_number[:50],
            "problem": problem[:300],
        },
    )
    return row


def _match_lines(era: EraFile, item: _Item, lines: list[ClaimLine]) -> list[LineMatch]:
    """Each SVC to a claim line (ADR 0164); a further SVC for a line already answered in this
    payment is a split line. An SVC no line answers refuses the payment."""
    taken: set[int] = set()
    matches: list[LineMatch] = []
    for service in item.payment.services:
        match = match_line(service, lines, taken)
        if match is None:
            match = match_line(service, lines, set())
            if match is not None:
                match = LineMatch(match.line, MatchedBy.SPLIT)
        if match is None:
            procedure = service.procedure
            raise RemittanceError(
                f"{era.file_name}: segment {service.segment_number} (SVC)",
                f"no line of claim {lines[0].claim_id if lines else '?'} for {procedure.code}"
                f"{''.join('-' + m for m in procedure.modifiers)}",
            )
        taken.add(match.line.pk)
        matches.append(match)
    return matches


def _balance_problems(item: _Item) -> tuple[str, list[str]]:
    """Charge less adjustments should equal the payment, per claim and per line (the 835's own
    balancing rule); what does not is described, to be flagged on the posting."""
    payment = item.payment
    lines = []
    for service in payment.services:
        rest = service.charge - service.adjusted
        lines.append(
            f"segment {service.segment_number} (SVC): charge {service.charge} less adjustments "
            f"{service.adjusted} is {rest}, not the payment {service.paid}"
            if rest != service.paid
            else ""
        )
    rest = payment.charge - payment.adjusted
    claim = (
        f"segment {item.payment.segment_number} (CLP): charge {payment.charge} less adjustments "
        f"{payment.adjusted} is {rest}, not the payment {payment.paid}"
        if rest != payment.paid
        else ""
    )
    return claim, lines


def _post(
    actor: Actor,
    era: EraFile,
    item: _Item,
    claim: Claim,
    fees: dict[tuple[int, str, dt.date], dict[tuple[str, str], Decimal]],
    when: dt.datetime,
    matches: list[LineMatch] | None = None,
) -> ClaimPosting:
    """Post one payer answer to one claim: the 835 import's and the paper check's (ADR 0750)
    one path. `matches` pairs each service with its claim line when a biller already did."""
    payment = item.payment
    if claim.status not in POSTABLE:
        raise RemittanceError(
            _where(era, item), f"claim {claim.pk} is {claim.status}; it was never sent"
        )
    if matches is None:
        matches = _match_lines(era, item, list(claim.lines.all()))
    posted_on = _posted_on(item.remittance, timezone.localdate(when))
    decided = payment.status_code not in NO_DECISION
    if decided:
        outcomes: dict[int, LineOutcome] = {}
        for match, service in zip(matches, payment.services, strict=True):
            number = match.line.number
            before = outcomes.get(number, LineOutcome(paid=_ZERO))
            outcomes[number] = LineOutcome(
                paid=before.paid + service.paid,
                adjustments=before.adjustments + _triplets(service.adjustments),
            )
        try:
            do_record_adjudication(
                actor,
                claim,
                adjudicated_on=posted_on,
                payer_claim_number=payment.payer_claim_control_number[:50],
                lines=outcomes,
                claim_adjustments=_triplets(payment.adjustments),
                paid=payment.paid,
                payer_denied=payment.denied,
            )
        except ClaimError as exc:
            raise RemittanceError(_where(era, item), str(exc)) from None
    crossover = _crossed_over_to(claim, payment) if claim.origin not in _FOLLOWERS else ""
    if crossover:
        Claim.objects.filter(pk=claim.pk).update(crossover_payer=crossover[:60])
    claim_problem, line_problems = _balance_problems(item)
    posting = ClaimPosting.objects.create(
        era_file=era,
        claim=claim,
        segment_number=item.payment.segment_number,
        status_code=payment.status_code[:2],
        charge=payment.charge,
        paid=payment.paid,
        patient_responsibility=payment.patient_responsibility,
        payer_claim_number=payment.payer_claim_control_number[:50],
        remark_codes=list(payment.remark_codes),
        posted_on=posted_on,
        interest=payment.interest,
        crossover_payer=crossover[:60],
        balance_problem=(claim_problem or NO_DECISION.get(payment.status_code, ""))[:300],
    )
    rows = _line_postings(
        payment, matches, line_problems, _contracted(claim, fees), decided=decided
    )
    for row in rows:
        row.claim_posting = posting
    LinePosting.objects.bulk_create(rows)
    if decided:
        _settle_patient_share(era, claim, payment, when)
        if not crossover and claim.origin != Origin.CROSSOVER:
            # The secondary after a primary, the tertiary after a secondary (ADR 0705); judged
            # on the day the posting runs, as a claim made by hand that day would be.
            do_bill_next_payer(
                actor, claim, remittance_date=posted_on, as_of=timezone.localdate(when)
            )
    return posting


def _line_postings(
    payment: ClaimPayment,
    matches: list[LineMatch],
    line_problems: list[str],
    contracted: dict[tuple[str, str], Decimal],
    *,
    decided: bool,
) -> list[LinePosting]:
    """The payment's service lines against their claim lines, each with the contract's
    expected amount and whether the payer paid under it (ADR 0720); not yet saved."""
    split = {m.line.pk for m in matches if m.matched_by == MatchedBy.SPLIT}
    rows: list[LinePosting] = []
    for match, service, problem in zip(matches, payment.services, line_problems, strict=True):
        line = match.line
        per_unit = contracted_rate(contracted, line.code, line.modifiers)
        priced = per_unit is not None and line.pk not in split and not payment.reversed
        expected = per_unit * line.units if priced and per_unit is not None else None
        patient_share = sum(
            (a.amount for a in service.adjustments if a.group_code == PATIENT_RESPONSIBILITY),
            _ZERO,
        )
        basis = service.allowed if service.allowed is not None else service.paid + patient_share
        denied = service.paid == 0 and not patient_share
        rows.append(
            LinePosting(
                claim_line=line,
                segment_number=service.segment_number,
                matched_by=match.matched_by,
                charge=service.charge,
                paid=service.paid,
                allowed=service.allowed,
                units=service.units,
                remark_codes=list(service.remark_codes),
                expected=expected,
                underpaid=expected is not None and decided and not denied and basis < expected,
                balance_problem=problem[:300],
            )
        )
    return rows


def _crossed_over_to(claim: Claim, payment: ClaimPayment, *, one_coverage: bool = False) -> str:
    """Whom the primary forwarded the claim to, or "" when it did not: NM1*TT names the payer;
    CLP02 19, 20 or 21, or a forwarding remark (MA18, MA07, N89) on the claim or a line, say
    it happened without the name, which the patient's next coverage then gives."""
    if payment.crossover_payer:
        return payment.crossover_payer
    remarks = {*payment.remark_codes, *(r for s in payment.services for r in s.remark_codes)}
    if payment.status_code not in CROSSED_OVER and not remarks & CROSSOVER_REMARKS.keys():
        return ""
    coverage = None if one_coverage else next_coverage(claim)  # one coverage: no next payer
    return coverage.payer_name if coverage is not None else "secondary"


# --- the patient's share ---------------------------------------------------------------------


def _settle_patient_share(
    era: EraFile, claim: Claim, payment: ClaimPayment, when: dt.datetime
) -> None:
    """Bring the ledger to what the patient owes for the visit after this answer (ADR 0250):
    the primary's patient responsibility less what every later payer (secondary, tertiary)
    paid, never below zero,
    and nothing while a crossover waits for the secondary's answer."""
    primary = claim.primary_claim if claim.primary_claim_id else claim
    assert primary is not None
    if primary.primary_claim_id:  # a tertiary follows the secondary, which follows the primary
        primary = Claim.objects.get(pk=primary.primary_claim_id)
    primary.refresh_from_db(fields=["crossover_payer"])
    followers = list(
        Claim.objects.filter(
            Q(primary_claim=primary) | Q(primary_claim__primary_claim=primary),
            origin__in=_FOLLOWERS,
        )
    )
    chain = [primary.pk, *(c.pk for c in followers)]
    responsibility = to_cents(
        ClaimAdjustment.objects.filter(claim=primary, group=PATIENT_RESPONSIBILITY).aggregate(
            total=Sum("amount")
        )["total"]
    )
    paid_after = sum((c.paid_amount or _ZERO for c in followers), _ZERO)
    held = bool(primary.crossover_payer) and all(c.paid_amount is None for c in followers)
    owed = _ZERO if held else max(responsibility - paid_after, _ZERO)
    recorded = to_cents(
        PatientLedgerEntry.objects.filter(
            claim_id__in=chain, kind=LedgerKind.PATIENT_RESPONSIBILITY
        ).aggregate(total=Sum("amount"))["total"]
    )
    change = owed - recorded
    if change == 0:
        return
    if claim.pk == primary.pk:
        reason = _patient_share_reason(payment)
    else:
        reason = f"{claim.payer_name[:60]} paid {payment.paid} as the next payer"
    PatientLedgerEntry.objects.create(
        organisation_id=claim.organisation_id,
        patient_id=claim.patient_id,
        claim=claim,
        era_file=era,
        kind=LedgerKind.PATIENT_RESPONSIBILITY,
        amount=change,
        reason=(reason or f"patient share now {owed}")[:300],
        posted_at=when,
    )


def _patient_share_reason(payment: ClaimPayment) -> str:
    """The primary's patient responsibility by reason, as the ledger entry says it."""
    by_reason: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for adjustment in payment.all_adjustments():
        if adjustment.group_code == PATIENT_RESPONSIBILITY:
            by_reason[adjustment.reason_code] += adjustment.amount
    return ", ".join(f"PR-{code} {amount}" for code, amount in sorted(by_reason.items()))


# --- provider-level adjustments ----------------------------------------------------------------


def _post_provider_adjustments(era: EraFile, remittances: list[Remittance]) -> None:
    """Each PLB pair, linked to the claim its reference (PLB03-2) names by our claim number or
    the payer's; recoupments and interest are kept apart from the claims' adjudication."""
    adjustments = [a for r in remittances for a in r.provider_adjustments]
    references = {a.reference for a in adjustments if a.reference}
    by_reference: dict[str, int] = {}
    if references:
        claims = Claim.objects.filter(organisation_id=era.organisation_id).order_by("id")
        for pk, ours in claims.filter(patient_control_number__in=references).values_list(
            "pk", "patient_control_number"
        ):
            by_reference.setdefault(ours or "", pk)
        for pk, theirs in claims.filter(payer_claim_number__in=references).values_list(
            "pk", "payer_claim_number"
        ):
            by_reference.setdefault(theirs, pk)
    ProviderAdjustmentPosting.objects.bulk_create(
        ProviderAdjustmentPosting(
            era_file=era,
            segment_number=adjustment.segment_number,
            reason_code=adjustment.reason_code[:2],
            reference=adjustment.reference[:50],
            amount=adjustment.amount,
            claim_id=by_reference.get(adjustment.reference),
        )
        for adjustment in adjustments
    )


# --- matching by hand -----------------------------------------------------------------------


@transaction.atomic
def do_match_payment(
    actor: Actor, unmatched: UnmatchedPayment, claim: Claim, *, at: dt.datetime | None = None
) -> ClaimPosting:
    """Post an unmatched claim payment to the claim a biller picked, from the stored file."""
    subject = f"unmatched payment {unmatched.pk}"
    _require_poster(actor, subject)
    row = (
        UnmatchedPayment.objects.select_for_update()
        .select_related("era_file")
        .filter(pk=unmatched.pk, era_file__organisation=actor.organisation)
        .first()
    )
    if row is None:
        raise RemittanceError(subject, "no such unmatched payment in this organisation")
    if row.posting_id is not None:
        raise RemittanceError(subject, "is already matched")
    if claim.organisation_id != actor.organisation.pk:
        raise RemittanceError(subject, f"claim {claim.pk} belongs to another organisation")
    era = row.era_file
    _, items = _read(era.content.encode("latin-1"), era.file_name)
    if (
        row.position >= len(items)
        or items[row.position].payment.segment_number != row.segment_number
    ):
        raise RemittanceError(subject, "the stored file no longer holds this payment")
    when = at or timezone.now()
    item = items[row.position]
    fresh = _answering(actor, era, item, Claim.objects.get(pk=claim.pk))
    posting = _post(actor, era, item, fresh, {}, when)
    row.posting = posting
    row.matched_at = when
    row.matched_by = actor.user
    row.save(update_fields=["posting", "matched_at", "matched_by"])
    after_posting(actor, era)
    do_record_audit_event(actor, AuditAction.UPDATE, "claim", fresh.pk, patient_id=fresh.patient_id)
    return posting


# --- the shared posting, for a paper check ------------------------------------------------------

PaymentItem = _Item


def post_claim_payment(
    actor: Actor,
    era: EraFile,
    item: _Item,
    claim: Claim,
    matches: list[LineMatch],
    when: dt.datetime,
) -> ClaimPosting:
    """The posting `do_import_835` runs for each claim payment, for a payment keyed in from a
    paper EOB (`manual_posting`, ADR 0750): the same adjudication, underpayment check and
    patient share. The caller holds the transaction."""
    return _post(actor, era, item, claim, {}, when, matches)


def require_poster(actor: Actor, subject: str) -> None:
    _require_poster(actor, subject)


# --- a whole file in bulk (ADR 0781) ------------------------------------------------------------


class _OneByOne(Exception):
    """This payment is posted alone (`_post` in its own savepoint), not in bulk."""


def _in_cents(*amounts: Decimal) -> bool:
    """Every amount has at most two decimals, so sums in Python equal the database's."""
    return all(int(a.as_tuple().exponent) >= -2 for a in amounts)


@dataclass
class _Pending:
    """The rows of payments posted in bulk and not yet written, in file order."""

    lines: dict[int, ClaimLine] = field(default_factory=dict)
    adjustments: list[ClaimAdjustment] = field(default_factory=list)
    claims: dict[int, Claim] = field(default_factory=dict)
    events: list[ClaimStatusEvent] = field(default_factory=list)
    audited: list[tuple[object, int | None]] = field(default_factory=list)
    postings: list[tuple[ClaimPosting, list[LinePosting]]] = field(default_factory=list)
    ledger: list[PatientLedgerEntry] = field(default_factory=list)

    def write(self, actor: Actor) -> None:
        """The same rows as `_post` once per payment, in a fixed number of queries; the claims'
        audit events appended together (the organisation's chain head locked once, briefly)."""
        if not self.postings:
            return
        _update_rows(ClaimLine, ["paid_amount"], self.lines.values())
        ClaimAdjustment.objects.bulk_create(self.adjustments, batch_size=1000)
        _update_rows(
            Claim,
            ["paid_amount", "adjudicated_on", "payer_claim_number", "status", "crossover_payer"],
            self.claims.values(),
        )
        ClaimStatusEvent.objects.bulk_create(self.events, batch_size=1000)
        refresh_denied_reasons(self.claims)  # ADR 0871
        do_record_audit_events(actor, AuditAction.UPDATE, "claim", self.audited)
        ClaimPosting.objects.bulk_create([posting for posting, _ in self.postings], batch_size=1000)
        rows = []
        for posting, lines in self.postings:
            for row in lines:
                row.claim_posting = posting
                rows.append(row)
        LinePosting.objects.bulk_create(rows, batch_size=1000)
        PatientLedgerEntry.objects.bulk_create(self.ledger, batch_size=1000)
        self.__init__()  # type: ignore[misc]


@dataclass
class _Book:
    """What posting a file reads about its claims, loaded for all of them in a few queries
    (lines, adjustment totals, the patient's recorded share, followers, coverages, contracts)
    and kept up to date in Python as the file's payments post, so a payment's posting reads
    nothing more (ADR 0781)."""

    lines: dict[int, list[ClaimLine]]
    patient_share: dict[int, Decimal]  # PR adjustments on the claim so far
    written_off: dict[int, Decimal]  # every other group
    recorded: dict[int, Decimal]  # the patient-responsibility ledger entries so far
    alone: set[int]  # claims posted one by one: followers, crossovers, more payers, PIP
    contracted: dict[int, dict[tuple[str, str], Decimal]]  # by claim id
    may_bill: bool
    by_hand: set[int] = field(default_factory=set)  # claims a payment of this file posted alone

    @classmethod
    def load(cls, actor: Actor, claims: Iterable[Claim]) -> _Book:
        claims = list(claims)
        ids = [c.pk for c in claims]
        lines: dict[int, list[ClaimLine]] = defaultdict(list)
        for line in ClaimLine.objects.filter(claim_id__in=ids).order_by("claim_id", "number"):
            lines[line.claim_id].append(line)
        patient: dict[int, Decimal] = defaultdict(lambda: _ZERO)
        other: dict[int, Decimal] = defaultdict(lambda: _ZERO)
        totals = (
            ClaimAdjustment.objects.filter(claim_id__in=ids)
            .order_by()
            .values("claim_id", "group")
            .annotate(total=Sum("amount"))
            .values_list("claim_id", "group", "total")
        )
        for claim_id, group, total in totals:
            target = patient if group == PATIENT_RESPONSIBILITY else other
            target[claim_id] += to_cents(total)
        recorded = {
            claim_id: to_cents(total)
            for claim_id, total in PatientLedgerEntry.objects.filter(
                claim_id__in=ids, kind=LedgerKind.PATIENT_RESPONSIBILITY
            )
            .order_by()
            .values("claim_id")
            .annotate(total=Sum("amount"))
            .values_list("claim_id", "total")
        }
        followed = set(
            Claim.objects.filter(primary_claim_id__in=ids).values_list(
                "primary_claim_id", flat=True
            )
        )
        coverages = dict(
            Coverage.objects.filter(patient_id__in={c.patient_id for c in claims})
            .order_by()
            .values("patient_id")
            .annotate(n=Count("id"))
            .values_list("patient_id", "n")
        )
        alone = {
            c.pk
            for c in claims
            if c.origin in _FOLLOWERS
            or c.primary_claim_id is not None
            or c.pk in followed
            or c.crossover_payer
            or c.payer_kind in NO_FAULT
            or coverages.get(c.patient_id, 0) > 1
            or c.status not in POSTABLE
        }
        return cls(
            lines=lines, patient_share=patient, written_off=other, recorded=recorded,
            alone=alone, contracted=_contracts(claims), may_bill=_may_bill(actor),
        )  # fmt: skip

    def posts_in_bulk(self, claim: Claim, item: _Item) -> bool:
        payment = item.payment
        if not self.may_bill or claim.pk in self.alone or claim.pk in self.by_hand:
            return False
        if claim.crossover_payer:  # crossed over earlier in this file: the share is held
            return False
        amounts = [payment.paid, *(a.amount for a in payment.all_adjustments())]
        amounts += [s.paid for s in payment.services]
        return _in_cents(*amounts)

    def post(
        self,
        actor: Actor,
        era: EraFile,
        item: _Item,
        claim: Claim,
        when: dt.datetime,
        pending: _Pending,
    ) -> None:
        """`_post` for a payment `posts_in_bulk` let through: the same checks and amounts, the
        rows left in `pending`. Raises before anything is pending when the payment is refused
        (`RemittanceError`) or turns out to need posting alone (`_OneByOne`)."""
        payment = item.payment
        if payment.status_code in AS_SECONDARY:
            # A next payer's answer on the primary's number goes to the crossover claim, which
            # needs a next coverage; this patient has one coverage only (`load`).
            raise RemittanceError(
                _where(era, item), str(ClaimError(f"claim {claim.pk}", NO_SECONDARY_TO_CROSS_TO))
            )
        if claim.status not in POSTABLE:
            raise _OneByOne  # refused there, with the claim's status in the words
        lines = self.lines[claim.pk]
        matches = _match_lines(era, item, lines)
        posted_on = _posted_on(item.remittance, timezone.localdate(when))
        decided = payment.status_code not in NO_DECISION
        paid_on_lines: dict[int, Decimal] = {}
        patient_share = self.patient_share[claim.pk]
        written_off = self.written_off[claim.pk]
        adjustments: list[ClaimAdjustment] = []
        status = ClaimStatus(claim.status)
        if decided:
            by_line: dict[int, list[ClaimAdjustment]] = {}  # in order, as the claims app
            for match, service in zip(matches, payment.services, strict=True):
                line = match.line
                paid_on_lines[line.pk] = paid_on_lines.get(line.pk, _ZERO) + service.paid
                by_line.setdefault(line.pk, []).extend(
                    ClaimAdjustment(claim=claim, line=line, group=a.group_code,
                                    reason=a.reason_code, amount=a.amount)
                    for a in service.adjustments
                )  # fmt: skip
            adjustments = [row for rows in by_line.values() for row in rows]
            adjustments += [
                ClaimAdjustment(claim=claim, group=a.group_code, reason=a.reason_code,
                                amount=a.amount)
                for a in payment.adjustments
            ]  # fmt: skip
            for row in adjustments:
                if row.group == PATIENT_RESPONSIBILITY:
                    patient_share += row.amount
                else:
                    written_off += row.amount
            paid = (claim.paid_amount or _ZERO) + payment.paid
            status = settlement_status(
                Settlement(
                    charge=claim.total_charge, paid=paid, written_off=written_off,
                    patient_share=patient_share,
                ),
                payer_denied=payment.denied,
            )  # fmt: skip
            if status != claim.status and not can_move(claim.status, status):
                raise _OneByOne  # refused there, with the transition's own words
        # Nothing below refuses: the payment posts.
        if decided:
            for line in lines:
                if line.pk in paid_on_lines:
                    line.paid_amount = (line.paid_amount or _ZERO) + paid_on_lines[line.pk]
                    pending.lines[line.pk] = line
            pending.adjustments += adjustments
            self.patient_share[claim.pk] = patient_share
            self.written_off[claim.pk] = written_off
            claim.paid_amount = (claim.paid_amount or _ZERO) + payment.paid
            claim.adjudicated_on = posted_on
            claim.payer_claim_number = (
                payment.payer_claim_control_number[:50] or claim.payer_claim_number
            )
            if status != claim.status:
                pending.events.append(
                    ClaimStatusEvent(
                        claim=claim, previous_status=claim.status, status=status,
                        at=timezone.now(), by=actor.user, by_username=actor.username,
                        reason=f"adjudicated {posted_on.isoformat()}",
                    )
                )  # fmt: skip
                claim.status = status
            pending.audited.append((claim.pk, claim.patient_id))
        crossover = _crossed_over_to(claim, payment, one_coverage=True)
        if crossover:
            claim.crossover_payer = crossover[:60]
        if decided or crossover:
            pending.claims[claim.pk] = claim
        claim_problem, line_problems = _balance_problems(item)
        posting = ClaimPosting(
            era_file=era,
            claim=claim,
            segment_number=payment.segment_number,
            status_code=payment.status_code[:2],
            charge=payment.charge,
            paid=payment.paid,
            patient_responsibility=payment.patient_responsibility,
            payer_claim_number=payment.payer_claim_control_number[:50],
            remark_codes=list(payment.remark_codes),
            posted_on=posted_on,
            interest=payment.interest,
            crossover_payer=crossover[:60],
            balance_problem=(claim_problem or NO_DECISION.get(payment.status_code, ""))[:300],
        )
        rows = _line_postings(
            payment, matches, line_problems, self.contracted[claim.pk], decided=decided
        )
        pending.postings.append((posting, rows))
        if decided:
            self._settle_patient_share(era, claim, payment, when, pending)

    def _settle_patient_share(
        self, era: EraFile, claim: Claim, payment: ClaimPayment, when: dt.datetime,
        pending: _Pending,
    ) -> None:  # fmt: skip
        """`_settle_patient_share` for a claim with no followers: nothing owed while it is
        crossed over (held for the secondary's answer)."""
        owed = _ZERO if claim.crossover_payer else max(self.patient_share[claim.pk], _ZERO)
        change = owed - self.recorded.get(claim.pk, _ZERO)
        if change == 0:
            return
        self.recorded[claim.pk] = owed
        pending.ledger.append(
            PatientLedgerEntry(
                organisation_id=claim.organisation_id,
                patient_id=claim.patient_id,
                claim=claim,
                era_file=era,
                kind=LedgerKind.PATIENT_RESPONSIBILITY,
                amount=change,
                reason=(_patient_share_reason(payment) or f"patient share now {owed}")[:300],
                posted_at=when,
            )
        )


def _may_bill(actor: Actor) -> bool:
    try:
        require_biller(actor, "835")
    except ClaimError:
        return False
    return True


def _contracts(claims: list[Claim]) -> dict[int, dict[tuple[str, str], Decimal]]:
    """Per claim, `_contracted`'s rates, from every candidate schedule read at once: the
    payer's own schedule before the location's general one, then the latest in force."""
    schedules = list(
        FeeSchedule.objects.filter(
            location_id__in={c.location_id for c in claims},
            payer_id__in={"", *(c.payer_id for c in claims)},
        )
    )
    chosen: dict[int, int | None] = {}
    for claim in claims:
        day, payer = claim.date_of_service, claim.payer_id
        candidates = sorted(
            (
                s
                for s in schedules
                if s.location_id == claim.location_id
                and s.payer_id in ("", payer)
                and s.effective_from <= day
                and (s.effective_through is None or s.effective_through >= day)
            ),
            key=lambda s: (s.payer_id == payer, s.effective_from, s.pk),
            reverse=True,
        )
        chosen[claim.pk] = candidates[0].pk if candidates else None
    rates: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    entries = FeeScheduleEntry.objects.filter(
        schedule_id__in={pk for pk in chosen.values() if pk is not None},
        contracted_amount__isnull=False,
    )
    for schedule_id, code, modifier, amount in entries.values_list(
        "schedule_id", "code", "modifier", "contracted_amount"
    ):
        if amount is not None:
            rates[schedule_id][(code, modifier)] = amount
    return {pk: rates.get(schedule, {}) if schedule else {} for pk, schedule in chosen.items()}


def _update_rows(
    model: type[models.Model], fields: list[str], rows: Iterable[models.Model]
) -> None:
    """One UPDATE per row, sent together (`executemany`: one round trip in psycopg's pipeline);
    Django's `bulk_update` spends longer building its CASE expressions than the database does
    writing."""
    rows = list(rows)
    if not rows:
        return
    meta = model._meta
    columns = [field for name in fields if isinstance(field := meta.get_field(name), models.Field)]
    assert len(columns) == len(fields)
    assert meta.pk is not None
    quote = connection.ops.quote_name
    setting = ", ".join(f"{quote(str(f.column))} = %s" for f in columns)
    table, pk = quote(meta.db_table), quote(str(meta.pk.column))
    params = [
        [*(f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns), row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {setting} WHERE {pk} = %s", params)
