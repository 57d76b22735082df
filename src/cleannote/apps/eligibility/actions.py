"""The only writers of eligibility checks, files, HETS enrollments and manual verifications.

`do_build_270` asks about one or many coverages in one 270 interchange (its ISA13 comes from
the same per-sender counter as 837P batches, so a number is never reused across both), and
warns before sending when a Medicare question would meet HETS without an enrollment in force.
`do_record_271` reads a whole 271 file, matches every answer to its check by our trace number
and stores all of them or none (ADR 0162). `do_check_next_clinic_day` is the front desk's
"eligibility for tomorrow": one batched 270 for the next day with appointments, skipping the
carriers that do not answer 270s and the patients whose answer is still fresh (ADR 0633).
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
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
from cleannote.apps.exchange.actions import Envelope, do_file_with_clearinghouse, open_envelope
from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter
from cleannote.apps.exchange.partners import edi_parties
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.coverage_order import PROPERTY_AND_CASUALTY, in_cob_order
from cleannote.apps.patients.models import Coverage, Patient
from cleannote.apps.payers.models import reads_in_network
from cleannote.apps.scheduling.models import EXPECTED, Appointment
from cleannote.apps.scheduling.selectors import appointments_on, day_bounds
from cleannote.edi.eligibility_summary import EligibilitySummary, summarise_271
from cleannote.edi.envelope import X12WriteError
from cleannote.edi.error_codes import WriteErrorCode
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_270 import service_types_for, write_270
from cleannote.edi.x12_271 import explain_aaa, read_271
from cleannote.platform.locks import LockScope, hold
from cleannote.rules.visit import DISCIPLINE_OF_CREDENTIAL, Credential, Discipline, PayerKind

HETS_REJECT_CODE = "41"
# An active answer about the same coverage and service, received this many days before the
# day asked and about a date in the same month, is not asked again (ADR 0633).
FRESH_DAYS = 7
# How far ahead "the next clinic day" is looked for: a week covers any weekend or holiday.
NEXT_DAY_HORIZON = 7
REFUSED_NOTE = (
    "Not asked: the request could not be written ({reason}). Fix the coverage on the chart, "
    "then run the day again."
)
CARRIER_SKIP_NOTE = (
    "Not asked: {payer} is an auto, liability or workers' compensation carrier ({kind}), and "
    "such carriers do not answer eligibility requests. Confirm the claim number and what is "
    "left of the medical limit with the adjuster."
)


@dataclass(frozen=True, slots=True)
class Question:
    """One coverage to ask about, for one date of service, maybe for one appointment."""

    coverage: Coverage
    day: dt.date
    appointment: Appointment | None = None
    discipline: Discipline | None = None

    @property
    def service_type(self) -> str:
        """The EQ01 whose answer the check shows: the discipline's, else 30 (ADR 0631)."""
        return service_types_for(self.discipline)[0]


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
    # Grouped by payer, so each payer's questions share one information-source loop.
    questions = sorted(questions, key=lambda q: (q.coverage.payer_id, q.coverage.payer_name))
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
            service_type=q.service_type,
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


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What a day's run will do: the questions to send, the carriers skipped, the fresh."""

    questions: list[Question]
    skipped: list[Question]
    fresh: int


def open_case_discipline(patient: Patient) -> Discipline | None:
    """The discipline of the patient's newest open case: what a check from the chart asks."""
    case = patient.cases.filter(closed_on__isnull=True).order_by("-opened_on", "-pk").first()
    return Discipline(case.discipline) if case is not None else None


def _discipline(appointment: Appointment) -> Discipline | None:
    credential = appointment.staff.credential
    return DISCIPLINE_OF_CREDENTIAL.get(Credential(credential)) if credential else None


def _fresh_answers(organisation: Organisation, day: dt.date) -> set[tuple[int, str]]:
    """(coverage id, service type) of active answers still fresh for `day`."""
    since, _ = day_bounds(day - dt.timedelta(days=FRESH_DAYS))
    rows = EligibilityCheck.objects.filter(
        organisation=organisation,
        status=CheckStatus.ACTIVE,
        responded_at__gte=since,
        requested_for__lte=day,
        requested_for__year=day.year,
        requested_for__month=day.month,
    ).values_list("coverage_id", "service_type")
    return set(rows)


def plan_day(organisation: Organisation, day: dt.date) -> DayPlan:
    """One question per patient and coverage expected on `day`, none asked twice (ADR 0633).

    Left out: a coverage already asked (or skipped) for `day`, so a second run asks nothing;
    an active answer about the same coverage and service still fresh; and an auto, liability
    or workers' compensation carrier, which becomes a skipped check with a note. A patient
    whose first coverage is such a carrier is asked about their first health coverage too.
    """
    appointments = list(
        appointments_on(organisation, day)
        .filter(status__in=EXPECTED)
        .prefetch_related("patient__coverages__payer_record")
    )
    # A health coverage set aside because its request could not be written is asked again
    # once fixed; a carrier that does not answer stays skipped.
    already = set(
        EligibilityCheck.objects.filter(organisation=organisation, requested_for=day)
        .exclude(Q(status=CheckStatus.SKIPPED) & ~Q(coverage__kind__in=PROPERTY_AND_CASUALTY))
        .values_list("coverage_id", flat=True)
    )
    fresh_answers = _fresh_answers(organisation, day)
    questions: list[Question] = []
    skipped: list[Question] = []
    fresh = 0
    for appointment in appointments:
        in_force = in_cob_order(list(appointment.patient.coverages.all()), day)
        if not in_force:
            continue
        discipline = _discipline(appointment)
        carriers = [c for c in in_force if c.kind in PROPERTY_AND_CASUALTY][:1]
        health = [c for c in in_force if c.kind not in PROPERTY_AND_CASUALTY][:1]
        firsts = carriers if in_force[0] in carriers else []
        for coverage in [*firsts, *health]:
            if coverage.pk in already:
                continue
            already.add(coverage.pk)
            question = Question(coverage, day, appointment, discipline)
            if coverage.kind in PROPERTY_AND_CASUALTY:
                skipped.append(question)
            elif (coverage.pk, question.service_type) in fresh_answers:
                fresh += 1
            else:
                questions.append(question)
    return DayPlan(questions, skipped, fresh)


def questions_for_day(organisation: Organisation, day: dt.date) -> list[Question]:
    """The questions `plan_day` would send for `day`."""
    return plan_day(organisation, day).questions


def next_clinic_day(organisation: Organisation, today: dt.date) -> dt.date:
    """The first day after `today` with an expected appointment, within a week; tomorrow
    when none is booked (ADR 0633). `today` is the clinic's date, given by the caller."""
    start, _ = day_bounds(today + dt.timedelta(days=1))
    _, end = day_bounds(today + dt.timedelta(days=NEXT_DAY_HORIZON))
    first = (
        Appointment.objects.filter(
            organisation=organisation, status__in=EXPECTED, start__gte=start, start__lt=end
        )
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    return timezone.localtime(first).date() if first else today + dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayRun:
    """What one run for a day did."""

    day: dt.date
    asked: list[EligibilityCheck]
    skipped: list[EligibilityCheck]
    fresh: int


def _refusal(organisation: Organisation, question: Question) -> str:
    """Why the 270 writer refuses this one question ("" when it writes), without allocating a
    control number: the probe envelope is numbered 1 and thrown away."""
    probe = Envelope(edi_parties(organisation), 1, timezone.now())
    request = eligibility_request(
        question.coverage,
        question.day,
        trace="probe",
        provider=billing_provider(organisation),
        discipline=question.discipline,
    )
    try:
        probe.write(write_270, [request])
    except X12WriteError as exc:
        return str(exc).removeprefix("eligibility request probe: ")
    return ""


def _build_what_can_be_written(
    actor: Actor, questions: list[Question], at: dt.datetime | None
) -> tuple[list[EligibilityCheck], list[tuple[Question, str]]]:
    """The batch's checks; when the writer refuses the batch, the questions it refuses are
    set aside with the reason and the others still go, so one coverage's missing subscriber
    name does not stop the night's run for everyone (ADR 0633)."""
    if not questions:
        return [], []
    try:
        with transaction.atomic():
            return do_build_270(actor, questions, at=at), []
    except EligibilityError as exc:
        if not isinstance(exc.code, WriteErrorCode):
            raise
    refused = [(q, reason) for q in questions if (reason := _refusal(actor.organisation, q))]
    if not refused:
        raise EligibilityError("eligibility run", "the 270 could not be written")
    left = [q for q in questions if all(q is not r for r, _ in refused)]
    return (do_build_270(actor, left, at=at) if left else []), refused


@transaction.atomic
def do_check_day(actor: Actor, day: dt.date, *, at: dt.datetime | None = None) -> DayRun:
    """Build one 270 for everyone on `day` still to ask, and a skipped check (with its note)
    for each carrier that does not answer 270s. Running it again adds nothing, and a run beside
    another (two workers) waits for it, then finds everyone asked (ADR 0844)."""
    _require(actor, Capability.CHECK_ELIGIBILITY, "eligibility run")
    hold(LockScope.ELIGIBILITY_RUN, actor.organisation.pk)
    plan = plan_day(actor.organisation, day)
    notes = [
        (
            q,
            CARRIER_SKIP_NOTE.format(
                payer=q.coverage.payer_name, kind=q.coverage.get_kind_display()
            ),
        )
        for q in plan.skipped
    ]
    asked, refused = _build_what_can_be_written(actor, plan.questions, at)
    noted = set(
        EligibilityCheck.objects.filter(
            organisation=actor.organisation, requested_for=day, status=CheckStatus.SKIPPED
        ).values_list("coverage_id", "warning")
    )
    for question, reason in refused:
        note = REFUSED_NOTE.format(reason=reason)
        if (question.coverage.pk, note) not in noted:  # pressed again, still refused: once
            notes.append((question, note))
    when = at or timezone.now()
    skipped = EligibilityCheck.objects.bulk_create(
        EligibilityCheck(
            organisation=actor.organisation,
            patient_id=q.coverage.patient_id,
            coverage=q.coverage,
            appointment=q.appointment,
            requested_for=day,
            service_type=q.service_type,
            status=CheckStatus.SKIPPED,
            warning=note,
            created_at=when,
            created_by=actor.user,
        )
        for q, note in notes
    )
    for check in skipped:
        do_record_audit_event(
            actor, AuditAction.CREATE, "eligibility_check", check.pk, patient_id=check.patient_id
        )
    return DayRun(day, asked, skipped, plan.fresh)


def unfiled_requests(organisation: Organisation, day: dt.date) -> list[EligibilityFile]:
    """The 270s built for `day` and not yet handed over (a run stopped between the two)."""
    return list(
        EligibilityFile.objects.filter(
            organisation=organisation,
            kind=FileKind.REQUEST,
            filed_at__isnull=True,
            requested_checks__requested_for=day,
        ).distinct()
    )


@transaction.atomic
def do_build_270_for_day(
    actor: Actor, day: dt.date, *, at: dt.datetime | None = None
) -> list[EligibilityCheck]:
    """Ask about everyone booked on `day` not asked about yet; [] when nobody is left."""
    return do_check_day(actor, day, at=at).asked


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


def _networks(checks: Iterable[EligibilityCheck]) -> dict[int, bool]:
    """{coverage id: whether the clinic is in its payer's network} (`Payer.in_network`, ADR
    0655): the side of a 271's benefits read first. One query; a coverage typed without a
    directory payer reads as in network, as an unknown status does."""
    rows = Coverage.objects.filter(pk__in={c.coverage_id for c in checks}).values_list(
        "pk", "payer_record__network_status"
    )
    return {pk: reads_in_network(status) for pk, status in rows}


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
    check.authorization_required = summary.authorization_required
    check.other_payers = [
        {
            "name": p.name,
            "identifier": p.identifier,
            "insurance_type": p.insurance_type,
            "medicare_advantage": p.medicare_advantage,
            "plan": p.plan_description,
        }
        for p in summary.other_payers
    ]


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
    "authorization_required",
    "other_payers",
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
    networks = _networks(matched.values())
    for position, response in enumerate(responses, start=1):
        check = matched[position]
        summary = summarise_271(
            response, check.service_type or None, in_network=networks.get(check.coverage_id, True)
        )
        _apply(check, summary)
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
