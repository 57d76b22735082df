"""The only writers of eligibility checks, files, HETS enrollments and manual verifications.

`do_build_270` asks about one or many coverages in one 270 interchange (its ISA13 comes from
the same per-sender counter as 837P batches, so a number is never reused across both), and
warns before sending when a Medicare question would meet HETS without an enrollment in force.
`do_record_271` reads a whole 271 file, matches every answer to its check by our trace number
and stores all of them or none (ADR 0162).
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.eligibility.errors import EligibilityError
from cleannote.apps.eligibility.models import (
    CheckStatus,
    EligibilityCheck,
    EligibilityFile,
    FileKind,
    HetsEnrollment,
    ManualVerification,
)
from cleannote.apps.eligibility.request_builder import billing_provider, eligibility_request
from cleannote.apps.exchange.actions import do_file_with_clearinghouse, open_envelope
from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.coverage_order import in_cob_order
from cleannote.apps.patients.models import Coverage
from cleannote.apps.scheduling.models import EXPECTED, Appointment
from cleannote.apps.scheduling.selectors import appointments_on
from cleannote.edi.eligibility_summary import EligibilitySummary, summarise_271
from cleannote.edi.envelope import X12WriteError
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_270 import write_270
from cleannote.edi.x12_271 import explain_aaa, read_271
from cleannote.rules.visit import DISCIPLINE_OF_CREDENTIAL, Credential, Discipline, PayerKind

HETS_REJECT_CODE = "41"


@dataclass(frozen=True, slots=True)
class Question:
    """One coverage to ask about, for one date of service, maybe for one appointment."""

    coverage: Coverage
    day: dt.date
    appointment: Appointment | None = None
    discipline: Discipline | None = None


def _require(actor: Actor, capability: Capability, subject: str) -> None:
    if actor.user is None:
        return  # a background task acting for the organisation
    staff = Staff.objects.filter(user=actor.user).only("role", "organisation_id").first()
    if staff is None or not has_capability(staff.role, capability):
        raise EligibilityError(subject, f"this role may not {capability.value.replace('_', ' ')}")
    if staff.organisation_id != actor.organisation.pk:
        raise EligibilityError(subject, "belongs to another organisation")


def hets_warning(organisation: Organisation, coverage: Coverage, day: dt.date) -> str:
    """The AAA 41 HETS would answer, explained, when no enrollment covers this NPI on `day`."""
    if coverage.kind != PayerKind.MEDICARE.value:
        return ""
    enrolled = HetsEnrollment.objects.filter(
        Q(effective_through__isnull=True) | Q(effective_through__gte=day),
        organisation=organisation,
        npi=organisation.npi,
        effective_from__lte=day,
    ).exists()
    if enrolled:
        return ""
    reason = explain_aaa(HETS_REJECT_CODE)
    return (
        f"No HETS enrollment for NPI {organisation.npi} is in force on {day.isoformat()}: "
        f"Medicare will answer AAA {HETS_REJECT_CODE} ({reason.meaning}) {reason.action}"
    )


def request_file_name(organisation: Organisation, sender_id: str, control_number: int) -> str:
    sender = "".join(c for c in sender_id if c.isalnum())[:20] or "SENDER"
    return f"270_{organisation.pk}_{sender}_{control_number:09d}.x12"


@transaction.atomic
def do_build_270(
    actor: Actor, questions: Sequence[Question], *, at: dt.datetime | None = None
) -> list[EligibilityCheck]:
    """One 270 interchange asking every question; one pending check per question."""
    organisation = actor.organisation
    _require(actor, Capability.CHECK_ELIGIBILITY, "eligibility request")
    if not questions:
        raise EligibilityError("eligibility request", "needs at least one coverage to ask about")
    for question in questions:
        if question.coverage.patient.organisation_id != organisation.pk:
            raise EligibilityError(
                f"coverage {question.coverage.pk}", "belongs to another organisation"
            )
    envelope = open_envelope(organisation, at=at)
    created = envelope.created
    provider = billing_provider(organisation)
    traces = [f"{organisation.pk}-{envelope.number}-{i}" for i in range(1, len(questions) + 1)]
    requests = (
        eligibility_request(q.coverage, q.day, trace=t, provider=provider, discipline=q.discipline)
        for q, t in zip(questions, traces, strict=True)
    )
    try:
        content = envelope.write(write_270, requests)
    except X12WriteError as exc:
        raise EligibilityError("eligibility request", str(exc), code=exc.code) from None
    request_file = EligibilityFile.objects.create(
        organisation=organisation,
        kind=FileKind.REQUEST,
        file_name=request_file_name(organisation, envelope.parties.submitter.id, envelope.number),
        created_by=actor.user,
        **envelope.stored(content),
    )
    checks = EligibilityCheck.objects.bulk_create(
        EligibilityCheck(
            organisation=organisation,
            patient_id=q.coverage.patient_id,
            coverage=q.coverage,
            appointment=q.appointment,
            requested_for=q.day,
            trace_number=trace,
            request_file=request_file,
            warning=hets_warning(organisation, q.coverage, q.day),
            created_at=created,
            created_by=actor.user,
        )
        for q, trace in zip(questions, traces, strict=True)
    )
    for check in checks:
        do_record_audit_event(
            actor, AuditAction.EXPORT, "eligibility_check", check.pk, patient_id=check.patient_id
        )
    return checks


def primary_coverage_on(coverages: Sequence[Coverage], day: dt.date) -> Coverage | None:
    """The first coverage of the coordination-of-benefits order on `day` (ADR 0500)."""
    in_force = in_cob_order(coverages, day)
    return in_force[0] if in_force else None


def questions_for_day(organisation: Organisation, day: dt.date) -> list[Question]:
    """One question per patient expected on `day` who has coverage and no check for the day
    yet, so running the batch twice asks nothing twice."""
    appointments = list(
        appointments_on(organisation, day)
        .filter(status__in=EXPECTED)
        .prefetch_related("patient__coverages")
    )
    already = set(
        EligibilityCheck.objects.filter(organisation=organisation, requested_for=day).values_list(
            "patient_id", flat=True
        )
    )
    questions: list[Question] = []
    for appointment in appointments:
        if appointment.patient_id in already:
            continue
        coverage = primary_coverage_on(list(appointment.patient.coverages.all()), day)
        if coverage is None:
            continue
        already.add(appointment.patient_id)
        credential = appointment.staff.credential
        discipline = DISCIPLINE_OF_CREDENTIAL.get(Credential(credential)) if credential else None
        questions.append(Question(coverage, day, appointment, discipline))
    return questions


@transaction.atomic
def do_build_270_for_day(
    actor: Actor, day: dt.date, *, at: dt.datetime | None = None
) -> list[EligibilityCheck]:
    """Ask about everyone booked on `day` not asked about yet; [] when nobody is left."""
    questions = questions_for_day(actor.organisation, day)
    return do_build_270(actor, questions, at=at) if questions else []


@transaction.atomic
def do_file_270(
    actor: Actor, request_file: EligibilityFile, adapter: ClearinghouseAdapter
) -> EligibilityFile:
    """Hand a built 270 to the clearinghouse once; filing it again returns it unchanged."""
    if request_file.organisation_id != actor.organisation.pk:
        raise EligibilityError(f"eligibility file {request_file.pk}", "belongs elsewhere")
    locked = EligibilityFile.objects.select_for_update().get(pk=request_file.pk)
    if locked.kind != FileKind.REQUEST:
        raise EligibilityError(f"eligibility file {locked.pk}", "is not a 270 request")
    if locked.filed_at is not None:
        return locked
    do_file_with_clearinghouse(actor, locked, adapter, entity="eligibility_file")
    return locked


def _status_of(summary: EligibilitySummary) -> CheckStatus:
    if summary.rejected:
        return CheckStatus.REJECTED
    if summary.active is True:
        return CheckStatus.ACTIVE
    if summary.active is False:
        return CheckStatus.INACTIVE
    return CheckStatus.UNCLEAR


def _apply(check: EligibilityCheck, summary: EligibilitySummary) -> None:
    check.status = _status_of(summary)
    check.plan_start = summary.plan_start
    check.plan_end = summary.plan_end
    check.visit_limit = summary.visit_limit
    check.visits_remaining = summary.visits_remaining
    check.copay = summary.copay
    check.coinsurance_percent = (
        (summary.coinsurance * 100).quantize(Decimal("0.01"))
        if summary.coinsurance is not None
        else None
    )
    check.deductible_remaining = summary.deductible_remaining
    first = summary.rejections[0] if summary.rejections else None
    check.rejection_code = first.code if first else ""
    check.rejection_meaning = first.meaning if first else ""
    check.rejection_action = (
        f"{first.action} Payer's follow-up: {first.follow_up}." if first else ""
    )
    check.payer_messages = list(summary.messages)


_ANSWER_FIELDS = [
    "status",
    "plan_start",
    "plan_end",
    "visit_limit",
    "visits_remaining",
    "copay",
    "coinsurance_percent",
    "deductible_remaining",
    "rejection_code",
    "rejection_meaning",
    "rejection_action",
    "payer_messages",
    "response_file",
    "responded_at",
]


@transaction.atomic
def do_record_271(
    actor: Actor, data: bytes, *, file_name: str, at: dt.datetime | None = None
) -> list[EligibilityCheck]:
    """Store every answer in the file on its check, or refuse the file and store nothing.

    The same file imported again (same sha256) changes nothing and returns its checks.
    """
    organisation = actor.organisation
    _require(actor, Capability.CHECK_ELIGIBILITY, file_name)
    digest = hashlib.sha256(data).hexdigest()
    existing = EligibilityFile.objects.filter(
        organisation=organisation, kind=FileKind.RESPONSE, sha256=digest
    ).first()
    if existing is not None:
        return list(existing.answered_checks.order_by("pk"))
    try:
        responses = read_271(data, source=file_name)
    except X12Error as exc:
        raise EligibilityError(str(exc), "nothing stored", code=exc.code) from None
    # X12 is ASCII; Latin-1 keeps any stray byte as it came, so the stored text is the file.
    text = data.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    # A subscriber loop that only parents a dependent's answer carries no trace and says
    # nothing itself; every other response must be matched.
    responses = [r for r in responses if r.trace_numbers or r.rejections or r.benefits]
    if not responses:
        raise EligibilityError(file_name, "not stored: holds no 271 response")
    wanted: dict[str, int] = {}
    for position, response in enumerate(responses, start=1):
        if not response.trace_numbers:
            raise EligibilityError(
                file_name,
                f"not stored: response {position} ({response.level}, transaction "
                f"{response.control_number}) carries no TRN trace number to match a check",
            )
        for trace in response.trace_numbers:
            if trace in wanted:
                raise EligibilityError(file_name, f"not stored: trace {trace} answered twice")
            wanted[trace] = position
    checks = {
        c.trace_number: c
        for c in EligibilityCheck.objects.select_for_update().filter(
            organisation=organisation, trace_number__in=wanted
        )
    }
    matched: dict[int, EligibilityCheck] = {}
    for trace, position in wanted.items():
        check = checks.get(trace)
        if check is not None:
            matched.setdefault(position, check)
    for position, response in enumerate(responses, start=1):
        if position not in matched:
            raise EligibilityError(
                file_name,
                f"not stored: response {position} (trace {response.trace_numbers[0]}) "
                "matches no eligibility check of this organisation",
            )
    when = at or timezone.now()
    response_file = EligibilityFile.objects.create(
        organisation=organisation,
        kind=FileKind.RESPONSE,
        file_name=file_name[:120],
        content=text,
        sha256=digest,
        created_at=when,
        created_by=actor.user,
    )
    answered: list[EligibilityCheck] = []
    for position, response in enumerate(responses, start=1):
        check = matched[position]
        _apply(check, summarise_271(response))
        check.response_file = response_file
        check.responded_at = when
        answered.append(check)
    EligibilityCheck.objects.bulk_update(answered, _ANSWER_FIELDS)
    for check in answered:
        do_record_audit_event(
            actor, AuditAction.UPDATE, "eligibility_check", check.pk, patient_id=check.patient_id
        )
    return answered


@transaction.atomic
def do_record_manual_verification(
    actor: Actor,
    *,
    coverage: Coverage,
    verified_for: dt.date,
    source: str,
    active: bool,
    notes: str,
    reference: str = "",
    visits_remaining: int | None = None,
    copay: Decimal | None = None,
    eligibility_check: EligibilityCheck | None = None,
    at: dt.datetime | None = None,
) -> ManualVerification:
    """Record who checked the payer by hand, when, and what the payer said."""
    subject = f"coverage {coverage.pk}"
    _require(actor, Capability.CHECK_ELIGIBILITY, subject)
    if actor.user is None:
        raise EligibilityError(subject, "a manual verification needs the person who made it")
    if coverage.patient.organisation_id != actor.organisation.pk:
        raise EligibilityError(subject, "belongs to another organisation")
    if eligibility_check is not None and eligibility_check.coverage_id != coverage.pk:
        raise EligibilityError(
            f"eligibility check {eligibility_check.pk}", f"is not about coverage {coverage.pk}"
        )
    if not notes.strip():
        raise EligibilityError(subject, "say what the payer told you")
    verification = ManualVerification(
        organisation=actor.organisation,
        patient_id=coverage.patient_id,
        coverage=coverage,
        eligibility_check=eligibility_check,
        source=source,
        verified_for=verified_for,
        active=active,
        visits_remaining=visits_remaining,
        copay=copay,
        reference=reference,
        notes=notes.strip(),
        checked_by=actor.user,
        checked_at=at or timezone.now(),
    )
    verification.full_clean()
    verification.save()
    do_record_audit_event(
        actor,
        AuditAction.CREATE,
        "manual_verification",
        verification.pk,
        patient_id=coverage.patient_id,
    )
    return verification


@transaction.atomic
def do_add_hets_enrollment(
    actor: Actor,
    *,
    npi: str,
    submitter_id: str,
    effective_from: dt.date,
    effective_through: dt.date | None = None,
) -> HetsEnrollment:
    _require(actor, Capability.POST_PAYMENTS, f"HETS enrollment for NPI {npi}")
    enrollment = HetsEnrollment(
        organisation=actor.organisation,
        npi=npi,
        submitter_id=submitter_id,
        effective_from=effective_from,
        effective_through=effective_through,
    )
    enrollment.full_clean()
    enrollment.save()
    do_record_audit_event(actor, AuditAction.CREATE, "hets_enrollment", enrollment.pk)
    return enrollment
