"""The only writers of patient records. Each change is one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.models import (
    Case,
    CaseDiagnosis,
    Coverage,
    Goal,
    GoalStatus,
    Patient,
    PlanOfCare,
    Referral,
)
from cleannote.apps.payers.actions import do_find_or_add_payer
from cleannote.rules.scope_of_practice import Act, act_refusal
from cleannote.rules.visit import Credential


def _created(actor: Actor, kind: str, obj: Any, patient_id: int, reason: str = "") -> None:
    do_record_audit_event(
        actor, AuditAction.CREATE, kind, obj.pk, patient_id=patient_id, reason=reason
    )


@transaction.atomic
def do_register_patient(
    actor: Actor,
    *,
    patient: Patient,
    coverage: Coverage | None = None,
    case: Case | None = None,
    referral: Referral | None = None,
) -> Patient:
    """Save a new patient with (optionally) a first coverage, case and referral, all or nothing.

    Takes unsaved instances (a register form's `save(commit=False)`, or the demo loader) and
    links them: the case bills the coverage, the referral belongs to the case.
    """
    patient.organisation = actor.organisation
    if not patient.chart_number:
        patient.chart_number = "pending"
    patient.full_clean(exclude=["chart_number"])
    patient.save()
    if patient.chart_number == "pending":
        patient.chart_number = f"C{patient.pk:06d}"
        patient.save(update_fields=["chart_number"])
    _created(actor, "patient", patient, patient.pk)
    if coverage is not None:
        do_add_coverage(actor, patient, coverage)
    if case is not None:
        if case.coverage_id is None and coverage is not None:
            case.coverage = coverage
        do_open_case(actor, patient, case)
        if referral is not None:
            do_add_referral(actor, case, referral)
    return patient


@transaction.atomic
def do_add_coverage(
    actor: Actor, patient: Patient, coverage: Coverage, *, reason: str = ""
) -> Coverage:
    """Save a coverage linked to its payer in the directory: the one chosen, or the one with the
    typed claims id (added when there is none). Name, id and kind are the payer's (ADR 0330)."""
    coverage.patient = patient
    record = coverage.payer_record
    if record is None:
        record = coverage.payer_record = do_find_or_add_payer(
            actor, name=coverage.payer_name, claims_payer_id=coverage.payer_id, kind=coverage.kind
        )
    if record.organisation_id != actor.organisation.pk:
        raise ValueError(f"payer {record.pk} is not in this organisation's directory")
    coverage.payer_name, coverage.payer_id, coverage.kind = (
        record.name,
        record.claims_payer_id,
        record.kind,
    )
    coverage.full_clean()
    coverage.save()
    _created(actor, "coverage", coverage, patient.pk, reason)
    return coverage


@transaction.atomic
def do_open_case(actor: Actor, patient: Patient, case: Case, *, reason: str = "") -> Case:
    case.patient = patient
    case.full_clean()
    case.save()
    _created(actor, "case", case, patient.pk, reason)
    return case


@transaction.atomic
def do_add_referral(actor: Actor, case: Case, referral: Referral) -> Referral:
    referral.case = case
    referral.full_clean()
    referral.save()
    _created(actor, "referral", referral, case.patient_id)
    seed_case_diagnoses(case, referral.diagnoses)
    return referral


def seed_case_diagnoses(case: Case, codes: Sequence[str]) -> None:
    """Start an empty case's diagnosis list from a document's codes (inside the caller's
    transaction); a case that has a list keeps it."""
    if not codes or case.diagnoses.exists():
        return
    seen: list[str] = []
    for code in codes:
        if code not in seen:
            seen.append(code)
    CaseDiagnosis.objects.bulk_create(
        CaseDiagnosis(case=case, position=i, code=code) for i, code in enumerate(seen, 1)
    )


class PlanOfCareScopeError(ValueError):
    """The acting clinician's credential does not establish plans of care (scope table)."""


@transaction.atomic
def do_create_plan_of_care(
    actor: Actor, case: Case, plan: PlanOfCare, goals: Sequence[Goal] = ()
) -> PlanOfCare:
    # Assistants and massage therapists do not establish a plan of care (ADR 0200); staff
    # without a credential (front desk) may enter one a therapist or physician wrote.
    staff = Staff.objects.filter(user=actor.user).only("credential").first() if actor.user else None
    if staff is not None and staff.credential:
        refusal = act_refusal(Credential(staff.credential), Act.PLAN_OF_CARE)
        if refusal is not None:
            raise PlanOfCareScopeError(f"case {case.pk}: {refusal}")
    plan.case = case
    plan.full_clean()
    plan.save()
    _created(actor, "plan_of_care", plan, case.patient_id)
    seed_case_diagnoses(case, plan.diagnoses)
    for order, goal in enumerate(goals, start=1):
        goal.plan = plan
        goal.order = order
        goal.full_clean()
        goal.save()
    return plan


@transaction.atomic
def do_record_goal_progress(
    actor: Actor, goal: Goal, *, current: str, status: GoalStatus | None = None
) -> Goal:
    goal.current = current
    if status is not None:
        goal.status = status
    goal.full_clean()
    goal.save(update_fields=["current", "status"])
    do_record_audit_event(
        actor, AuditAction.UPDATE, "goal", goal.pk, patient_id=goal.plan.case.patient_id
    )
    return goal
