"""999 and 277CA import: the clearinghouse's and the payer's first answers move our claims.

A 999 answers each 837 transaction set of a batch (AK1 names the batch's group control number,
AK2 the set's ST02; the writer puts at most `MAX_CLAIMS_PER_TRANSACTION` claims in each set, in
batch order). A set it rejects rejects every claim in it: an error the 999 ties to one claim
(`CTX*CLM01`) is that claim's reason, an error it ties to none is every claim's. An accepted set
moves nothing: it says the file was readable, not that the payer took the claim.

A 277CA answers each claim by its patient control number (TRN02, our CLM01; else the payer's
claim number, REF*1K): a rejecting category (A3, A4, A6, A7, A8) on the claim or any of its
lines rejects it, an accepting one (A0, A1, A2, A5) accepts it. A rejection at the information
receiver level (the clearinghouse refusing the file) names the 837 set by its BHT03 and rejects
all its claims; one at the billing provider level (HL 19) rejects that provider's claims of the
set, and either rejects every claim the file lists beneath it whatever the claim's own status.

Each move is a status-history row with the reason and `ClaimRejection` rows in plain words
(ADR 0702). Importing a file again moves nothing: a claim already rejected, closed or resubmitted
is left as it is. Claims not ours are counted, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.actions import (
    _audit,
    _lock,
    _set_status,
    do_create_claim_from_note,
    require_biller,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Batch, Claim, ClaimRejection, ClaimStatus, Origin
from cleannote.edi.acknowledgment_codes import (
    explain_segment_error,
    explain_set_response,
    explain_status,
    fix_area,
    status_outcome,
)
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_277 import ClaimStatus as StatusOfClaim
from cleannote.edi.x12_277 import Status, StatusReport, read_277
from cleannote.edi.x12_837p import MAX_CLAIMS_PER_TRANSACTION
from cleannote.edi.x12_999 import Acknowledgment, SegmentError, SetResponse, read_999

# A claim in one of these may still be moved by an acknowledgment.
_OPEN = frozenset({ClaimStatus.IN_BATCH, ClaimStatus.ACCEPTED})
_FILE_RULE = "ack.file"


def _reject(
    actor: Actor,
    claim: Claim,
    *,
    kind: str,
    file_name: str,
    reasons: Iterable[tuple[str, str, str]],
    at: dt.datetime,
) -> bool:
    """Move an open claim to rejected with its reasons (code, words, rule); False if it was
    not open (already rejected, resubmitted, or adjudicated)."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status not in _OPEN:
        return False
    reasons = list(reasons)
    summary = f"{kind} {file_name}: " + "; ".join(words for _, words, _ in reasons)
    _set_status(actor, locked, ClaimStatus.REJECTED, summary, at=at)
    ClaimRejection.objects.bulk_create(
        ClaimRejection(
            claim=locked,
            kind=kind,
            file_name=file_name[:255],
            received_at=at,
            code=code[:60],
            explanation=words,
            rule=rule,
        )
        for code, words, rule in reasons
    )
    _audit(actor, AuditAction.UPDATE, locked)
    return True


# --- 999 ----------------------------------------------------------------------------------------


def _batch_of(actor: Actor, ack: Acknowledgment, file_name: str) -> Batch:
    try:
        number = int(ack.group_control_number)
    except ValueError:
        raise ClaimError(
            file_name, f"AK102 {ack.group_control_number!r} is not a group control number"
        ) from None
    batch = (
        Batch.objects.filter(organisation=actor.organisation, control_number=number)
        .order_by("-created_at")
        .first()
    )
    if batch is None:
        raise ClaimError(file_name, f"answers group {number}, which is no batch of ours")
    return batch


def _set_claims(batch: Batch, claims: list[Claim], set_control_number: str) -> list[Claim]:
    """The claims the batch's set `set_control_number` (its ST02) carried: ST02 counts up from
    the batch's control number, one set per `MAX_CLAIMS_PER_TRANSACTION` claims."""
    try:
        offset = int(set_control_number) - batch.control_number
    except ValueError:
        return []
    if offset < 0:
        return []
    return claims[offset * MAX_CLAIMS_PER_TRANSACTION : (offset + 1) * MAX_CLAIMS_PER_TRANSACTION]


def _code(error: SegmentError) -> str:
    """IK301, IK304 and each IK403: `CLM:8:7`."""
    codes = [error.segment_id, error.error_code, *(e.error_code for e in error.elements)]
    return ":".join(c for c in codes if c)


def _999_reasons(claim: Claim, response: SetResponse) -> list[tuple[str, str, str]]:
    own = [e for e in response.segment_errors if e.claim == claim.patient_control_number]
    shared = [e for e in response.segment_errors if not e.claim]
    reasons = [(_code(e), explain_segment_error(e), _FILE_RULE) for e in (*own, *shared)]
    if not reasons and response.segment_errors:
        reasons.append(
            ("IK5", "rejected with the rest of its transaction set: the errors named are in "
             "other claims of the same set; resubmit it as it is", _FILE_RULE)
        )  # fmt: skip
    set_code = ":".join(("IK5", response.status, *response.error_codes))
    reasons.insert(0, (set_code, explain_set_response(response), _FILE_RULE))
    return reasons


@transaction.atomic
def do_import_999(
    actor: Actor, data: bytes, *, file_name: str, at: dt.datetime | None = None
) -> str:
    """Reject the claims of every 837 set the 999 rejects; what it did in one line."""
    require_biller(actor, file_name)
    try:
        acknowledgments = read_999(data, source=file_name)
    except X12Error as exc:
        raise ClaimError(file_name, f"not read: {exc}") from None
    when = at or timezone.now()
    sets = rejected = 0
    for ack in acknowledgments:
        if ack.functional_id != "HC":
            continue  # a 999 for a 270 or another group: nothing of claims
        batch = _batch_of(actor, ack, file_name)
        claims = [e.claim for e in batch.entries.select_related("claim").order_by("position")]
        responses = ack.sets
        if not responses and not ack.accepted:
            # The whole group rejected (AK9) without set responses: every claim of the batch.
            responses = (SetResponse("837", str(batch.control_number), "R", ack.error_codes, ()),)
        for response in responses:
            sets += 1
            if response.accepted:
                continue
            for claim in _set_claims(batch, claims, response.control_number):
                reasons = _999_reasons(claim, response)
                if _reject(actor, claim, kind="999", file_name=file_name, reasons=reasons, at=when):
                    rejected += 1
    return f"999: {sets} transaction set(s) answered, {rejected} claim(s) rejected"


# --- 277CA --------------------------------------------------------------------------------------


def _statuses(answer: StatusOfClaim) -> list[Status]:
    return [*answer.statuses, *(s for line in answer.services for s in line.statuses)]


def _277_reason(status: Status) -> tuple[str, str, str]:
    code = ":".join(filter(None, (status.category, status.status, status.entity)))
    area = fix_area(status.status, status.entity)
    return code, explain_status(status), f"ack.{area}" if area else _FILE_RULE


@transaction.atomic
def do_import_277ca(
    actor: Actor, data: bytes, *, file_name: str, at: dt.datetime | None = None
) -> str:
    """Accept or reject each claim the 277CA answers; what it did in one line."""
    require_biller(actor, file_name)
    try:
        reports = read_277(data, source=file_name)
    except X12Error as exc:
        raise ClaimError(file_name, f"not read: {exc}") from None
    reports = [r for r in reports if "X214" in r.implementation_guide]
    if not reports:
        raise ClaimError(file_name, "is not a 277CA (005010X214) claim acknowledgment")
    when = at or timezone.now()
    answers = [a for r in reports for a in r.claims]
    mine = Claim.objects.filter(organisation=actor.organisation)
    by_pcn = {
        c.patient_control_number: c
        for c in mine.filter(patient_control_number__in={a.patient_control_number for a in answers})
    }
    payer_numbers = {a.payer_claim_control_number for a in answers} - {""}
    by_payer_number = {
        c.payer_claim_number: c for c in mine.filter(payer_claim_number__in=payer_numbers)
    }

    def claim_of(answer: StatusOfClaim) -> Claim | None:
        return by_pcn.get(answer.patient_control_number) or by_payer_number.get(
            answer.payer_claim_control_number
        )

    # Refusals above the claims (the receiver, the billing provider): each claim they cover,
    # with those reasons first.
    inherited = _level_rejections(actor, reports, claim_of)
    accepted = rejected = unknown = 0
    for answer in answers:
        claim = claim_of(answer)
        if claim is None:
            unknown += 1
            continue
        statuses = _statuses(answer)
        refusals = [s for s in statuses if status_outcome(s.category) == "rejected"]
        above = inherited.pop(claim.pk, (claim, []))[1]
        if refusals or above:
            reasons = [*above, *(_277_reason(s) for s in refusals)]
            if _reject(actor, claim, kind="277CA", file_name=file_name, reasons=reasons, at=when):
                rejected += 1
            continue
        taken = [s for s in statuses if status_outcome(s.category) == "accepted"]
        if taken and _accept(actor, claim, answer, taken[0], file_name, when):
            accepted += 1
    for claim, reasons in inherited.values():
        if _reject(actor, claim, kind="277CA", file_name=file_name, reasons=reasons, at=when):
            rejected += 1
    return (
        f"277CA: {accepted} claim(s) accepted, {rejected} rejected, {unknown} not ours or not found"
    )


def _claims_of_trace(actor: Actor, trace: str) -> list[Claim]:
    """The claims of the 837 set whose BHT03 ("<ISA13>-<ST02>") a 277CA's information
    receiver level names; none when it names no batch of ours."""
    interchange, _, set_number = trace.partition("-")
    try:
        number = int(interchange)
    except ValueError:
        return []
    batch = (
        Batch.objects.filter(organisation=actor.organisation, control_number=number)
        .order_by("-created_at")
        .first()
    )
    if batch is None:
        return []
    claims = [e.claim for e in batch.entries.select_related("claim").order_by("position")]
    return _set_claims(batch, claims, set_number)


def _billing_npi(claim: Claim) -> str:
    """The billing provider's NPI the claim was sent with (2010AA NM109), from its snapshot."""
    provider = claim.visit.get("billing_provider") if isinstance(claim.visit, dict) else None
    return str(provider.get("npi", "")) if isinstance(provider, dict) else ""


def _level_rejections(
    actor: Actor,
    reports: list[StatusReport],
    claim_of: Callable[[StatusOfClaim], Claim | None],
) -> dict[int, tuple[Claim, list[tuple[str, str, str]]]]:
    """Each claim a rejection above the claim level covers, with its reasons (ADR 0702).

    At the information receiver level (HL 21: the clearinghouse refusing the file) the trace
    names the 837 set, every claim of which is covered. At the billing provider level (HL 19:
    the provider not enrolled, its NPI unknown) the claims of that set sent with that
    provider's NPI are covered (all of the set when the level names no NPI). Either way the
    claims the file lists under the refused level are covered too, so a file whose trace is
    not ours still rejects the claims it names.
    """
    covered: dict[int, tuple[Claim, list[tuple[str, str, str]]]] = {}

    def cover(claims: Iterable[Claim], reason: tuple[str, str, str]) -> None:
        for claim in claims:
            reasons = covered.setdefault(claim.pk, (claim, []))[1]
            if reason not in reasons:
                reasons.append(reason)

    for report in reports:
        for trace, status in report.receiver_statuses:
            if status_outcome(status.category) != "rejected":
                continue
            code, words, rule = _277_reason(status)
            reason = (code, f"the whole transaction set {trace} was rejected: {words}", rule)
            listed = (claim_of(a) for a in report.claims if a.receiver_trace == trace)
            cover([*_claims_of_trace(actor, trace), *filter(None, listed)], reason)
        for level in report.provider_statuses:
            if status_outcome(level.status.category) != "rejected":
                continue
            code, words, rule = _277_reason(level.status)
            who = f"billing provider NPI {level.npi}" if level.npi else "the billing provider"
            trace = level.receiver_trace
            where = f"transaction set {trace}" if trace else "this file"
            reason = (code, f"every claim of {who} in {where} was rejected: {words}", rule)
            of_set = [
                c
                for c in _claims_of_trace(actor, level.receiver_trace)
                if not level.npi or _billing_npi(c) == level.npi
            ]
            listed = (
                claim_of(a)
                for a in report.claims
                if (a.receiver_trace, a.provider_npi) == (level.receiver_trace, level.npi)
            )
            cover([*of_set, *filter(None, listed)], reason)
    return covered


def _accept(
    actor: Actor,
    claim: Claim,
    answer: StatusOfClaim,
    status: Status,
    file_name: str,
    at: dt.datetime,
) -> bool:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.IN_BATCH:
        return False
    _set_status(
        actor, locked, ClaimStatus.ACCEPTED, f"277CA {file_name}: {explain_status(status)}", at=at
    )
    if answer.payer_claim_control_number and not locked.payer_claim_number:
        locked.payer_claim_number = answer.payer_claim_control_number[:50]
        locked.save(update_fields=["payer_claim_number"])
    _audit(actor, AuditAction.UPDATE, locked)
    return True


# --- resubmitting ------------------------------------------------------------------------------


@transaction.atomic
def do_resubmit_rejected_claim(
    actor: Actor, claim: Claim, *, as_of: dt.date | None = None
) -> Claim:
    """A rejected claim never reached adjudication, so it is sent again as a new original
    (frequency 1, a new patient control number), never as a corrected claim (7): the
    rejected one is closed (and so voided) and the note is billed again from the chart as it
    stands now, scrubbed afresh, so the fix is in the new claim. A refusal of the scrubber
    (`ClaimRefusedError`) leaves the rejected claim as it was."""
    subject = f"claim {claim.pk}"
    require_biller(actor, subject)
    locked = _lock(actor, claim)
    if locked.status != ClaimStatus.REJECTED:
        raise ClaimError(subject, f"is {locked.status}; only a rejected claim is resubmitted")
    if locked.origin != Origin.NOTE:
        raise ClaimError(
            subject,
            f"is a {locked.get_origin_display().lower()}; make it again from the claim it follows",
        )
    _set_status(actor, locked, ClaimStatus.CLOSED, "rejected; resubmitted as a new claim", at=None)
    fresh = do_create_claim_from_note(actor, locked.note, as_of=as_of)
    # The payer's clock and the biller's A/R both run from the first submission (ADR 0704).
    fresh.first_sent_on = locked.first_sent_on
    fresh.save(update_fields=["first_sent_on"])
    _audit(actor, AuditAction.UPDATE, locked)
    return fresh


# --- the exchange's importers (registered in apps.py, ADR 0701) ---------------------------------


def import_downloaded_999(actor: Actor, data: bytes, file_name: str) -> str:
    return do_import_999(actor, data, file_name=file_name)


def import_downloaded_277ca(actor: Actor, data: bytes, file_name: str) -> str:
    return do_import_277ca(actor, data, file_name=file_name)
