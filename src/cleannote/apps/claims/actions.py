"""The only writers of claims, fee schedules and batches: `do_*` functions, one transaction each.

Every status change goes through `_set_status`, which checks the transition table in
`status.py` and writes a `ClaimStatusEvent` row. Every change to a claim writes an audit event
with the patient's id in the same transaction. Only billers and owners act on claims.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from django.db import IntegrityError, transaction
from django.utils import timezone
from msgspec.structs import replace

from cleannote.apps.audit.actions import Actor, do_record_audit_event, do_record_audit_events
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.claims.denied import DENIAL_STATUSES, refresh_denied_reasons
from cleannote.apps.claims.errors import ClaimError, ClaimRefusedError
from cleannote.apps.claims.fees import FeeBook, price_lines
from cleannote.apps.claims.models import (
    BILLED_ONCE,
    NEXT_PAYER_ORIGINS,
    Batch,
    BatchClaim,
    Claim,
    ClaimAdjustment,
    ClaimDiagnosis,
    ClaimFinding,
    ClaimLine,
    ClaimStatus,
    ClaimStatusEvent,
    FeeSchedule,
    FeeScheduleEntry,
    Frequency,
    Origin,
    PayerSequence,
)
from cleannote.apps.claims.pip_limits import note_limit_reached, stamp_exhausted_carrier
from cleannote.apps.claims.selectors import settlement_of
from cleannote.apps.claims.status import ADJUDICATED, POSTABLE, can_move, settlement_status
from cleannote.apps.exchange.actions import do_file_with_clearinghouse, open_envelope
from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter
from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import ClearinghouseProfile
from cleannote.apps.exchange.routes import default_profile, routes_for, usable
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.visit_builder import (
    VisitBuildError,
    billed_coverage,
    build_visit,
    load_note_for_visit,
)
from cleannote.apps.organisations.models import Location, Organisation, Role, Staff
from cleannote.apps.patients.coverage_order import claim_order
from cleannote.apps.patients.models import Case, Coverage
from cleannote.edi.envelope import X12WriteError
from cleannote.edi.x12_837p import write_837p
from cleannote.platform.reference_tables import scrub_tables
from cleannote.rules.findings import ClaimLine as CoreLine
from cleannote.rules.findings import Finding, ScrubResult, Severity
from cleannote.rules.ncci import MueTable, PtpTable
from cleannote.rules.scrub.context import Replacement
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Visit
from cleannote.rules.visit_format import visit_to_dict

CLAIM_ROLES = frozenset({Role.OWNER, Role.BILLER})
_NEVER_TAKEN = frozenset({ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.REJECTED})
_NON_FILE_CHARS = re.compile(r"[^A-Za-z0-9]+")
NO_SECONDARY_TO_CROSS_TO = (
    "crossed over, but the patient has no secondary coverage active on the date of service"
)


def may_bill(staff: Staff | None) -> bool:
    return staff is not None and staff.role in CLAIM_ROLES


def require_biller(actor: Actor, subject: str) -> None:
    if actor.user is None:
        return  # a system task acting for the organisation
    staff = Staff.objects.filter(user=actor.user).only("role", "organisation_id").first()
    if not may_bill(staff):
        raise ClaimError(subject, "only billers and owners may act on claims")
    assert staff is not None
    if staff.organisation_id != actor.organisation.pk:
        raise ClaimError(subject, "belongs to another organisation")


def _require_same_organisation(actor: Actor, claim: Claim) -> None:
    if claim.organisation_id != actor.organisation.pk:
        raise ClaimError(f"claim {claim.pk}", "belongs to another organisation")


def _set_status(
    actor: Actor, claim: Claim, status: ClaimStatus, reason: str = "", *, at: dt.datetime | None
) -> None:
    if not can_move(claim.status, status):
        raise ClaimError(f"claim {claim.pk}", f"cannot go from {claim.status} to {status.value}")
    previous = claim.status
    ClaimStatusEvent.objects.create(
        claim=claim,
        previous_status=claim.status,
        status=status,
        at=at or timezone.now(),
        by=actor.user,
        by_username=actor.username,
        reason=reason[:300],
    )
    fields = ["status"]
    if status is ClaimStatus.CLOSED and claim.status in _NEVER_TAKEN:
        claim.voided = True  # closed before a payer took it: the note may be billed again
        fields.append("voided")
    claim.status = status
    claim.save(update_fields=fields)
    if previous in DENIAL_STATUSES or status in DENIAL_STATUSES:
        refresh_denied_reasons([claim.pk])  # in or out of the denials worklist (ADR 0871)


def _set_statuses(
    actor: Actor, claims: Sequence[Claim], status: ClaimStatus, reason: str, *, at: dt.datetime
) -> None:
    """`_set_status` for many locked claims at once (a batch of a thousand): one insert of the
    status events and one update, for a move that voids nothing (not to closed)."""
    if status is ClaimStatus.CLOSED:
        raise ValueError("closing may void a claim; close claims one by one")
    for claim in claims:
        if not can_move(claim.status, status):
            raise ClaimError(
                f"claim {claim.pk}", f"cannot go from {claim.status} to {status.value}"
            )
    ClaimStatusEvent.objects.bulk_create(
        ClaimStatusEvent(
            claim=claim, previous_status=claim.status, status=status, at=at, by=actor.user,
            by_username=actor.username, reason=reason[:300],
        )
        for claim in claims
    )  # fmt: skip
    touched = [c.pk for c in claims if status in DENIAL_STATUSES or c.status in DENIAL_STATUSES]
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(status=status)
    for claim in claims:
        claim.status = status
    refresh_denied_reasons(touched)  # ADR 0871


def _mark_first_sent(claims: Sequence[Claim], at: dt.datetime) -> None:
    """The day claims going into a batch were first sent, for those never sent before (a
    resubmitted claim already carries its predecessor's): what A/R aging counts from (ADR 0704).
    One update however many claims."""
    day = timezone.localdate(at)
    unsent = [c for c in claims if c.first_sent_on is None]
    Claim.objects.filter(pk__in=[c.pk for c in unsent]).update(first_sent_on=day)
    for claim in unsent:
        claim.first_sent_on = day


def _lock(actor: Actor, claim: Claim) -> Claim:
    _require_same_organisation(actor, claim)
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _audit(actor: Actor, action: AuditAction, claim: Claim) -> None:
    do_record_audit_event(actor, action, "claim", claim.pk, patient_id=claim.patient_id)


# --- fee schedules ------------------------------------------------------------------------


@transaction.atomic
def do_create_fee_schedule(
    location: Location,
    *,
    name: str,
    source: str,
    effective_from: dt.date,
    fees: Mapping[str, Decimal | tuple[Decimal, Decimal | None]],
    payer_id: str = "",
    effective_through: dt.date | None = None,
) -> FeeSchedule:
    """`fees` maps a code to its per-unit amount, or to (amount, contracted amount)."""
    schedule = FeeSchedule(
        organisation_id=location.organisation_id,
        location=location,
        payer_id=payer_id,
        name=name,
        source=source,
        effective_from=effective_from,
        effective_through=effective_through,
    )
    schedule.full_clean(exclude=["organisation", "location"])
    schedule.save()
    entries = []
    for code, value in sorted(fees.items()):
        amount, contracted = value if isinstance(value, tuple) else (value, None)
        entry = FeeScheduleEntry(
            schedule=schedule, code=code, amount=amount, contracted_amount=contracted
        )
        entry.full_clean(exclude=["schedule"], validate_unique=False)
        entries.append(entry)
    FeeScheduleEntry.objects.bulk_create(entries)
    return schedule


def _default_fees() -> dict[str, object]:
    text = resources.files("cleannote.apps.claims").joinpath("data/default_fees.json")
    data: dict[str, object] = json.loads(text.read_text(encoding="utf-8"))
    return data


@transaction.atomic
def do_ensure_default_fee_schedule(location: Location) -> FeeSchedule:
    """The location's general schedule from the bundled demo chargemaster, created once."""
    data = _default_fees()
    existing = FeeSchedule.objects.filter(location=location, payer_id="", name="Default").first()
    if existing is not None:
        return existing
    fees = data["fees"]
    assert isinstance(fees, dict)
    return do_create_fee_schedule(
        location,
        name="Default",
        source=str(data["source"]),
        effective_from=dt.date.fromisoformat(str(data["effective_from"])),
        fees={code: Decimal(amount) for code, amount in fees.items()},
    )


# --- claims from notes ----------------------------------------------------------------------


def _coverage_for(note: Note) -> Coverage:
    """The first payer of the note's coordination-of-benefits order (ADR 0500)."""
    coverage = billed_coverage(note)
    if coverage is None:
        raise ClaimError(f"note {note.pk}", "has no coverage active on the date of service")
    return coverage


def _save_claim(
    actor: Actor,
    *,
    note: Note,
    coverage: Coverage,
    visit: Visit,
    lines: Sequence[CoreLine],
    origin: Origin,
    frequency: Frequency = Frequency.ORIGINAL,
    payer_claim_number: str = "",
    original: Claim | None = None,
    primary: Claim | None = None,
    location: Location | None = None,
    reason: str = "",
    status: ClaimStatus = ClaimStatus.DRAFT,
    audited: list[tuple[object, int | None]] | None = None,
    payer_sequence: str = PayerSequence.PRIMARY,
    from_remittance_on: dt.date | None = None,
) -> Claim:
    """Write the claim, its diagnoses, lines and first status event, and audit it; with
    `audited`, the audit event is left to the caller, which appends all of a request's at once
    (`do_record_audit_events`) inside the same transaction."""
    claim = Claim(
        organisation=actor.organisation,
        location=location or note.location,
        patient_id=note.patient_id,
        coverage=coverage,
        note=note,
        date_of_service=visit.date_of_service,
        payer_name=visit.payer.name,
        payer_id=visit.payer.payer_id,
        payer_kind=visit.payer.kind.value,
        frequency=frequency,
        origin=origin,
        payer_claim_number=payer_claim_number,
        original_claim=original,
        primary_claim=primary,
        payer_sequence=payer_sequence,
        from_remittance_on=from_remittance_on,
        visit=visit_to_dict(replace(visit, id="pending")),
        total_charge=sum((line.charge for line in lines), Decimal("0")),
        created_by=actor.user,
        status=status,
    )
    claim.save()
    claim.patient_control_number = f"CN{claim.pk}"
    claim.visit = {**claim.visit, "id": claim.patient_control_number}
    claim.save(update_fields=["patient_control_number", "visit"])
    ClaimDiagnosis.objects.bulk_create(
        ClaimDiagnosis(claim=claim, position=i, code=code)
        for i, code in enumerate(visit.diagnoses, start=1)
    )
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            number=number,
            code=line.code,
            units=line.units,
            modifiers=list(line.modifiers),
            diagnosis_pointers=list(line.diagnosis_pointers),
            charge=line.charge,
            service_date=visit.date_of_service,
            service_index=line.service_index,
            line_control_number=f"{claim.patient_control_number}-{number}",
        )
        for number, line in enumerate(lines, start=1)
    )
    ClaimStatusEvent.objects.create(
        claim=claim,
        status=status,
        at=timezone.now(),
        by=actor.user,
        by_username=actor.username,
        reason=reason[:300],
    )
    if audited is None:
        _audit(actor, AuditAction.CREATE, claim)
    else:
        audited.append((claim.pk, claim.patient_id))
    return claim


@transaction.atomic
def do_create_claim_from_note(
    actor: Actor,
    note: Note,
    *,
    coverage: Coverage | None = None,
    prior_authorization: str | None = None,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    as_of: dt.date | None = None,
) -> Claim:
    """A draft claim for a signed note: scrubbed by the core, priced from the fee schedule.

    `as_of` is the day the claim is made, which the date rules judge (a future service, timely
    filing); the clinic's today unless given (a demo dated in the past passes its own day).

    Refuses (`ClaimRefusedError`, carrying every finding) when the scrubber reports an error;
    warnings and notes are kept on the claim for the worklist. A note is billed once to each
    payer: asking again answers with the claim it already has (the database constraint
    `claim_once_per_note_and_payer` decides a race between two requests the same way).
    """
    require_biller(actor, f"note {note.pk}")
    loaded = load_note_for_visit(note.pk, actor.organisation)
    return claim_from_loaded_note(
        actor, note.pk, loaded, coverage=coverage, prior_authorization=prior_authorization,
        ptp=ptp, mue=mue, as_of=as_of,
    )  # fmt: skip


def claim_from_loaded_note(
    actor: Actor,
    note_id: int,
    loaded: Note | None,
    *,
    coverage: Coverage | None = None,
    prior_authorization: str | None = None,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    as_of: dt.date | None = None,
    fee_book: FeeBook | None = None,
    audited: list[tuple[object, int | None]] | None = None,
    billed: dict[tuple[int, str], Claim] | None = None,
) -> Claim:
    """`do_create_claim_from_note` for a note already loaded by `load_notes_for_visits` (None:
    not found in the actor's organisation); the charge queue loads its notes in bulk and calls
    this for each in its own savepoint, with one `FeeBook`, and appends the created claims'
    audit events (`audited`) together at the end, with the notes' claims already read
    (`billed`, by note and payer, kept up to date here). The caller checks the actor may bill.
    Nothing is written before a refusal."""
    subject = f"note {note_id}"
    if loaded is None:
        raise ClaimError(subject, "no such note in this organisation")
    note = loaded
    if not note.is_signed:
        raise ClaimError(subject, "is not signed; only signed notes are billed")
    coverage = coverage or _coverage_for(note)
    if coverage.patient_id != note.patient_id:
        raise ClaimError(subject, f"coverage {coverage.pk} is another patient's")
    if billed is None:
        existing = billed_claim(note.pk, coverage.payer_id)
    else:
        existing = billed.get((note.pk, coverage.payer_id))
    if existing is not None:
        return existing
    try:
        visit = build_visit(note, coverage=coverage, prior_authorization=prior_authorization)
    except VisitBuildError as exc:
        raise ClaimError(subject, exc.problem) from exc
    if ptp is None or mue is None:
        ptp, mue = scrub_tables()
    result = scrub(visit, ptp, mue, as_of=as_of or timezone.localdate())  # the clinic's today
    if not result.clean:
        raise ClaimRefusedError(note.pk, result.findings)
    if not result.lines:
        raise ClaimError(subject, "has no billable service lines")
    lines = price_lines(
        note.location, coverage.payer_id, note.date_of_service, result.lines, fee_book
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer work usable
            claim = _save_claim(actor, note=note, coverage=coverage, visit=visit, lines=lines,
                                origin=Origin.NOTE, reason=f"from note {note.pk}",
                                audited=audited)  # fmt: skip
    except IntegrityError:
        existing = billed_claim(note.pk, visit.payer.payer_id)
        if existing is None:
            raise
        return existing
    _keep_findings(claim, result.findings)
    stamp_exhausted_carrier(claim, note.case, coverage)
    if billed is not None:
        billed[(note.pk, coverage.payer_id)] = claim
    return claim


def billed_claim(note_id: int, payer_id: str) -> Claim | None:
    """The claim that already bills this note to this payer (not voided), if any."""
    return (
        Claim.objects.filter(
            note_id=note_id, payer_id=payer_id, origin__in=BILLED_ONCE, voided=False
        )
        .order_by("id")
        .first()
    )


# --- status changes --------------------------------------------------------------------------


@transaction.atomic
def do_change_claim_status(
    actor: Actor, claim: Claim, status: ClaimStatus, *, reason: str = "",
    at: dt.datetime | None = None,
) -> Claim:  # fmt: skip
    """Any move the transition table allows (accepted, rejected, appealed, closed...)."""
    require_biller(actor, f"claim {claim.pk}")
    locked = _lock(actor, claim)
    _set_status(actor, locked, status, reason, at=at)
    _audit(actor, AuditAction.UPDATE, locked)
    return locked


def do_mark_ready(actor: Actor, claim: Claim, *, reason: str = "") -> Claim:
    return do_change_claim_status(actor, claim, ClaimStatus.READY, reason=reason)


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What the payer paid on one line (by line number) and the adjustments it made."""

    paid: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...] = ()


@transaction.atomic
def do_record_adjudication(
    actor: Actor,
    claim: Claim,
    *,
    adjudicated_on: dt.date,
    payer_claim_number: str,
    lines: Mapping[int, LineOutcome],
    claim_adjustments: Iterable[tuple[str, str, Decimal]] = (),
    paid: Decimal | None = None,
    payer_denied: bool = False,
) -> Claim:
    """Add one payer answer (from an 835 or a paper EOB) to the claim and settle its status.

    Answers add up: a second payment, a reversal (negative amounts) and its correction each add
    to the line and claim paid amounts and adjustments. `paid` is the claim's payment (CLP04);
    without it, the sum of the lines' payments. The status follows from the settlement
    (`status.settlement_status`, ADR 0250): paid when payment, adjustments and patient
    responsibility account for the charge, partially paid while the payer owes a balance,
    denied when nothing was paid and nothing left to the patient."""
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    if locked.status not in POSTABLE:
        raise ClaimError(subject, f"is {locked.status}; a payer cannot have answered it")
    rows = {line.number: line for line in locked.lines.all()}
    unknown = sorted(set(lines) - set(rows))
    if unknown:
        raise ClaimError(subject, f"has no line {unknown[0]}")
    lines_paid = Decimal("0")
    for number, outcome in lines.items():
        row = rows[number]
        row.paid_amount = (row.paid_amount or Decimal("0")) + outcome.paid
        row.save(update_fields=["paid_amount"])
        lines_paid += outcome.paid
        ClaimAdjustment.objects.bulk_create(
            ClaimAdjustment(claim=locked, line=row, group=g, reason=r, amount=a)
            for g, r, a in outcome.adjustments
        )
    ClaimAdjustment.objects.bulk_create(
        ClaimAdjustment(claim=locked, group=g, reason=r, amount=a) for g, r, a in claim_adjustments
    )
    locked.paid_amount = (locked.paid_amount or Decimal("0")) + (
        lines_paid if paid is None else paid
    )
    locked.adjudicated_on = adjudicated_on
    locked.payer_claim_number = payer_claim_number or locked.payer_claim_number
    locked.save(update_fields=["paid_amount", "adjudicated_on", "payer_claim_number"])
    status = settlement_status(settlement_of(locked), payer_denied=payer_denied)
    if status != locked.status:
        _set_status(actor, locked, status, f"adjudicated {adjudicated_on.isoformat()}", at=None)
    else:
        refresh_denied_reasons([locked.pk])  # new adjustments, same status (ADR 0871)
    _audit(actor, AuditAction.UPDATE, locked)
    note_limit_reached(actor, locked)
    return locked


# --- claims that follow a claim ----------------------------------------------------------------


def _follow_up(
    actor: Actor, claim: Claim, origin: Origin, frequency: Frequency, reason: str,
    judge: Callable[[Claim], Visit] | None = None,
) -> Claim:  # fmt: skip
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    if locked.status not in ADJUDICATED and locked.status != ClaimStatus.ACCEPTED:
        raise ClaimError(subject, f"is {locked.status}; only a claim the payer has taken can be "
                         f"{'voided' if origin is Origin.VOID else 'corrected'}")  # fmt: skip
    if not locked.payer_claim_number:
        raise ClaimError(subject, "has no payer claim number to reference (REF*F8)")
    return _save_claim(
        actor, note=locked.note, coverage=locked.coverage,
        visit=judge(locked) if judge is not None else locked.snapshot(),
        lines=locked.core_lines(), origin=origin, frequency=frequency,
        payer_claim_number=locked.payer_claim_number, original=locked,
        location=locked.location, reason=reason or f"{origin.value} of claim {locked.pk}",
        primary=locked.primary_claim, payer_sequence=locked.payer_sequence,
    )  # fmt: skip


@transaction.atomic
def do_create_corrected_claim(
    actor: Actor, claim: Claim, *, reason: str = "", as_of: dt.date | None = None
) -> Claim:
    """A replacement claim (frequency 7) carrying the payer's claim number of `claim`.

    It is scrubbed again on `as_of` (the clinic's today unless given) as a replacement of a
    claim the payer decided on its adjudication day, with the payer directory's rules as they
    stand: timely filing then follows the payer's corrected-claim rule (ADR 0391). Refused
    (`ClaimRefusedError`) on an error finding; warnings are kept on the new claim."""
    day = as_of or timezone.localdate()
    found: list[Finding] = []

    def judged(locked: Claim) -> Visit:
        visit, result = _scrub_replacement(locked, day)
        found.extend(result.findings)
        return visit

    corrected = _follow_up(actor, claim, Origin.CORRECTED, Frequency.REPLACEMENT, reason, judged)
    _keep_findings(corrected, found)
    return corrected


def _scrub_replacement(claim: Claim, as_of: dt.date) -> tuple[Visit, ScrubResult]:
    visit = claim.snapshot()
    record = claim.coverage.payer_record if claim.coverage_id else None
    if record is not None:
        payer = replace(
            visit.payer,
            policy_overrides=record.core_overrides,
            timely_filing_days=record.timely_filing_days or None,
        )
        visit = replace(visit, payer=payer)
    ptp, mue = scrub_tables()
    result = scrub(visit, ptp, mue, as_of=as_of, replaces=Replacement(claim.adjudicated_on))
    if not result.clean:
        raise ClaimRefusedError(claim.note_id, result.findings, subject=f"claim {claim.pk}")
    return visit, result


def _keep_findings(claim: Claim, findings: Iterable[Finding]) -> None:
    """The scrub's warnings and notes on the claim, for the worklist (errors refused it)."""
    ClaimFinding.objects.bulk_create(
        ClaimFinding(
            claim=claim,
            rule=f.rule,
            severity=f.severity.value,
            message=f.message,
            fix=f.fix,
            source=f.source,
            service_index=f.line,
        )
        for f in findings
        if f.severity is not Severity.ERROR
    )


@transaction.atomic
def do_void_claim(actor: Actor, claim: Claim, *, reason: str = "") -> Claim:
    """A void claim (frequency 8) asking the payer to cancel `claim`; the note may then be
    billed to that payer again."""
    void = _follow_up(actor, claim, Origin.VOID, Frequency.VOID, reason)
    Claim.objects.filter(pk=claim.pk).update(voided=True)
    claim.voided = True
    return void


def next_coverage(claim: Claim) -> Coverage | None:
    """The payer after the claim's in the coordination-of-benefits order on its date of
    service (ADR 0500): the case's order, from the patient's coverages of that day."""
    case = Case.objects.get(notes__pk=claim.note_id)
    coverages = Coverage.objects.filter(patient_id=claim.patient_id)
    order = claim_order(case, coverages, claim.date_of_service)
    billed = [c.pk for c in order]
    if claim.coverage_id not in billed:
        return None
    after = billed.index(claim.coverage_id) + 1
    return order[after] if after < len(order) else None


_NEXT_SEQUENCE = {PayerSequence.PRIMARY: PayerSequence.SECONDARY,
                  PayerSequence.SECONDARY: PayerSequence.TERTIARY}  # fmt: skip


def next_payer_claim(primary: Claim) -> Claim | None:
    """The secondary or crossover claim that follows `primary` (at most one, not voided: the
    constraint `one_next_payer_claim_per_claim`)."""
    return (
        Claim.objects.filter(primary_claim=primary, origin__in=NEXT_PAYER_ORIGINS, voided=False)
        .order_by("id")
        .first()
    )


def _next_payer_claim(
    actor: Actor, primary: Claim, coverage: Coverage, origin: Origin, reason: str,
    status: ClaimStatus = ClaimStatus.DRAFT, *, as_of: dt.date | None = None,
    from_remittance_on: dt.date | None = None,
) -> Claim:  # fmt: skip
    """The primary's lines billed to the payer of `coverage`; the claim that already follows
    the primary, or already bills the note to that payer, when there is one.

    A secondary claim passes the same scrub gate as a claim from a note, judged on `as_of`
    (`ClaimRefusedError` on an error finding; warnings are kept on it). A crossover claim is
    the payer's own copy and is not scrubbed. Two postings racing to make the same secondary
    meet the constraint `one_next_payer_claim_per_claim`: the loser answers with the winner's.
    """
    subject = f"claim {primary.pk}"
    existing = next_payer_claim(primary) or billed_claim(primary.note_id, coverage.payer_id)
    if existing is not None:
        return existing
    sequence = _NEXT_SEQUENCE.get(PayerSequence(primary.payer_sequence))
    if sequence is None:
        raise ClaimError(subject, "is the tertiary payer's; no fourth payer is billed")
    note = load_note_for_visit(primary.note_id)
    assert note is not None  # a claim's note is protected from deletion
    try:
        next_visit = build_visit(note, coverage=coverage)
    except VisitBuildError as exc:
        raise ClaimError(subject, exc.problem) from exc
    visit = replace(primary.snapshot(), payer=next_visit.payer, subscriber=next_visit.subscriber)
    findings: tuple[Finding, ...] = ()
    if origin is Origin.SECONDARY:
        ptp, mue = scrub_tables()
        # Timely filing after a prior payer counts from its remittance (ADR 0705).
        prior = from_remittance_on or primary.adjudicated_on
        result = scrub(
            visit, ptp, mue, as_of=as_of or timezone.localdate(), prior_remitted_on=prior
        )
        if not result.clean:
            raise ClaimRefusedError(primary.note_id, result.findings, subject=subject)
        findings = result.findings
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer work usable
            claim = _save_claim(
                actor, note=primary.note, coverage=coverage, visit=visit,
                lines=primary.core_lines(), origin=origin, primary=primary,
                location=primary.location, reason=reason, status=status,
                payer_sequence=sequence, from_remittance_on=from_remittance_on,
            )  # fmt: skip
    except IntegrityError:
        existing = next_payer_claim(primary) or billed_claim(primary.note_id, coverage.payer_id)
        if existing is None:
            raise
        return existing
    _keep_findings(claim, findings)
    return claim


def _secondary_allowed(locked: Claim, subject: str) -> None:
    if locked.status not in (ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID):
        raise ClaimError(subject, f"is {locked.status}; bill a secondary after the primary paid")
    if locked.crossover_payer:
        raise ClaimError(subject, f"the primary forwarded it to {locked.crossover_payer} "
                         "(crossover); the secondary answers without a claim from us")  # fmt: skip


@transaction.atomic
def do_create_secondary_claim(
    actor: Actor, claim: Claim, *, coverage: Coverage | None = None, as_of: dt.date | None = None
) -> Claim:
    """Bill the next payer once the primary paid, by hand: same lines, the primary's payment
    reported, through the scrub gate, as a draft like a claim from a note. Asking again
    answers with the secondary claim already made."""
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    _secondary_allowed(locked, subject)
    coverage = coverage or next_coverage(locked)
    if coverage is None or coverage.patient_id != locked.patient_id:
        raise ClaimError(subject, "the patient has no secondary coverage")
    if not coverage.is_active_on(locked.date_of_service):
        raise ClaimError(subject, f"coverage {coverage.pk} is not active on the date of service")
    secondary = _next_payer_claim(
        actor, locked, coverage, Origin.SECONDARY, f"secondary of claim {locked.pk}", as_of=as_of
    )
    if locked.secondary_problem:
        Claim.objects.filter(pk=locked.pk).update(secondary_problem="")
    return secondary


# What the claim after one of each place is called, and what that place is called.
_NEXT_NAMES = {PayerSequence.PRIMARY: ("secondary", "primary"),
               PayerSequence.SECONDARY: ("tertiary", "secondary")}  # fmt: skip


def _bills_a_payer_in_order(claim: Claim) -> bool:
    """A claim whose posting may make the next payer's claim: a primary claim (from a note, or
    a corrected or split claim of one), or a secondary claim we sent; never a tertiary claim
    (no fourth payer) nor a crossover (the payer's own copy: what follows it is its
    business)."""
    if claim.payer_sequence == PayerSequence.PRIMARY:
        return claim.origin not in NEXT_PAYER_ORIGINS
    return claim.payer_sequence == PayerSequence.SECONDARY and claim.origin == Origin.SECONDARY


@transaction.atomic
def do_bill_next_payer(
    actor: Actor, claim: Claim, *, remittance_date: dt.date, as_of: dt.date | None = None
) -> Claim | None:
    """The next payer's claim made when a claim's 835 posts (ADR 0740), ready to batch: the
    secondary after the primary, the tertiary after the secondary (ADR 0705), which reports
    both earlier payers' adjudication.

    None when there is nothing to bill: the claim bills no payer with one after it (a tertiary
    claim), not paid or partially paid, crossed over, nothing was left to the patient, or the
    patient has no next payer active on the date of service. A scrub
    refusal makes no claim either: its reason is kept on the primary (`secondary_problem`) for
    the claim page, where the biller fixes the record and makes it by hand. Asking again
    answers with the secondary claim already made."""
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    if not _bills_a_payer_in_order(locked):
        return None
    try:
        _secondary_allowed(locked, subject)
    except ClaimError:
        return None
    if settlement_of(locked).patient_share <= 0:
        return None
    coverage = next_coverage(locked)
    if coverage is None or not coverage.is_active_on(locked.date_of_service):
        return None
    which, prior = _NEXT_NAMES[PayerSequence(locked.payer_sequence)]
    reason = f"{which} of claim {locked.pk}, from the {prior}'s 835 of {remittance_date}"
    try:
        with transaction.atomic():
            secondary = _next_payer_claim(
                actor, locked, coverage, Origin.SECONDARY, reason, ClaimStatus.READY,
                as_of=as_of, from_remittance_on=remittance_date,
            )  # fmt: skip
    except ClaimError as exc:
        Claim.objects.filter(pk=locked.pk).update(
            secondary_problem=f"no {which} claim to {coverage.payer_name}: {exc.problem}"[:300]
        )
        return None
    if locked.secondary_problem:
        Claim.objects.filter(pk=locked.pk).update(secondary_problem="")
    return secondary


@transaction.atomic
def do_record_crossover_claim(actor: Actor, claim: Claim) -> Claim:
    """The claim the primary forwarded to the secondary payer (crossover), recorded so that the
    secondary's answer posts to it: accepted by that payer, never sent by us. A secondary claim
    made for it and not yet sent is closed (the payer has the claim already); one already sent
    takes the answer instead. Asking again answers with the one already recorded."""
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    coverage = next_coverage(locked)
    if coverage is None or not coverage.is_active_on(locked.date_of_service):
        raise ClaimError(subject, NO_SECONDARY_TO_CROSS_TO)
    to = locked.crossover_payer or "the secondary"
    unsent = next_payer_claim(locked)
    if unsent is not None and unsent.status in (ClaimStatus.DRAFT, ClaimStatus.READY):
        # The secondary answered on the primary's number: the primary forwarded the claim
        # after all, so the secondary claim we were about to send is closed, never sent.
        closing = Claim.objects.select_for_update().get(pk=unsent.pk)
        _set_status(actor, closing, ClaimStatus.CLOSED,
                    f"crossed over by claim {locked.pk} to {to}", at=None)  # fmt: skip
        _audit(actor, AuditAction.UPDATE, closing)
    return _next_payer_claim(
        actor, locked, coverage, Origin.CROSSOVER, f"crossover of claim {locked.pk} to {to}",
        status=ClaimStatus.ACCEPTED,
    )  # fmt: skip


@transaction.atomic
def do_split_claim(actor: Actor, claim: Claim, *, reason: str = "") -> Claim:
    """Rebill only the denied lines of `claim` on a new original claim."""
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    if locked.status not in (ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED):
        raise ClaimError(subject, f"is {locked.status}; only denied lines can be split off")
    denied = [line for line in locked.lines.all() if line.is_denied]
    if not denied:
        raise ClaimError(subject, "has no denied line")
    return _save_claim(
        actor, note=locked.note, coverage=locked.coverage, visit=locked.snapshot(),
        lines=locked.core_lines(denied), origin=Origin.SPLIT, original=locked,
        location=locked.location, primary=locked.primary_claim,
        payer_sequence=locked.payer_sequence,
        reason=reason or f"denied lines {', '.join(str(d.number) for d in denied)}",
    )  # fmt: skip


# --- batches ---------------------------------------------------------------------------------


def _existing_batch(organisation: Organisation, ids: list[int]) -> Batch | None:
    """The batch these exact claims already went into, if a retry is asking again."""
    batch = (
        Batch.objects.filter(organisation=organisation, entries__claim_id=ids[0])
        .order_by("-id")
        .first()
    )
    if batch is None:
        return None
    if sorted(batch.entries.values_list("claim_id", flat=True)) != ids:
        return None
    return batch


def batch_file_name(organisation: Organisation, sender_id: str, control_number: int) -> str:
    sender = _NON_FILE_CHARS.sub("", sender_id)[:20] or "SENDER"
    return f"837P_{organisation.pk}_{sender}_{control_number:09d}.x12"


def batch_route(organisation: Organisation, claims: Iterable[Claim]) -> ClearinghouseProfile | None:
    """The one clearinghouse profile every claim's payer is routed through (ADR 0707); a
    ClaimError when they go through different ones or the route is paused."""
    claims = list(claims)
    payer_ids = {c.coverage.payer_record_id for c in claims} - {None}
    routed = routes_for(organisation, {p for p in payer_ids if p is not None})
    default = default_profile(organisation)
    chosen: dict[int | None, ClearinghouseProfile | None] = {}
    for claim in claims:
        profile = routed.get(claim.coverage.payer_record_id or 0, default)
        try:
            usable(profile, claim.payer_name)
        except ExchangeError as exc:
            raise ClaimError(f"claim {claim.pk}", str(exc)) from None
        chosen.setdefault(profile.pk if profile else None, profile)
    if len(chosen) > 1:
        names = sorted(p.name if p else "the setting's" for p in chosen.values())
        raise ClaimError(
            "batch",
            f"its claims go through different clearinghouses ({', '.join(names)}); "
            "build batches by payer",
        )
    return next(iter(chosen.values()), None)


@transaction.atomic
def do_build_batch(
    actor: Actor, claim_ids: Iterable[int], *, at: dt.datetime | None = None
) -> Batch:
    """One 837P interchange of ready claims, stored with its control number and sha256.

    Asking again for the same claims returns the batch they went into; a claim that is not
    ready (already in a batch, or not yet marked ready) is refused, so no claim is sent twice.
    """
    organisation = actor.organisation
    ids = sorted(set(claim_ids))
    if not ids:
        raise ClaimError("batch", "needs at least one claim")
    require_biller(actor, "batch")
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, pk__in=ids)
        .select_related("primary_claim", "coverage")
        .prefetch_related("lines")
        .order_by("pk")
    )
    found = {c.pk for c in claims}
    if found != set(ids):
        raise ClaimError(f"claim {min(set(ids) - found)}", "no such claim in this organisation")
    not_ready = [c for c in claims if c.status != ClaimStatus.READY]
    if not_ready:
        existing = _existing_batch(organisation, ids)
        if existing is not None and all(c.status != ClaimStatus.READY for c in claims):
            return existing
        first = not_ready[0]
        raise ClaimError(f"claim {first.pk}", f"is {first.status}; only ready claims go in a batch")
    profile = batch_route(organisation, claims)
    envelope = open_envelope(organisation, at=at, profile=profile)
    created = envelope.created
    sender_id = envelope.parties.submitter.id
    try:
        content = envelope.write(write_837p, (claim_to_send(c) for c in claims))
    except X12WriteError as exc:
        raise ClaimError("batch", str(exc), code=exc.code) from exc
    batch = Batch.objects.create(
        organisation=organisation,
        profile=profile,
        sender_id=sender_id,
        receiver_id=envelope.parties.receiver.id,
        file_name=batch_file_name(organisation, sender_id, envelope.number),
        created_by=actor.user,
        **envelope.stored(content),
    )
    BatchClaim.objects.bulk_create(
        BatchClaim(batch=batch, claim=c, position=i) for i, c in enumerate(claims, start=1)
    )
    _set_statuses(actor, claims, ClaimStatus.IN_BATCH, f"batch {batch.pk}", at=created)
    _mark_first_sent(claims, created)
    do_record_audit_events(
        actor, AuditAction.EXPORT, "claim", [(c.pk, c.patient_id) for c in claims]
    )
    return batch


@transaction.atomic
def do_file_batch(actor: Actor, batch: Batch, adapter: ClearinghouseAdapter) -> Batch:
    """Hand the batch to the clearinghouse once; filing a filed batch returns it unchanged.

    The row stays locked while the adapter sends, so two workers never file it together; if
    the process dies after sending and before committing, the retry sends the same file name,
    which the outbox overwrites with identical bytes (ADR 0113).
    """
    if batch.organisation_id != actor.organisation.pk:
        raise ClaimError(f"batch {batch.pk}", "belongs to another organisation")
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    if locked.filed_at is not None:
        return locked
    content = locked.content.encode("ascii")
    if hashlib.sha256(content).hexdigest() != locked.sha256:
        raise ClaimError(f"batch {batch.pk}", "content does not match its sha256; not filed")
    do_file_with_clearinghouse(actor, locked, adapter, entity="batch")
    return locked
