"""The only writer of statements, runs, dunning and payment plans (ADR 0760). Each action is
one transaction with its audit rows; the day acted on is passed in, so the nightly run and the
tests decide what "today" is."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.ledger.errors import LedgerRefused, SettingsProblems
from cleannote.apps.ledger.payment_plan_rules import (
    Frequency,
    InstallmentState,
    PlanTerms,
    check_terms,
)
from cleannote.apps.ledger.statement_models import (
    Dunning,
    DunningStatus,
    DunningStep,
    MissStatus,
    PaymentPlan,
    PlanMiss,
    RunKind,
    SentVia,
    Statement,
    StatementEntry,
    StatementRun,
    StatementSettings,
)
from cleannote.apps.ledger.statement_rules import (
    CycleDraft,
    StepAction,
    StepDraft,
    check_cycle,
    check_steps,
    due_step,
)
from cleannote.apps.ledger.statement_selectors import (
    as_rules,
    balance_on,
    batch_candidates,
    draft_statement,
    open_dunning,
    open_plan,
    plan_installments,
    settings_of,
    steps_of,
)
from cleannote.apps.messaging.actions import do_queue_message
from cleannote.apps.messaging.models import Channel, OutboundMessage
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Patient
from cleannote.platform.locks import LockScope, hold


def _person(actor: Actor) -> User | None:
    """The biller or owner acting; None for the nightly run (no user, the system)."""
    if actor.user is None:
        return None
    staff = Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
    if staff is None or not has_capability(staff.role, Capability.POST_PAYMENTS):
        raise LedgerRefused("actor", "statements are made by a biller or the owner")
    return actor.user


def may_word_dunning(role: str) -> bool:
    """Whether a role words the dunning steps: one rule for the message page and the statement
    settings page (ADR 0846)."""
    return has_capability(role, Capability.WORD_DUNNING)


def _dunning_writer(actor: Actor) -> User:
    staff = Staff.objects.filter(user=actor.user, organisation=actor.organisation).first()
    if actor.user is None or staff is None or not may_word_dunning(staff.role):
        raise LedgerRefused("actor", "a biller or the owner words the dunning steps")
    return actor.user


def _next_number(organisation: Organisation, year: int) -> str:
    """ "S2026-00042": the organisation's 42nd statement of the year, under its row lock."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    prefix = f"S{year}-"
    count = Statement.objects.filter(organisation=organisation, number__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


def _clinic(organisation: Organisation, remit_to: str) -> dict[str, object]:
    where = [
        organisation.address_line1,
        organisation.address_line2,
        f"{organisation.city}, {organisation.state} {organisation.zip}",
    ]
    return {
        "name": organisation.name,
        "remit_to": [line for line in (remit_to.splitlines() or where) if line.strip()],
    }


def _make_statement(
    actor: Actor,
    patient: Patient,
    day: dt.date,
    *,
    via: str,
    run: StatementRun | None,
    dunning: Dunning | None,
    step: DunningStep | None,
) -> Statement:
    settings = settings_of(actor.organisation)
    draft = draft_statement(patient, day)
    content = dict(draft.content)
    content["clinic"] = _clinic(actor.organisation, settings.remit_to)
    content["how_to_pay"] = settings.how_to_pay
    content["step"] = (
        {"number": step.number, "title": step.title, "message": step.message} if step else None
    )
    statement = Statement.objects.create(
        organisation=actor.organisation,
        patient=patient,
        run=run,
        number=_next_number(actor.organisation, day.year),
        statement_date=day,
        due_date=day + dt.timedelta(days=settings.due_days),
        account_number=patient.chart_number,
        previous=draft.previous,
        previous_balance=draft.previous_balance,
        new_charges=draft.new_charges,
        payments=draft.payments,
        other_credits=draft.other_credits,
        amount_due=draft.amount_due,
        dunning=dunning,
        dunning_step=step.number if step else None,
        sent_via=via,
        content=content,
        created_at=timezone.now(),
        created_by=actor.user,
    )
    StatementEntry.objects.bulk_create(
        StatementEntry(statement=statement, entry=e, amount=e.amount) for e in draft.entries
    )
    if via == SentVia.EMAIL:
        statement.message = _email_notice(actor, patient, statement)
        statement.save(update_fields=["message"])
    do_record_audit_event(
        actor, AuditAction.CREATE, "statement", statement.pk, patient_id=patient.pk
    )
    return statement


def _email_notice(actor: Actor, patient: Patient, statement: Statement) -> OutboundMessage:
    """A notice that a statement is ready: no amounts, visits or codes in the email (PHI kept
    out of mail); the patient reads it in the portal or calls the clinic."""
    return do_queue_message(
        actor,
        channel=Channel.EMAIL,
        to=patient.email,
        subject=f"A new statement from {actor.organisation.name}",
        body=(
            f"A new statement from {actor.organisation.name}, dated "
            f"{statement.statement_date:%Y-%m-%d}, is ready. For your privacy this email "
            "carries no account details: please sign in to the patient portal or call the "
            "clinic."
        ),
        purpose="statement",
        idempotency_key=f"statement:{statement.pk}:email",
        reference_type="statement",
        reference_id=statement.pk,
        patient_id=patient.pk,
    )


def _via(patient: Patient, via: str) -> str:
    if via not in SentVia.values:
        raise LedgerRefused("via", f"choose {' or '.join(SentVia.values)}")
    if via == SentVia.EMAIL and not (patient.email and patient.email_consent):
        raise LedgerRefused("via", "the patient has no email with consent on the chart: print")
    return via


def _first_step(actor: Actor, patient: Patient, day: dt.date) -> tuple[Dunning, DunningStep]:
    """The patient's open sequence, started at step 1 on `day` when there is none."""
    steps = steps_of(actor.organisation)
    dunning = open_dunning(patient)
    if dunning is None:
        dunning = Dunning.objects.create(
            organisation=actor.organisation,
            patient=patient,
            started_on=day,
            step=steps[0].number,
            step_on=day,
        )
    return dunning, next(s for s in steps if s.number == dunning.step)


@transaction.atomic
def do_create_statement(
    actor: Actor, patient: Patient, *, day: dt.date, via: str = SentVia.PRINT
) -> Statement:
    """One patient's statement of `day`, from their ledger page. A balance due starts the
    dunning sequence at step 1, or carries the step the patient is at."""
    _person(actor)
    if patient.organisation_id != actor.organisation.pk:
        raise LedgerRefused("patient", "belongs to another organisation")
    via = _via(patient, via)
    dunning = step = None
    if balance_on(patient, day) > 0 and open_plan(patient) is None:
        dunning, step = _first_step(actor, patient, day)
    return _make_statement(actor, patient, day, via=via, run=None, dunning=dunning, step=step)


def _via_for(patient: Patient) -> str:
    return SentVia.EMAIL if patient.email and patient.email_consent else SentVia.PRINT


@transaction.atomic
def do_run_statements(actor: Actor, *, day: dt.date) -> StatementRun:
    """The batch run: a statement for each patient the clinic's rules take
    (`statement_selectors.batch_candidates`), with how many were left out and why. Under the
    organisation's nightly ledger lock, so the nightly cycle never runs beside it (ADR 0844)."""
    _person(actor)
    hold(LockScope.LEDGER_NIGHT, actor.organisation.pk)
    candidates = batch_candidates(actor.organisation, day)
    run = StatementRun.objects.create(
        organisation=actor.organisation,
        kind=RunKind.BATCH,
        run_on=day,
        created_at=timezone.now(),
        created_by=actor.user,
        left_out=dict(Counter(str(why) for _, _, why in candidates if why is not None)),
    )
    for patient, _, why in candidates:
        if why is None:
            dunning, step = _first_step(actor, patient, day)
            _make_statement(
                actor, patient, day, via=_via_for(patient), run=run, dunning=dunning, step=step
            )
    do_record_audit_event(actor, AuditAction.CREATE, "statement_run", run.pk)
    return run


@transaction.atomic
def do_run_dunning(actor: Actor, *, day: dt.date) -> StatementRun | None:
    """The nightly steps of `day`: a paid balance stops its sequence; a payment plan pauses
    it; a due step sends its statement, or flags the patient for collections review (never
    sent anywhere without a person). Running it again on the same day does nothing more; a
    run beside another (two workers) waits for it, then finds each step taken (ADR 0844)."""
    hold(LockScope.LEDGER_NIGHT, actor.organisation.pk)
    steps = steps_of(actor.organisation)
    by_number = {s.number: s for s in steps}
    run: StatementRun | None = None
    dunnings = (
        Dunning.objects.select_for_update()
        .filter(organisation=actor.organisation, status=DunningStatus.ACTIVE)
        .select_related("patient")
        .order_by("pk")
    )
    for dunning in dunnings:
        patient = dunning.patient
        if balance_on(patient, day) <= 0:
            dunning.status, dunning.ended_on, dunning.note = DunningStatus.PAID, day, "paid"
            dunning.save(update_fields=["status", "ended_on", "note"])
            continue
        if dunning.paused_on is not None:
            continue
        step = due_step(as_rules(steps), dunning.step, dunning.started_on, day)
        if step is None:
            continue
        dunning.step, dunning.step_on = step.number, day
        if step.action == StepAction.COLLECTIONS_REVIEW:
            dunning.status = DunningStatus.COLLECTIONS_REVIEW
            dunning.save(update_fields=["step", "step_on", "status"])
            do_record_audit_event(
                actor, AuditAction.UPDATE, "dunning", dunning.pk, patient_id=patient.pk
            )
            continue
        dunning.save(update_fields=["step", "step_on"])
        if run is None:
            run = StatementRun.objects.create(
                organisation=actor.organisation,
                kind=RunKind.DUNNING,
                run_on=day,
                created_at=timezone.now(),
                created_by=actor.user,
            )
        _make_statement(
            actor,
            patient,
            day,
            via=_via_for(patient),
            run=run,
            dunning=dunning,
            step=by_number[step.number],
        )
    return run


@transaction.atomic
def do_stop_dunning_if_paid(actor: Actor, patient: Patient, *, day: dt.date) -> bool:
    """Paying the balance stops the sequence at once (the nightly run would, too)."""
    dunning = open_dunning(patient)
    if dunning is None or balance_on(patient, day) > 0:
        return False
    dunning.status, dunning.ended_on, dunning.note = DunningStatus.PAID, day, "paid"
    dunning.save(update_fields=["status", "ended_on", "note"])
    do_record_audit_event(actor, AuditAction.UPDATE, "dunning", dunning.pk, patient_id=patient.pk)
    return True


def _amount(value: Decimal | str | None) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace("$", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise LedgerRefused("amount_per_month", "enter an amount such as 50.00") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise LedgerRefused("amount_per_month", "enter a positive amount to the cent")
    return amount


@transaction.atomic
def do_start_payment_plan(
    actor: Actor,
    patient: Patient,
    *,
    amount_per_month: Decimal | str | None,
    day: dt.date,
    frequency: str = Frequency.MONTHLY.value,
    first_due_on: dt.date | str | None = None,
    payments: int | str | None = None,
    adjusting: bool = False,
) -> PaymentPlan:
    """An agreed amount per installment; the patient's dunning pauses until the plan ends.
    Given the number of payments (the ledger page always gives it), the plan has a schedule
    (ADR 0764): its terms are checked against the balance (`payment_plan_rules.check_terms`),
    the first problem refused with its input. `adjusting` replaces an open plan (its missed
    installments closed as adjusted) and keeps the dunning paused."""
    user = _person(actor)
    if user is None or patient.organisation_id != actor.organisation.pk:
        raise LedgerRefused("patient", "belongs to another organisation")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    current = open_plan(patient)
    if current is not None and not adjusting:
        raise LedgerRefused("amount_per_month", "the patient has a plan already: end it first")
    if current is None and adjusting:
        raise LedgerRefused("plan", "the patient has no open payment plan to adjust")
    terms: PlanTerms | None = None
    balance = balance_on(patient, day)
    if payments is None:
        amount = _amount(amount_per_month)
    else:
        first = first_due_on.isoformat() if isinstance(first_due_on, dt.date) else first_due_on
        terms, problems = check_terms(
            str(amount_per_month or ""), frequency, first or "", str(payments),
            balance=balance, today=day,
        )  # fmt: skip
        if terms is None:
            field, problem = next(iter(problems.items()))
            raise LedgerRefused(field, problem)
        amount = terms.amount
    if current is not None:
        current.ended_on, current.end_reason = day, "adjusted: a new plan replaces it"
        current.save(update_fields=["ended_on", "end_reason"])
        current.misses.filter(status=MissStatus.OPEN).update(
            status=MissStatus.ADJUSTED, worked_on=day, worked_by=user, note="plan adjusted"
        )
    plan = PaymentPlan.objects.create(
        organisation=actor.organisation,
        patient=patient,
        amount_per_month=amount,
        starts_on=day,
        created_by=user,
        frequency=terms.frequency.value if terms else Frequency.MONTHLY.value,
        payments=terms.payments if terms else None,
        first_due_on=terms.first_due_on if terms else None,
        total=balance if terms else None,
    )
    Dunning.objects.filter(
        patient=patient, status=DunningStatus.ACTIVE, paused_on__isnull=True
    ).update(paused_on=day)
    do_record_audit_event(
        actor,
        AuditAction.CREATE,
        "payment_plan",
        plan.pk,
        patient_id=patient.pk,
        reason=f"replaces plan {current.pk}" if current is not None else "",
    )
    return plan


@transaction.atomic
def do_end_payment_plan(
    actor: Actor, patient: Patient, *, day: dt.date, reason: str = ""
) -> PaymentPlan:
    """The plan ends; the dunning resumes where it paused (its step days move by the pause);
    its missed installments leave the worklist."""
    user = _person(actor)
    plan = open_plan(patient)
    if plan is None or patient.organisation_id != actor.organisation.pk:
        raise LedgerRefused("plan", "the patient has no open payment plan")
    plan.ended_on, plan.end_reason = day, " ".join(reason.split())[:200]
    plan.save(update_fields=["ended_on", "end_reason"])
    plan.misses.filter(status=MissStatus.OPEN).update(
        status=MissStatus.ENDED, worked_on=day, worked_by=user, note="plan ended"
    )
    for dunning in Dunning.objects.filter(
        patient=patient, status=DunningStatus.ACTIVE, paused_on__isnull=False
    ):
        assert dunning.paused_on is not None
        dunning.started_on += day - dunning.paused_on
        dunning.paused_on = None
        dunning.save(update_fields=["started_on", "paused_on"])
    do_record_audit_event(actor, AuditAction.UPDATE, "payment_plan", plan.pk, patient_id=patient.pk)
    return plan


@transaction.atomic
def do_check_payment_plans(actor: Actor, *, today: dt.date) -> list[PlanMiss]:
    """The nightly check of `today` (ADR 0764): each open plan's installments past their grace
    days and not paid in full go on the missed-installments worklist, once each; a listed one
    the patient has since paid leaves it as paid late. Running it again finds nothing new; a
    run beside another waits for it and reads its rows (ADR 0844)."""
    hold(LockScope.LEDGER_NIGHT, actor.organisation.pk)
    made: list[PlanMiss] = []
    plans = PaymentPlan.objects.filter(
        organisation=actor.organisation, ended_on__isnull=True, payments__isnull=False
    ).order_by("pk")
    for plan in plans:
        installments = plan_installments(plan, today)
        listed = {m.number: m for m in plan.misses.all()}
        for item in installments:
            miss = listed.get(item.number)
            if item.state == InstallmentState.MISSED and miss is None:
                made.append(
                    PlanMiss.objects.create(
                        organisation=actor.organisation,
                        plan=plan,
                        number=item.number,
                        due_on=item.due_on,
                        short=item.short,
                        found_on=today,
                    )
                )
            elif (
                item.state == InstallmentState.PAID
                and miss is not None
                and miss.status == MissStatus.OPEN
            ):
                miss.status, miss.worked_on, miss.note = MissStatus.PAID, today, "paid late"
                miss.save(update_fields=["status", "worked_on", "note"])
    for miss in made:
        do_record_audit_event(
            actor, AuditAction.CREATE, "plan_miss", miss.pk, patient_id=miss.plan.patient_id
        )
    return made


@transaction.atomic
def do_record_plan_contact(actor: Actor, miss: PlanMiss, *, note: str, day: dt.date) -> PlanMiss:
    """The biller reached the patient about a missed installment: what was agreed, e.g. "will
    pay Friday". The plan stands; the next night's check lists a later miss again."""
    user = _person(actor)
    if user is None or miss.organisation_id != actor.organisation.pk:
        raise LedgerRefused("miss", "belongs to another organisation")
    if miss.status != MissStatus.OPEN:
        raise LedgerRefused("miss", "is already worked")
    text = " ".join(note.split())[:300]
    if not text:
        raise LedgerRefused("note", "say what the patient said, e.g. will pay on Friday")
    miss.status, miss.note, miss.worked_on, miss.worked_by = MissStatus.CONTACTED, text, day, user
    miss.save(update_fields=["status", "note", "worked_on", "worked_by"])
    do_record_audit_event(
        actor, AuditAction.UPDATE, "plan_miss", miss.pk, patient_id=miss.plan.patient_id
    )
    return miss


@transaction.atomic
def do_decide_collections(
    actor: Actor, dunning: Dunning, *, send: bool, note: str, day: dt.date
) -> Dunning:
    """A person's decision on a patient flagged at the collections step: sent to the agency
    (recorded only; nothing is transmitted) or withdrawn. A note is required."""
    _person(actor)
    if dunning.organisation_id != actor.organisation.pk:
        raise LedgerRefused("dunning", "belongs to another organisation")
    if dunning.status != DunningStatus.COLLECTIONS_REVIEW:
        raise LedgerRefused("dunning", "is not waiting for a collections review")
    if not note.strip():
        raise LedgerRefused("note", "say why (the agency's reference, or why not)")
    dunning.status = DunningStatus.SENT_TO_COLLECTIONS if send else DunningStatus.WITHDRAWN
    dunning.ended_on, dunning.note = day, note.strip()[:300]
    dunning.save(update_fields=["status", "ended_on", "note"])
    do_record_audit_event(
        actor, AuditAction.UPDATE, "dunning", dunning.pk, patient_id=dunning.patient_id
    )
    return dunning


@transaction.atomic
def do_edit_dunning_step(actor: Actor, step: DunningStep, *, message: str) -> DunningStep:
    """A step's message as a biller or the owner words it, printed on the statements it
    sends (who may: `may_word_dunning`, ADR 0846)."""
    _dunning_writer(actor)
    if step.organisation_id != actor.organisation.pk:
        raise LedgerRefused("step", "belongs to another organisation")
    if len(message) > 1000:
        raise LedgerRefused("message", "keep it under 1,000 characters")
    step.message = message.strip()
    step.save(update_fields=["message"])
    do_record_audit_event(actor, AuditAction.UPDATE, "dunning_step", step.pk)
    return step


@transaction.atomic
def do_save_statement_settings(
    actor: Actor, *, cycle: CycleDraft, steps: list[StepDraft]
) -> StatementSettings:
    """The statement cycle and the dunning steps as a biller or the owner set them on the
    settings page (ADR 0763): all checked first (`statement_rules.check_cycle`,
    `check_steps`), every problem refused at once with where and what (`SettingsProblems`),
    nothing saved unless all is right. The steps replace the clinic's sequence; a patient's
    dunning keeps its step number and goes on with the steps after it. One audit row."""
    _dunning_writer(actor)
    checked, problems = check_cycle(cycle)
    numbered, step_problems = check_steps(steps)
    problems += step_problems
    if problems or checked is None:
        raise SettingsProblems(problems)
    settings = StatementSettings.objects.select_for_update().get(
        pk=settings_of(actor.organisation).pk
    )
    before = {
        "cycle_day": settings.cycle_day,
        "minimum_balance": str(settings.minimum_balance),
        "ages": list(settings.ages_included),
        "quiet_days": settings.quiet_days,
        "steps": [(s.day, s.action, s.title) for s in steps_of(actor.organisation)],
    }
    settings.cycle_day = checked.cycle_day
    settings.minimum_balance = checked.minimum_balance
    settings.ages_included = list(checked.ages)
    settings.quiet_days = checked.quiet_days
    settings.save(update_fields=["cycle_day", "minimum_balance", "ages_included", "quiet_days"])
    DunningStep.objects.filter(organisation=actor.organisation).delete()
    DunningStep.objects.bulk_create(
        DunningStep(
            organisation=actor.organisation,
            number=number,
            day=int(draft.day),
            action=draft.action,
            title=draft.title.strip(),
            message="" if draft.action == StepAction.COLLECTIONS_REVIEW else draft.message.strip(),
        )
        for number, draft in numbered
    )
    changed = [key for key, value in before.items() if value != _now_of(settings, key)]
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "statement_settings",
        settings.pk,
        reason=("changed " + ", ".join(changed)) if changed else "saved unchanged",
    )
    return settings


def _now_of(settings: StatementSettings, key: str) -> object:
    if key == "steps":
        return [(s.day, s.action, s.title) for s in steps_of(settings.organisation)]
    if key == "ages":
        return list(settings.ages_included)
    if key == "minimum_balance":
        return str(settings.minimum_balance)
    return getattr(settings, key)


@transaction.atomic
def run_statement_cycle(actor: Actor, *, day: dt.date) -> StatementRun | None:
    """The nightly batch on the clinic's cycle day (ADR 0763): a batch run when `day` is the
    cycle day and no batch run was made that day yet (a second run the same night, or a
    person's run that morning, makes nothing more). The look and the run are one transaction
    under the organisation's nightly ledger lock, so two workers make one run (ADR 0844)."""
    hold(LockScope.LEDGER_NIGHT, actor.organisation.pk)
    settings = settings_of(actor.organisation)
    if settings.cycle_day is None or day.day != settings.cycle_day:
        return None
    if StatementRun.objects.filter(
        organisation=actor.organisation, kind=RunKind.BATCH, run_on=day
    ).exists():
        return None
    return do_run_statements(actor, day=day)
