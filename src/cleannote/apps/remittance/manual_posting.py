"""A paper check and its EOB, keyed in by a biller and posted through the 835's own posting
(ADR 0750).

The biller enters the check (payer, number, date, total) and, per claim line, the allowed and
paid amounts and the adjustments with their group and reason (CO-45, PR-2 ...). Nothing is
saved unless it balances to the cent: each line's charge equals its payment plus its
adjustments, and the lines' payments add up to the check. The check is then stored as an
`EraFile` marked `entered_manually` (no content), each claim becomes a `ClaimPayment` value
like the 835 reader's, and `actions.post_claim_payment` posts it: the claim's adjudication,
the underpayment check against the contract, the patient's share, and the denial list all
see it as they see an 835.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.models import Claim, Origin
from cleannote.apps.claims.status import PATIENT_GROUP, POSTABLE
from cleannote.apps.remittance.actions import (
    PaymentItem,
    after_posting,
    post_claim_payment,
    require_poster,
)
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.line_matching import LineMatch
from cleannote.apps.remittance.models import EraFile, MatchedBy
from cleannote.edi.x12_835 import Adjustment, ClaimPayment, Procedure, Remittance, ServicePayment

_ZERO = Decimal("0")
GROUPS = ("CO", "PR", "OA", "PI", "CR")
_ADJUSTMENT = re.compile(r"^(?P<group>[A-Z]{2})-(?P<reason>[A-Z0-9]{1,5})\s+(?P<amount>-?[\d.]+)$")
_SEPARATORS = re.compile(r"[;,\n]+")


@dataclass(frozen=True, slots=True)
class EnteredLine:
    """What the EOB says of one claim line."""

    line_id: int
    paid: Decimal
    allowed: Decimal | None = None
    adjustments: tuple[tuple[str, str, Decimal], ...] = ()

    @property
    def adjusted(self) -> Decimal:
        return sum((amount for _, _, amount in self.adjustments), _ZERO)

    @property
    def patient_share(self) -> Decimal:
        return sum((a for g, _, a in self.adjustments if g == PATIENT_GROUP), _ZERO)


@dataclass(frozen=True, slots=True)
class EnteredClaim:
    claim_id: int
    lines: tuple[EnteredLine, ...]
    payer_claim_number: str = ""


@dataclass(frozen=True, slots=True)
class EnteredCheck:
    payer_name: str
    check_number: str
    paid_on: dt.date
    total: Decimal
    claims: tuple[EnteredClaim, ...] = field(default_factory=tuple)

    @property
    def lines_paid(self) -> Decimal:
        return sum((line.paid for c in self.claims for line in c.lines), _ZERO)


def parse_adjustments(text: str, where: str) -> tuple[tuple[str, str, Decimal], ...]:
    """ "CO-45 20.00; PR-2 10.00" as (group, reason, amount) triplets, or a refusal naming the
    piece that is not one."""
    out = []
    for piece in (p.strip().upper() for p in _SEPARATORS.split(text or "")):
        if not piece:
            continue
        found = _ADJUSTMENT.match(re.sub(r"\s+", " ", piece))
        if found is None or found["group"] not in GROUPS:
            raise RemittanceError(
                where, f"{piece[:20]!r} is not an adjustment such as CO-45 20.00 or PR-2 10.00"
            )
        amount = Decimal(found["amount"])
        if amount != amount.quantize(Decimal("0.01")):
            raise RemittanceError(where, f"{piece[:20]!r}: the amount is not to the cent")
        out.append((found["group"], found["reason"], amount))
    return tuple(out)


def balance_problems(entered: EnteredCheck, billed: dict[int, tuple[int, Decimal]]) -> list[str]:
    """Where the entry does not balance, each with the difference (empty when it does):
    per line, charge == payment + adjustments; over the check, the lines' payments == total.
    `billed` gives each claim line's number and charge by its id."""
    problems = []
    for claim in entered.claims:
        for line in claim.lines:
            number, charge = billed[line.line_id]
            accounted = line.paid + line.adjusted
            if accounted != charge:
                problems.append(
                    f"claim {claim.claim_id}, line {number}: billed {charge}, but paid "
                    f"{line.paid} + adjustments {line.adjusted} = {accounted} "
                    f"(off by {charge - accounted})"
                )
    if entered.lines_paid != entered.total:
        problems.append(
            f"check {entered.check_number}: total {entered.total}, but the lines' payments add "
            f"up to {entered.lines_paid} (off by {entered.total - entered.lines_paid})"
        )
    return problems


def _payment(claim: Claim, entry: EnteredClaim, segment: int) -> tuple[ClaimPayment, list[int]]:
    """The entry as the 835 reader would have read it; the claim's lines in entry order."""
    lines = {line.pk: line for line in claim.lines.all()}
    services = []
    for offset, entered in enumerate(entry.lines, start=1):
        line = lines[entered.line_id]
        services.append(
            ServicePayment(
                procedure=Procedure("HC", line.code, tuple(line.modifiers)),
                charge=line.charge,
                paid=entered.paid,
                units=Decimal(line.units),
                original_procedure=None,
                original_units=None,
                service_date=line.service_date,
                service_end_date=None,
                adjustments=tuple(
                    Adjustment(group_code=g, reason_code=r, amount=a, quantity=None)
                    for g, r, a in entered.adjustments
                ),
                line_control_number=line.line_control_number,
                allowed=entered.allowed,
                remark_codes=(),
                segment_number=segment + offset,
            )
        )
    paid = sum((s.paid for s in services), _ZERO)
    share = sum((e.patient_share for e in entry.lines), _ZERO)
    denied = paid == 0 and share == 0
    status = "4" if denied else ("2" if claim.origin == Origin.SECONDARY else "1")
    payment = ClaimPayment(
        patient_control_number=claim.patient_control_number or "",
        status_code=status,
        charge=sum((s.charge for s in services), _ZERO),
        paid=paid,
        patient_responsibility=share,
        filing_indicator="",
        payer_claim_control_number=entry.payer_claim_number,
        frequency_code="1",
        adjustments=(),
        remark_codes=(),
        statement_from=claim.date_of_service,
        statement_to=claim.date_of_service,
        received=None,
        services=tuple(services),
        segment_number=segment,
    )
    return payment, [e.line_id for e in entry.lines]


def _claims(actor: Actor, entered: EnteredCheck) -> dict[int, Claim]:
    ids = [c.claim_id for c in entered.claims]
    if not ids:
        raise RemittanceError("claims", "enter at least one claim line the check pays")
    if len(set(ids)) != len(ids):
        raise RemittanceError("claims", "a claim is entered twice; put all its lines together")
    claims = {
        c.pk: c
        for c in Claim.objects.filter(organisation=actor.organisation, pk__in=ids)
        .select_related("location")
        .prefetch_related("lines")
    }
    for claim_id in ids:
        claim = claims.get(claim_id)
        if claim is None:
            raise RemittanceError(f"claim {claim_id}", "is no claim of this organisation")
        if claim.status not in POSTABLE:
            raise RemittanceError(f"claim {claim_id}", f"is {claim.status}; it was never sent")
    for entry in entered.claims:
        own = {line.pk for line in claims[entry.claim_id].lines.all()}
        for line in entry.lines:
            if line.line_id not in own:
                raise RemittanceError(
                    f"claim {entry.claim_id}", f"has no line {line.line_id} to post to"
                )
    return claims


@transaction.atomic
def do_post_manual_check(
    actor: Actor, entered: EnteredCheck, *, at: dt.datetime | None = None
) -> EraFile:
    """Post a paper check that balances; refuse one that does not with every place it is off
    (`RemittanceError` whose problem lists them), writing nothing."""
    subject = f"check {entered.check_number or '?'}"
    require_poster(actor, subject)
    if not entered.payer_name.strip():
        raise RemittanceError("payer", "choose the payer that sent the check")
    if not entered.check_number.strip():
        raise RemittanceError("check_number", "enter the check number")
    claims = _claims(actor, entered)
    billed = {
        line.pk: (line.number, line.charge) for c in claims.values() for line in c.lines.all()
    }
    problems = balance_problems(entered, billed)
    if problems:
        raise RemittanceError(subject, "does not balance: " + "; ".join(problems))
    key = f"manual|{entered.payer_name.strip().upper()}|{entered.check_number.strip()}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    if EraFile.objects.filter(organisation=actor.organisation, sha256=digest).exists():
        raise RemittanceError("check_number", "this payer's check with that number is posted")
    when = at or timezone.now()
    era = EraFile.objects.create(
        organisation=actor.organisation,
        file_name=f"Paper check {entered.check_number.strip()}"[:120],
        sha256=digest,
        content="",
        payer_name=entered.payer_name.strip()[:60],
        payment_amount=entered.total,
        payment_method="CHK",
        payment_date=entered.paid_on,
        trace_number=entered.check_number.strip()[:50],
        entered_manually=True,
        imported_at=when,
        imported_by=actor.user,
    )
    remittance = _remittance(entered)
    for position, entry in enumerate(entered.claims):
        claim = claims[entry.claim_id]
        payment, line_ids = _payment(claim, entry, (position + 1) * 1000)
        lines = {line.pk: line for line in claim.lines.all()}
        matches = [LineMatch(lines[pk], MatchedBy.MANUAL) for pk in line_ids]
        post_claim_payment(
            actor,
            era,
            PaymentItem(remittance, payment, position),
            Claim.objects.get(pk=claim.pk),
            matches,
            when,
        )
    after_posting(actor, era)
    do_record_audit_event(actor, AuditAction.CREATE, "era_file", era.pk, reason="paper check")
    return era


def _remittance(entered: EnteredCheck) -> Remittance:
    return Remittance(
        control_number="",
        payer=None,
        payee=None,
        handling_code="C",
        payment_amount=entered.total,
        credit_debit="C",
        payment_method="CHK",
        payment_date=entered.paid_on,
        trace_number=entered.check_number,
        trace_originator="",
        production_date=entered.paid_on,
        claims=(),
        provider_adjustments=(),
        balance_warning=None,
    )
