"""The statements screens (ADR 0760): `/ledger/statements/` with the runs, the recent
statements and the collections review; a run and its print PDF; one statement and its PDF; and
the posts from a patient's ledger page (a statement, a payment plan). Billers and the owner act;
who words the dunning steps is one rule, `may_word_dunning`, on both pages that edit them
(ADR 0846). "Today" is read here, in the view, and passed on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.ledger.errors import LedgerRefused, SettingsProblems
from cleannote.apps.ledger.statement_actions import (
    do_create_statement,
    do_decide_collections,
    do_edit_dunning_step,
    do_end_payment_plan,
    do_record_plan_contact,
    do_run_statements,
    do_save_statement_settings,
    do_start_payment_plan,
    may_word_dunning,
)
from cleannote.apps.ledger.statement_models import Dunning, DunningStep, PlanMiss, StatementRun
from cleannote.apps.ledger.statement_pdf import (
    aging_rows,
    render_statement_pdf,
    render_statements_pdf,
    summary_rows,
    visit_rows,
)
from cleannote.apps.ledger.statement_rules import (
    AGE_NAMES,
    MAX_STEPS,
    CycleDraft,
    Problem,
    StepAction,
    StepDraft,
)
from cleannote.apps.ledger.statement_selectors import (
    missed_installments,
    recent_statements,
    review_list,
    runs_of,
    settings_of,
    statement_of,
    steps_of,
)
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Patient

billers = staff_view(Capability.POST_PAYMENTS)
STEP_ACTION_LABELS = {
    StepAction.STATEMENT: "Statement + message",
    StepAction.COLLECTIONS_REVIEW: "Collections review",
}


def _organisation(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.staff.organisation  # type: ignore[attr-defined]


def _words_dunning(request: HttpRequest) -> bool:
    return may_word_dunning(request.staff.role)  # type: ignore[attr-defined]


@billers
@require_http_methods(["GET"])
def statements(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    shown = list(recent_statements(organisation))
    review = list(review_list(organisation))
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "statement",
        "statements",
        shown_patient_ids=sorted({s.patient_id for s in shown} | {d.patient_id for d in review}),
    )
    return render(
        request,
        "ledger/statements.html",
        {
            "runs": runs_of(organisation).annotate(count=Count("statements"))[:50],
            "statements": shown,
            "review": review,
            "settings": settings_of(organisation),
            "today": timezone.localdate(),
            "missed": missed_installments(organisation).count(),
        },
    )


@billers
@require_POST
def run_statements(request: HttpRequest) -> HttpResponse:
    try:
        run = do_run_statements(actor_of(request), day=timezone.localdate())
    except LedgerRefused as refused:
        messages.error(request, refused.message)
        return redirect("ledger:statements")
    count = run.statements.count()
    messages.success(request, f"Made {count} statement{'s' if count != 1 else ''}.")
    return redirect("ledger:statement_run", run.pk)


def _run(request: HttpRequest, run_id: int) -> StatementRun:
    run = StatementRun.objects.filter(organisation=_organisation(request), pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return run


@billers
@require_http_methods(["GET"])
def statement_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    rows = list(run.statements.select_related("patient").order_by("patient__last_name", "pk"))
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "statement_run",
        run.pk,
        shown_patient_ids=sorted({s.patient_id for s in rows}),
    )
    return render(request, "ledger/statement_run.html", {"run": run, "statements": rows})


@billers
@require_http_methods(["GET"])
def statement_run_pdf(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    rows = list(run.statements.select_related("organisation").order_by("patient__last_name", "pk"))
    for statement in rows:
        do_record_audit_event(
            actor_of(request),
            AuditAction.EXPORT,
            "statement",
            statement.pk,
            patient_id=statement.patient_id,
        )
    data = render_statements_pdf(rows, title=f"Statements of {run.run_on:%Y-%m-%d}")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statements-{run.run_on:%Y%m%d}.pdf"'
    return response


def _statement(request: HttpRequest, statement_id: int):  # type: ignore[no-untyped-def]
    statement = statement_of(_organisation(request), statement_id)
    if statement is None:
        raise Http404("no such statement")
    return statement


@billers
@require_http_methods(["GET"])
def statement(request: HttpRequest, statement_id: int) -> HttpResponse:
    found = _statement(request, statement_id)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "statement", found.pk, patient_id=found.patient_id
    )
    return render(
        request,
        "ledger/statement.html",
        {
            "statement": found,
            "summary": summary_rows(found),
            "visits": visit_rows(found.content),
            "aging": aging_rows(found.content),
        },
    )


@billers
@require_http_methods(["GET"])
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    found = _statement(request, statement_id)
    do_record_audit_event(
        actor_of(request), AuditAction.EXPORT, "statement", found.pk, patient_id=found.patient_id
    )
    response = HttpResponse(render_statement_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{found.number}.pdf"'
    return response


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    patient = Patient.objects.filter(organisation=_organisation(request), pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient")
    return patient


@billers
@require_POST
def patient_statement(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    try:
        made = do_create_statement(
            actor_of(request),
            patient,
            day=timezone.localdate(),
            via=request.POST.get("via", "print"),
        )
    except LedgerRefused as refused:
        messages.error(request, f"No statement made: {refused.message}.")
        return redirect("ledger:patient", patient.pk)
    messages.success(request, f"Made statement {made.number}.")
    return redirect("ledger:statement", made.pk)


@billers
@require_POST
def payment_plan(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Start, adjust or end the patient's payment plan from the ledger page (ADR 0764)."""
    patient = _patient(request, patient_id)
    actor, today = actor_of(request), timezone.localdate()
    post = request.POST
    try:
        if post.get("end"):
            do_end_payment_plan(actor, patient, day=today, reason=post.get("reason", ""))
            messages.success(request, "Payment plan ended; the statements' reminders resume.")
        else:
            plan = do_start_payment_plan(
                actor,
                patient,
                amount_per_month=post.get("amount_per_month"),
                day=today,
                frequency=post.get("frequency", "monthly"),
                first_due_on=post.get("first_due_on", ""),
                payments=post.get("payments", ""),
                adjusting=bool(post.get("adjust")),
            )
            messages.success(
                request,
                f"Payment plan: {plan.payments} payments of ${plan.amount_per_month:,.2f} "
                f"{plan.get_frequency_display()} from {plan.first_due_on:%Y-%m-%d}; "
                "reminders paused.",
            )
    except LedgerRefused as refused:
        messages.error(request, f"Payment plan, {PLAN_FIELDS.get(refused.field, refused.field)}: "
                       f"{refused.message}.")  # fmt: skip
    return redirect(f"{reverse('ledger:patient', args=[patient.pk])}#payment-plan")


PLAN_FIELDS = {
    "amount_per_month": "amount of each payment",
    "frequency": "how often",
    "first_due_on": "first payment",
    "payments": "number of payments",
    "plan": "plan",
    "patient": "patient",
}


@billers
@require_http_methods(["GET", "POST"])
def missed_installments_page(request: HttpRequest) -> HttpResponse:
    """The missed-installments worklist (ADR 0764): each row links to the patient's ledger page
    (to adjust or end the plan) and records the contact with the patient."""
    organisation = _organisation(request)
    if request.method == "POST":
        miss_id = request.POST.get("miss", "")
        miss = (
            PlanMiss.objects.filter(organisation=organisation, pk=int(miss_id)).first()
            if miss_id.isdigit()
            else None
        )
        if miss is None:
            raise Http404("no such missed installment")
        try:
            do_record_plan_contact(
                actor_of(request), miss, note=request.POST.get("note", ""),
                day=timezone.localdate(),
            )  # fmt: skip
        except LedgerRefused as refused:
            messages.error(request, f"Installment {miss.number}: {refused.message}.")
        else:
            messages.success(request, f"Recorded the contact about installment {miss.number}.")
        return redirect("ledger:missed_installments")
    rows = list(missed_installments(organisation))
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "plan_miss",
        "missed_installments",
        shown_patient_ids=sorted({m.plan.patient_id for m in rows}),
    )
    return render(request, "ledger/missed_installments.html", {"misses": rows})


@billers
@require_POST
def decide_collections(request: HttpRequest, dunning_id: int) -> HttpResponse:
    dunning = Dunning.objects.filter(organisation=_organisation(request), pk=dunning_id).first()
    if dunning is None:
        raise Http404("no such dunning")
    try:
        do_decide_collections(
            actor_of(request),
            dunning,
            send=request.POST.get("decision") == "send",
            note=request.POST.get("note", ""),
            day=timezone.localdate(),
        )
    except LedgerRefused as refused:
        messages.error(request, f"Collections review: {refused.message}.")
    else:
        messages.success(request, "Decision recorded.")
    return redirect("ledger:statements")


@billers
@require_http_methods(["GET", "POST"])
def dunning_steps(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    steps = steps_of(organisation)
    can_word = _words_dunning(request)
    if request.method == "POST":
        if not can_word:
            raise PermissionDenied("this role does not word the dunning steps")
        step_id = request.POST.get("step", "")
        step = (
            DunningStep.objects.filter(organisation=organisation, pk=int(step_id)).first()
            if step_id.isdigit()
            else None
        )
        if step is None:
            raise Http404("no such step")
        try:
            do_edit_dunning_step(actor_of(request), step, message=request.POST.get("message", ""))
        except LedgerRefused as refused:
            messages.error(request, f"Step {step.number}: {refused.message}.")
        else:
            messages.success(request, f"Saved the message of step {step.number}.")
        return redirect("ledger:dunning_steps")
    return render(request, "ledger/dunning_steps.html", {"steps": steps, "can_word": can_word})


def _settings_rows(request: HttpRequest) -> tuple[list[dict[str, object]], list[int]]:
    """The step rows as posted (each its original index), and which rows are kept, in order:
    a row ticked "remove" and the empty row for a new step are left out."""
    typed = request.POST.get("step_count", "")
    count = int(typed) if typed.isdigit() else 0
    rows, kept = [], []
    for index in range(1, min(count, MAX_STEPS) + 2):
        row: dict[str, object] = {
            "index": index,
            "day": request.POST.get(f"step-{index}-day", ""),
            "action": request.POST.get(f"step-{index}-action", StepAction.STATEMENT.value),
            "title": request.POST.get(f"step-{index}-title", ""),
            "message": request.POST.get(f"step-{index}-message", ""),
            "removed": bool(request.POST.get(f"step-{index}-remove")),
            "new": index == count + 1,
            "errors": {},
        }
        rows.append(row)
        blank = not str(row["day"]).strip() and not str(row["title"]).strip()
        if not row["removed"] and not (row["new"] and blank):
            kept.append(index)
    return rows, kept


@billers
@require_http_methods(["GET", "POST"])
def statement_settings(request: HttpRequest) -> HttpResponse:
    """The statement cycle and the dunning steps, set by a biller or the owner (ADR 0763)."""
    organisation = _organisation(request)
    settings = settings_of(organisation)
    problems: list[Problem] = []
    located: list[tuple[Problem, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        if not _words_dunning(request):
            raise PermissionDenied("this role does not word the dunning steps")
        rows, kept = _settings_rows(request)
        cycle = {
            "cycle_day": request.POST.get("cycle_day", ""),
            "minimum_balance": request.POST.get("minimum_balance", ""),
            "ages": request.POST.getlist("ages"),
            "quiet_days": request.POST.get("quiet_days", ""),
        }
        drafts = [
            StepDraft(
                day=str(rows[i - 1]["day"]),
                action=str(rows[i - 1]["action"]),
                title=str(rows[i - 1]["title"]),
                message=str(rows[i - 1]["message"]),
            )
            for i in kept
        ]
        try:
            do_save_statement_settings(
                actor_of(request),
                cycle=CycleDraft(
                    cycle_day=str(cycle["cycle_day"]),
                    minimum_balance=str(cycle["minimum_balance"]),
                    ages=tuple(cycle["ages"]),
                    quiet_days=str(cycle["quiet_days"]),
                ),
                steps=drafts,
            )
        except SettingsProblems as refused:
            problems = refused.problems
        except LedgerRefused as refused:
            problems = [Problem(refused.field, "Statement settings", refused.message)]
        else:
            messages.success(request, "Saved the statement cycle and the dunning steps.")
            return redirect("ledger:statements")
        # each step problem goes to the row it came from (numbers count kept rows only)
        for problem in problems:
            anchor = problem.field
            if anchor.startswith("step-") and anchor.count("-") == 2:
                _, number, part = anchor.split("-")
                if number.isdigit() and 0 < int(number) <= len(kept):
                    index = kept[int(number) - 1]
                    anchor = f"step-{index}-{part}"
                    rows[index - 1]["errors"][part] = problem.what  # type: ignore[index]
            located.append((problem, anchor))
            field_errors[problem.field] = problem.what
    else:
        steps = steps_of(organisation)
        rows = [
            {
                "index": n,
                "day": str(s.day),
                "action": s.action,
                "title": s.title,
                "message": s.message,
                "removed": False,
                "new": False,
                "errors": {},
            }
            for n, s in enumerate(steps, start=1)
        ]
        rows.append(
            {
                "index": len(steps) + 1,
                "day": "",
                "action": StepAction.STATEMENT.value,
                "title": "",
                "message": "",
                "removed": False,
                "new": True,
                "errors": {},
            }
        )
        cycle = {
            "cycle_day": "" if settings.cycle_day is None else str(settings.cycle_day),
            "minimum_balance": f"{settings.minimum_balance:.2f}",
            "ages": list(settings.ages_included),
            "quiet_days": str(settings.quiet_days),
        }
    return render(
        request,
        "ledger/statement_settings.html",
        {
            "cycle": cycle,
            "rows": rows,
            "step_count": sum(1 for r in rows if not r["new"]),
            "problems": located,
            "field_errors": field_errors,
            "age_names": AGE_NAMES,
            "actions": [(a.value, STEP_ACTION_LABELS[a]) for a in StepAction],
            "max_steps": MAX_STEPS,
        },
        status=400 if problems else 200,
    )
