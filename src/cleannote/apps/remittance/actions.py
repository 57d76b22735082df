"""The only writer of remittance postings and patient ledger entries.

`do_import_835` posts one 835 file completely or not at all: it reads and checks the whole
file, matches every claim payment and service line first, and only then writes, in one
transaction. Any unknown claim, unmatched line or refused status change undoes everything and
raises `RemittanceError` naming the file, the segment number and the problem. The same file
imported again changes nothing (ADR 0163).
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.actions import LineOutcome, do_record_adjudication
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.fees import fee_schedule_for
from cleannote.apps.claims.models import Claim, ClaimLine, FeeScheduleEntry
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.line_matching import LineMatch, match_line
from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LedgerKind,
    LinePosting,
    PatientLedgerEntry,
)
from cleannote.edi.tokenizer import X12Error, iter_segments
from cleannote.edi.x12_835 import Adjustment, ClaimPayment, Remittance, read_835

PATIENT_RESPONSIBILITY = "PR"
_ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class _Planned:
    """One claim payment matched to our claim and lines, ready to write."""

    remittance: Remittance
    payment: ClaimPayment
    claim: Claim
    clp_segment: int
    lines: tuple[tuple[LineMatch, int], ...]  # (match, SVC segment number), in file order


def _require_poster(actor: Actor, subject: str) -> None:
    if actor.user is None:
        return  # a background task acting for the organisation
    staff = Staff.objects.filter(user=actor.user).only("role", "organisation_id").first()
    if staff is None or not has_capability(staff.role, Capability.POST_PAYMENTS):
        raise RemittanceError(subject, "only billers and owners may post remittances")
    if staff.organisation_id != actor.organisation.pk:
        raise RemittanceError(subject, "belongs to another organisation")


def _segment_numbers(data: bytes, source: str) -> list[tuple[int, list[int]]]:
    """(CLP segment number, [its SVC segment numbers]) in file order; the 835 reader keeps no
    positions, and a refusal must point at the segment."""
    out: list[tuple[int, list[int]]] = []
    for segment in iter_segments(data, source=source):
        if segment.id == "CLP":
            out.append((segment.number, []))
        elif segment.id == "SVC" and out:
            out[-1][1].append(segment.number)
    return out


def _plan(
    actor: Actor,
    file_name: str,
    remittances: list[Remittance],
    positions: list[tuple[int, list[int]]],
) -> list[_Planned]:
    payments = [(r, p) for r in remittances for p in r.claims]
    numbers = {p.patient_control_number for _, p in payments}
    claims = {
        c.patient_control_number: c
        for c in Claim.objects.filter(
            organisation=actor.organisation, patient_control_number__in=numbers
        ).prefetch_related("lines")
    }
    planned: list[_Planned] = []
    seen: set[int] = set()
    for (remittance, payment), (clp_number, svc_numbers) in zip(payments, positions, strict=True):
        where = f"{file_name}: segment {clp_number} (CLP)"
        claim = claims.get(payment.patient_control_number)
        if claim is None:
            raise RemittanceError(
                where,
                f"CLP01 {payment.patient_control_number!r} matches no claim of this "
                "organisation; nothing posted",
            )
        if payment.reversed:
            raise RemittanceError(
                where, f"reverses claim {claim.pk}; post reversals by hand; nothing posted"
            )
        if claim.pk in seen:
            raise RemittanceError(where, f"pays claim {claim.pk} twice; nothing posted")
        seen.add(claim.pk)
        rows: list[ClaimLine] = list(claim.lines.all())
        taken: set[int] = set()
        matches: list[tuple[LineMatch, int]] = []
        for service, svc_number in zip(payment.services, svc_numbers, strict=True):
            match = match_line(service, rows, taken)
            if match is None:
                procedure = service.procedure
                raise RemittanceError(
                    f"{file_name}: segment {svc_number} (SVC)",
                    f"no unpaid line of claim {claim.pk} for {procedure.code}"
                    f"{''.join('-' + m for m in procedure.modifiers)}; nothing posted",
                )
            taken.add(match.line.pk)
            matches.append((match, svc_number))
        planned.append(_Planned(remittance, payment, claim, clp_number, tuple(matches)))
    return planned


def _triplets(adjustments: tuple[Adjustment, ...]) -> tuple[tuple[str, str, Decimal], ...]:
    return tuple((a.group_code, a.reason_code, a.amount) for a in adjustments)


def _contracted(
    claim: Claim, cache: dict[tuple[int, str, dt.date], dict[str, Decimal]]
) -> dict[str, Decimal]:
    """Contracted per-unit amounts of the fee schedule in force for the claim, by code."""
    key = (claim.location_id, claim.payer_id, claim.date_of_service)
    if key not in cache:
        schedule = fee_schedule_for(claim.location, claim.payer_id, claim.date_of_service)
        entries = (
            FeeScheduleEntry.objects.filter(schedule=schedule, contracted_amount__isnull=False)
            if schedule is not None
            else FeeScheduleEntry.objects.none()
        )
        cache[key] = {
            code: amount
            for code, amount in entries.values_list("code", "contracted_amount")
            if amount is not None
        }
    return cache[key]


def _posted_on(remittance: Remittance, fallback: dt.date) -> dt.date:
    return remittance.payment_date or remittance.production_date or fallback


@transaction.atomic
def do_import_835(
    actor: Actor, data: bytes, *, file_name: str, at: dt.datetime | None = None
) -> EraFile:
    """Post every claim payment of the file, or none; the same file again returns its row."""
    organisation = actor.organisation
    _require_poster(actor, file_name)
    digest = hashlib.sha256(data).hexdigest()
    existing = EraFile.objects.filter(organisation=organisation, sha256=digest).first()
    if existing is not None:
        return existing
    try:
        remittances = list(read_835(data, source=file_name))
        positions = _segment_numbers(data, file_name)
    except X12Error as exc:
        raise RemittanceError(str(exc), "nothing posted") from None
    if not any(r.claims for r in remittances):
        raise RemittanceError(file_name, "holds no claim payment; nothing posted")
    planned = _plan(actor, file_name, remittances, positions)
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
    fees: dict[tuple[int, str, dt.date], dict[str, Decimal]] = {}
    for item in planned:
        _post(actor, era, item, fees, when)
    do_record_audit_event(actor, AuditAction.CREATE, "era_file", era.pk)
    return era


def _post(
    actor: Actor,
    era: EraFile,
    item: _Planned,
    fees: dict[tuple[int, str, dt.date], dict[str, Decimal]],
    when: dt.datetime,
) -> None:
    payment, claim = item.payment, item.claim
    posted_on = _posted_on(item.remittance, timezone.localdate(when))
    outcomes = {
        match.line.number: LineOutcome(
            paid=service.paid, adjustments=_triplets(service.adjustments)
        )
        for (match, _), service in zip(item.lines, payment.services, strict=True)
    }
    try:
        do_record_adjudication(
            actor,
            claim,
            adjudicated_on=posted_on,
            payer_claim_number=payment.payer_claim_control_number[:50],
            lines=outcomes,
            claim_adjustments=_triplets(payment.adjustments),
        )
    except ClaimError as exc:
        raise RemittanceError(
            f"{era.file_name}: segment {item.clp_segment} (CLP)", f"{exc}; nothing posted"
        ) from None
    posting = ClaimPosting.objects.create(
        era_file=era,
        claim=claim,
        segment_number=item.clp_segment,
        status_code=payment.status_code,
        charge=payment.charge,
        paid=payment.paid,
        patient_responsibility=payment.patient_responsibility,
        payer_claim_number=payment.payer_claim_control_number[:50],
        remark_codes=list(payment.remark_codes),
        posted_on=posted_on,
    )
    contracted = _contracted(claim, fees)
    rows: list[LinePosting] = []
    for (match, svc_number), service in zip(item.lines, payment.services, strict=True):
        line = match.line
        per_unit = contracted.get(line.code)
        expected = per_unit * line.units if per_unit is not None else None
        patient_share = sum(
            (a.amount for a in service.adjustments if a.group_code == PATIENT_RESPONSIBILITY),
            _ZERO,
        )
        basis = service.allowed if service.allowed is not None else service.paid + patient_share
        denied = service.paid == 0 and not patient_share
        rows.append(
            LinePosting(
                claim_posting=posting,
                claim_line=line,
                segment_number=svc_number,
                matched_by=match.matched_by,
                charge=service.charge,
                paid=service.paid,
                allowed=service.allowed,
                units=service.units,
                remark_codes=list(service.remark_codes),
                expected=expected,
                underpaid=expected is not None and not denied and basis < expected,
            )
        )
    LinePosting.objects.bulk_create(rows)
    _move_patient_responsibility(era, posting, payment, when)


def _move_patient_responsibility(
    era: EraFile, posting: ClaimPosting, payment: ClaimPayment, when: dt.datetime
) -> None:
    by_reason: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for adjustment in payment.all_adjustments():
        if adjustment.group_code == PATIENT_RESPONSIBILITY:
            by_reason[adjustment.reason_code] += adjustment.amount
    total = sum(by_reason.values(), _ZERO)
    if total == 0:
        return
    claim = posting.claim
    PatientLedgerEntry.objects.create(
        organisation_id=claim.organisation_id,
        patient_id=claim.patient_id,
        claim=claim,
        era_file=era,
        kind=LedgerKind.PATIENT_RESPONSIBILITY,
        amount=total,
        reason=", ".join(f"PR-{code} {amount}" for code, amount in sorted(by_reason.items())),
        posted_at=when,
    )
