"""Reads for statements (ADR 0760): what a new statement would carry, who a batch run takes,
a clinic's settings and sequence, and the lists the statements page shows. Always within one
organisation; the day is passed in, never read from the clock here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimStatus
from cleannote.apps.ledger.payment_plan_rules import (
    Frequency,
    Installment,
    match_payments,
    schedule,
)
from cleannote.apps.ledger.statement_models import (
    OPEN_DUNNING,
    Dunning,
    DunningStatus,
    DunningStep,
    MissStatus,
    PaymentPlan,
    PlanMiss,
    Statement,
    StatementRun,
    StatementSettings,
)
from cleannote.apps.ledger.statement_rules import (
    AGE_NAMES,
    ZERO,
    BatchRules,
    Candidate,
    Exclusion,
    Step,
    StepAction,
    age_balance,
    batch_exclusion,
)
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.models import LedgerKind, PatientLedgerEntry
from cleannote.rules.catalog import find_procedure

# Claims still waiting for a payer's answer: the patient's share may yet change.
INSURANCE_PENDING = (
    ClaimStatus.DRAFT,
    ClaimStatus.READY,
    ClaimStatus.IN_BATCH,
    ClaimStatus.ACCEPTED,
    ClaimStatus.APPEALED,
)

# Entry kinds that are the patient's share of a visit when they name its claim: the 835's patient
# responsibility, and a transfer of the claim's balance between insurance and the patient.
VISIT_SHARE = (LedgerKind.PATIENT_RESPONSIBILITY, "transfer")

# What the patient-responsibility reason codes (CARC, group PR) are called on a statement.
PR_NAMES = {"1": "deductible", "2": "coinsurance", "3": "copay"}

DEFAULT_STEPS: tuple[tuple[int, int, StepAction, str, str], ...] = (
    (1, 0, StepAction.STATEMENT, "Statement", ""),
    (
        2, 30, StepAction.STATEMENT, "Reminder",
        "This balance is now past due. Please pay it or call us to talk about a payment plan.",
    ),
    (
        3, 60, StepAction.STATEMENT, "Final notice",
        "FINAL NOTICE: this balance is 60 days past the first statement. Please pay it within "
        "10 days or call us, or the account will be reviewed for collections.",
    ),
    (4, 90, StepAction.COLLECTIONS_REVIEW, "Review for collections", ""),
)  # fmt: skip


def settings_of(organisation: Organisation) -> StatementSettings:
    found = StatementSettings.objects.filter(organisation=organisation).first()
    return found or StatementSettings.objects.create(organisation=organisation)


def steps_of(organisation: Organisation) -> list[DunningStep]:
    """The clinic's sequence, the standard one written the first time it is read."""
    steps = list(DunningStep.objects.filter(organisation=organisation).order_by("number"))
    if steps:
        return steps
    return [
        DunningStep.objects.create(
            organisation=organisation, number=n, day=d, action=a, title=t, message=m
        )
        for n, d, a, t, m in DEFAULT_STEPS
    ]


def as_rules(steps: list[DunningStep]) -> list[Step]:
    return [Step(s.number, s.day, StepAction(s.action)) for s in steps]


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def balance_on(patient: Patient, day: dt.date) -> Decimal:
    total = PatientLedgerEntry.objects.filter(
        organisation_id=patient.organisation_id, patient=patient, posted_at__lt=_end_of(day)
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def last_statement(patient: Patient) -> Statement | None:
    return (
        Statement.objects.filter(organisation_id=patient.organisation_id, patient=patient)
        .order_by("-statement_date", "-id")
        .first()
    )


def open_dunning(patient: Patient) -> Dunning | None:
    return Dunning.objects.filter(patient=patient, status__in=OPEN_DUNNING).first()


def open_plan(patient: Patient) -> PaymentPlan | None:
    return PaymentPlan.objects.filter(patient=patient, ended_on__isnull=True).first()


def plan_installments(plan: PaymentPlan, today: dt.date) -> list[Installment]:
    """The plan's schedule with what the patient's payments since the plan was agreed paid of
    each installment, on `today` (ADR 0764); empty for an open-ended plan made before
    schedules. Two queries at most."""
    if not plan.payments:
        return []
    first = plan.first_due_on or plan.starts_on
    planned = schedule(
        first, Frequency(plan.frequency), plan.amount_per_month, plan.payments, plan.total
    )
    paid = [
        -amount
        for amount in PatientLedgerEntry.objects.filter(
            organisation_id=plan.organisation_id,
            patient_id=plan.patient_id,
            kind=LedgerKind.PAYMENT,
            posted_at__gte=timezone.make_aware(dt.datetime.combine(plan.starts_on, dt.time())),
            posted_at__lt=_end_of(today),
        ).values_list("amount", flat=True)
    ]
    return match_payments(planned, paid, today)


def missed_installments(organisation: Organisation) -> QuerySet[PlanMiss]:
    """The worklist: installments found missed and not yet worked, oldest first."""
    return (
        PlanMiss.objects.filter(organisation=organisation, status=MissStatus.OPEN)
        .select_related("plan__patient")
        .order_by("due_on", "pk")
    )


def _money(amount: Decimal | None) -> str:
    return str((amount or ZERO).quantize(Decimal("0.01")))


@dataclass
class Draft:
    """A statement before it is written: the new entries and everything it prints."""

    entries: list[PatientLedgerEntry]
    previous: Statement | None
    previous_balance: Decimal
    new_charges: Decimal
    payments: Decimal
    other_credits: Decimal
    amount_due: Decimal
    content: dict[str, object] = field(default_factory=dict)


def _visit(primary: Claim, share: Decimal) -> dict[str, object]:
    """One visit as the statement lists it: each line's charge, what the insurer paid and
    adjusted, and the patient's part by reason, from the claim's 835 adjustments."""
    adjustments: dict[int | None, list[ClaimAdjustment]] = defaultdict(list)
    for adjustment in primary.adjustments.all():
        adjustments[adjustment.line_id].append(adjustment)
    lines = []
    for line in primary.lines.all():
        found = find_procedure(line.code)
        own = adjustments.get(line.pk, [])
        patient = dict.fromkeys(("deductible", "coinsurance", "copay", "other"), ZERO)
        for a in own:
            if a.group == "PR":
                patient[PR_NAMES.get(a.reason, "other")] += a.amount
        lines.append(
            {
                "date": line.service_date.isoformat(),
                "code": "-".join([line.code, *line.modifiers]) if line.modifiers else line.code,
                "description": found.descriptor if found else "",
                "units": line.units,
                "charge": _money(line.charge),
                "insurance_paid": _money(line.paid_amount),
                "insurance_adjusted": _money(sum((a.amount for a in own if a.group != "PR"), ZERO)),
                **{name: _money(amount) for name, amount in patient.items()},
            }
        )
    return {
        "date": primary.date_of_service.isoformat(),
        "payer": primary.payer_name,
        "claim": primary.pk,
        "lines": lines,
        "your_share": _money(share),
    }


def draft_statement(patient: Patient, day: dt.date) -> Draft:
    """What a statement of `day` carries: every ledger entry up to that day no statement has
    carried yet, over the previous statement's amount due."""
    previous = last_statement(patient)
    entries = list(
        PatientLedgerEntry.objects.filter(
            organisation_id=patient.organisation_id,
            patient=patient,
            posted_at__lt=_end_of(day),
            statements__isnull=True,
        )
        .select_related("claim")
        .order_by("posted_at", "id")
    )
    previous_balance = previous.amount_due if previous else ZERO
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    shares: dict[int, Decimal] = defaultdict(lambda: ZERO)
    activity = []
    for entry in entries:
        kind = entry.kind
        if kind in VISIT_SHARE and entry.claim is not None:
            primary_id = entry.claim.primary_claim_id or entry.claim.pk
            shares[primary_id] += entry.amount
            by_kind["charges"] += entry.amount
            continue
        by_kind["payments" if kind == LedgerKind.PAYMENT else "other"] += entry.amount
        activity.append(
            {
                "date": _day(entry.posted_at).isoformat(),
                "what": entry.get_kind_display(),
                "detail": entry.reason,
                "amount": _money(entry.amount),
            }
        )
    claims = (
        Claim.objects.filter(pk__in=shares)
        .prefetch_related("lines", "adjustments")
        .order_by("date_of_service", "pk")
    )
    visits = [_visit(claim, shares[claim.pk]) for claim in claims]
    amount_due = previous_balance + sum((e.amount for e in entries), ZERO)
    movements = [
        (_day(e.posted_at), e.amount)
        for e in PatientLedgerEntry.objects.filter(
            organisation_id=patient.organisation_id, patient=patient, posted_at__lt=_end_of(day)
        )
    ]
    draft = Draft(
        entries=entries,
        previous=previous,
        previous_balance=previous_balance,
        new_charges=by_kind["charges"],
        payments=-by_kind["payments"],
        other_credits=-by_kind["other"],
        amount_due=amount_due,
    )
    draft.content = {
        "visits": visits,
        "activity": activity,
        "aging": {k: _money(v) for k, v in age_balance(movements, day).items()},
        "previous_statement": previous.number if previous else "",
        "previous_date": previous.statement_date.isoformat() if previous else "",
        "patient": {
            "name": f"{patient.first_name} {patient.last_name}",
            "address": [
                line
                for line in (
                    patient.address_line1,
                    patient.address_line2,
                    f"{patient.city}, {patient.state} {patient.zip}".strip(", "),
                )
                if line
            ],
        },
    }
    return draft


def batch_candidates(
    organisation: Organisation, day: dt.date
) -> list[tuple[Patient, Candidate, Exclusion | None]]:
    """Each patient with ledger entries, what a batch run of `day` knows of them and whether
    it leaves them out (`statement_rules.batch_exclusion`); a fixed number of queries."""
    settings = settings_of(organisation)
    rules = BatchRules(
        settings.minimum_balance,
        settings.quiet_days,
        settings.skip_insurance_pending,
        tuple(a for a in AGE_NAMES if a in settings.ages_included),
    )
    aged: dict[int, dict[str, Decimal]] = {}
    if set(rules.ages) != set(AGE_NAMES):
        movements: dict[int, list[tuple[dt.date, Decimal]]] = {}
        for patient_id, posted_at, amount in PatientLedgerEntry.objects.filter(
            organisation=organisation, posted_at__lt=_end_of(day)
        ).values_list("patient_id", "posted_at", "amount"):
            movements.setdefault(patient_id, []).append((_day(posted_at), amount))
        aged = {pk: age_balance(rows, day) for pk, rows in movements.items()}
    balances = dict(
        PatientLedgerEntry.objects.filter(organisation=organisation, posted_at__lt=_end_of(day))
        .values("patient_id")
        .annotate(total=Sum("amount"))
        .values_list("patient_id", "total")
    )
    last: dict[int, dt.date] = {}
    for patient_id, on in Statement.objects.filter(organisation=organisation).values_list(
        "patient_id", "statement_date"
    ):
        last[patient_id] = max(on, last.get(patient_id, on))
    pending = set(
        Claim.objects.filter(
            organisation=organisation, status__in=INSURANCE_PENDING, voided=False
        ).values_list("patient_id", flat=True)
    )
    plans = set(
        PaymentPlan.objects.filter(organisation=organisation, ended_on__isnull=True).values_list(
            "patient_id", flat=True
        )
    )
    review = set(
        Dunning.objects.filter(
            organisation=organisation, status=DunningStatus.COLLECTIONS_REVIEW
        ).values_list("patient_id", flat=True)
    )
    patients = Patient.objects.filter(organisation=organisation, pk__in=balances).order_by(
        "last_name", "first_name", "pk"
    )
    out = []
    for patient in patients:
        candidate = Candidate(
            balance=balances[patient.pk] or ZERO,
            last_statement_on=last.get(patient.pk),
            insurance_pending=patient.pk in pending,
            on_payment_plan=patient.pk in plans,
            in_collections_review=patient.pk in review,
            aged=aged.get(patient.pk),
        )
        out.append((patient, candidate, batch_exclusion(candidate, rules, day)))
    return out


def statement_of(organisation: Organisation, statement_id: int) -> Statement | None:
    return (
        Statement.objects.filter(organisation=organisation, pk=statement_id)
        .select_related("patient", "organisation", "dunning", "run", "message")
        .first()
    )


def runs_of(organisation: Organisation) -> QuerySet[StatementRun]:
    return StatementRun.objects.filter(organisation=organisation).order_by("-run_on", "-id")


def recent_statements(organisation: Organisation, limit: int = 200) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(organisation=organisation)
        .select_related("patient", "run")
        .order_by("-statement_date", "-id")[:limit]
    )


def review_list(organisation: Organisation) -> QuerySet[Dunning]:
    """Patients whose sequence reached the collections step: a person decides."""
    return (
        Dunning.objects.filter(organisation=organisation, status=DunningStatus.COLLECTIONS_REVIEW)
        .select_related("patient")
        .order_by("step_on", "pk")
    )


@dataclass(frozen=True, slots=True)
class LedgerStatements:
    """What the patient's ledger page shows of statements: the step they are at, the plan that
    pauses it, and their statements newest first."""

    dunning: Dunning | None
    step: DunningStep | None
    plan: PaymentPlan | None
    statements: list[Statement]
    installments: list[Installment]
    misses: list[PlanMiss]


def ledger_statements(patient: Patient, today: dt.date | None = None) -> LedgerStatements:
    plan = open_plan(patient)
    day = today or timezone.localdate()
    dunning = open_dunning(patient) or Dunning.objects.filter(patient=patient).first()
    step = (
        DunningStep.objects.filter(
            organisation_id=patient.organisation_id, number=dunning.step
        ).first()
        if dunning
        else None
    )
    return LedgerStatements(
        dunning=dunning,
        step=step,
        plan=plan,
        installments=plan_installments(plan, day) if plan else [],
        misses=list(plan.misses.filter(status=MissStatus.OPEN)) if plan else [],
        statements=list(
            Statement.objects.filter(organisation_id=patient.organisation_id, patient=patient)
            .select_related("patient")
            .order_by("-statement_date", "-id")[:24]
        ),
    )
