"""The writers of the chart's clinical part: referrals and authorizations, the case's diagnoses,
plans of care with their goals, deliveries and certification (ADR 0521).

Each `do_*` is one transaction with its audit row, which keeps who acted and why (the reason
they typed, required for a correction: `chart_actions.checked_reason`). Bad input raises
`ValidationError` naming the field (a missing reason `ChartChangeRefused`), before anything is
written; a person who may not make the change gets `ChartAccessRefused`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.patients.actions import seed_case_diagnoses
from cleannote.apps.patients.chart_actions import checked_reason
from cleannote.apps.patients.clinical_access import require_clinical, require_paperwork
from cleannote.apps.patients.diagnoses import diagnosis_problem, normalize_code
from cleannote.apps.patients.models import (
    AuthorizedCodeGroup,
    Case,
    CaseDiagnosis,
    Goal,
    PlanDelivery,
    PlanOfCare,
    Referral,
)
from cleannote.rules.icd10 import check as icd_check
from cleannote.rules.scrub.checks_chart import certification_problem
from cleannote.rules.visit import Certification, CertificationKind


def _audit(
    actor: Actor, action: AuditAction, kind: str, obj_id: object, case: Case, reason: str
) -> None:
    do_record_audit_event(actor, action, kind, obj_id, patient_id=case.patient_id, reason=reason)


# --- referrals and authorizations ------------------------------------------------------------


def _save_groups(referral: Referral, groups: Sequence[AuthorizedCodeGroup]) -> None:
    referral.code_groups.all().delete()
    for group in groups:
        group.pk = None
        group.referral = referral
        group.full_clean()
        group.save()


@transaction.atomic
def do_record_referral(
    actor: Actor,
    case: Case,
    referral: Referral,
    groups: Sequence[AuthorizedCodeGroup] = (),
    *,
    reason: str = "",
) -> Referral:
    """A new referral or authorization on the case, with its limits per code group. A case
    without diagnoses takes the referral's codes, as written, to start its list."""
    require_paperwork(actor, case)
    referral.case = case
    referral.full_clean()
    referral.save()
    _save_groups(referral, groups)
    _audit(actor, AuditAction.CREATE, "referral", referral.pk, case, reason)
    seed_case_diagnoses(case, referral.diagnoses)
    return referral


@transaction.atomic
def do_renew_referral(
    actor: Actor,
    old: Referral,
    new: Referral,
    groups: Sequence[AuthorizedCodeGroup] = (),
    *,
    reason: str = "",
) -> Referral:
    """A new referral that follows `old` (used up or expired): it renews it, and from its
    date the visits count against it."""
    case = old.case
    require_paperwork(actor, case)
    if Referral.objects.filter(renews=old).exists():
        raise ValidationError({"renews": f"referral {old.pk} was already renewed"})
    if new.referral_date and new.referral_date < old.referral_date:
        raise ValidationError({"referral_date": "must not be before the referral it renews"})
    new.case = case
    new.renews = old
    new.full_clean()
    new.save()
    _save_groups(new, groups)
    _audit(actor, AuditAction.CREATE, "referral", new.pk, case, reason or f"renews {old.pk}")
    return new


@transaction.atomic
def do_update_referral(
    actor: Actor,
    referral: Referral,
    groups: Sequence[AuthorizedCodeGroup] | None = None,
    *,
    reason: str,
) -> Referral:
    """Correct a referral (the instance carries the new values); a reason is required."""
    case = referral.case
    require_paperwork(actor, case)
    reason = checked_reason(reason)
    referral.full_clean()
    referral.save()
    if groups is not None:
        _save_groups(referral, groups)
    _audit(actor, AuditAction.UPDATE, "referral", referral.pk, case, reason)
    return referral


# --- the case's diagnoses --------------------------------------------------------------------


def checked_code(code: str, field: str = "code") -> str:
    """The code normalised, or ValidationError with the command line's words and replacements
    (`cleannote icd check`)."""
    code = normalize_code(code)
    problem = diagnosis_problem(code)
    if problem is not None:
        replacements = icd_check(code).replacements if problem else ()
        hint = f" Choose {', '.join(replacements)}." if replacements else ""
        raise ValidationError({field: f"{code}: {problem}.{hint}"}, code="invalid_diagnosis")
    return code


@transaction.atomic
def do_add_diagnosis(
    actor: Actor, case: Case, code: str, onset: dt.date | None, *, reason: str = ""
) -> CaseDiagnosis:
    require_clinical(actor, case)
    code = checked_code(code)
    if case.diagnoses.filter(code=code).exists():
        raise ValidationError({"code": f"{code} is already on the case"})
    last = case.diagnoses.aggregate(last=Max("position"))["last"] or 0
    row = CaseDiagnosis(case=case, position=last + 1, code=code, onset_date=onset)
    row.full_clean()
    row.save()
    _audit(actor, AuditAction.CREATE, "diagnosis", row.pk, case, reason)
    return row


@transaction.atomic
def do_change_diagnosis(
    actor: Actor, row: CaseDiagnosis, code: str, onset: dt.date | None, *, reason: str
) -> CaseDiagnosis:
    """Correct a diagnosis (a retired code to its replacement, a wrong onset)."""
    case = row.case
    require_clinical(actor, case)
    reason = checked_reason(reason)
    code = checked_code(code)
    if case.diagnoses.filter(code=code).exclude(pk=row.pk).exists():
        raise ValidationError({"code": f"{code} is already on the case"})
    row.code, row.onset_date = code, onset
    row.full_clean()
    row.save(update_fields=["code", "onset_date"])
    _audit(actor, AuditAction.UPDATE, "diagnosis", row.pk, case, reason)
    return row


@transaction.atomic
def do_remove_diagnosis(actor: Actor, row: CaseDiagnosis, *, reason: str) -> None:
    case = row.case
    require_clinical(actor, case)
    reason = checked_reason(reason)
    row_id = row.pk
    row.delete()
    _renumber(case)
    _audit(actor, AuditAction.DELETE, "diagnosis", row_id, case, reason)


@transaction.atomic
def do_move_diagnosis(actor: Actor, row: CaseDiagnosis, up: bool, *, reason: str = "") -> None:
    """Move a diagnosis one place up (towards primary) or down the claim order."""
    case = row.case
    require_clinical(actor, case)
    rows = list(case.diagnoses.select_for_update().order_by("position", "id"))
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(case, rows)
    _audit(actor, AuditAction.UPDATE, "diagnosis", row.pk, case, reason or "reordered")


def _renumber(case: Case, rows: list[CaseDiagnosis] | None = None) -> None:
    rows = rows if rows is not None else list(case.diagnoses.order_by("position", "id"))
    for position, r in enumerate(rows, 1):
        if r.position != position:
            r.position = position
            r.save(update_fields=["position"])


# --- plans of care ---------------------------------------------------------------------------


def _save_goals(plan: PlanOfCare, goals: Sequence[Goal]) -> None:
    for order, goal in enumerate(goals, start=1):
        goal.plan = plan
        goal.order = order
        goal.full_clean()
        goal.save()


def _plan_diagnoses(case: Case, plan: PlanOfCare) -> None:
    """The plan lists the case's diagnoses as they stand; a retired one is refused by name."""
    if not plan.diagnoses:
        plan.diagnoses = [r.code for r in case.diagnoses.order_by("position", "id")]
    for code in plan.diagnoses:
        try:
            checked_code(code, "diagnoses")
        except ValidationError as error:
            raise ValidationError(
                {"diagnoses": f"{error.messages[0]} Correct the case's diagnoses first."}
            ) from None


@transaction.atomic
def do_write_plan_of_care(
    actor: Actor, case: Case, plan: PlanOfCare, goals: Sequence[Goal] = (), *, reason: str = ""
) -> PlanOfCare:
    """A first plan of care for the case, written by a clinician who treats the patient."""
    require_clinical(actor, case)
    return _save_new_plan(actor, case, plan, goals, reason)


@transaction.atomic
def do_revise_plan_of_care(
    actor: Actor, old: PlanOfCare, plan: PlanOfCare, goals: Sequence[Goal], *, reason: str
) -> PlanOfCare:
    """A new version of the plan (changed goals, frequency, a recertification): it needs its own
    certification; the old one stays as the physician signed it."""
    case = old.case
    require_clinical(actor, case)
    reason = checked_reason(reason)
    plan.pk = None
    plan.revises = old
    plan.diagnoses = []
    plan.signature_received_on = plan.order_signed_on = None
    plan.delay_reason = ""
    return _save_new_plan(actor, case, plan, goals, reason)


def _save_new_plan(
    actor: Actor, case: Case, plan: PlanOfCare, goals: Sequence[Goal], reason: str
) -> PlanOfCare:
    """Save a plan not yet certified, listing the case's diagnoses, with its goals; audited."""
    plan.case = case
    _plan_diagnoses(case, plan)
    plan.certification_kind = ""
    plan.full_clean()
    plan.save()
    _save_goals(plan, goals)
    _audit(actor, AuditAction.CREATE, "plan_of_care", plan.pk, case, reason)
    return plan


@transaction.atomic
def do_update_plan_of_care(
    actor: Actor, plan: PlanOfCare, goals: Sequence[Goal], *, reason: str
) -> PlanOfCare:
    """Change a plan the physician has not certified yet (a certified plan is revised)."""
    case = plan.case
    require_clinical(actor, case)
    reason = checked_reason(reason)
    if PlanOfCare.objects.filter(pk=plan.pk).exclude(certification_kind="").exists():
        raise ValidationError(
            {"__all__": "a certified plan is not changed: revise it (a new version to certify)"}
        )
    plan.full_clean()
    plan.save()
    kept = [g.pk for g in goals if g.pk]
    plan.goals.exclude(pk__in=kept).filter(treatment_blocks__isnull=True).delete()
    _save_goals(plan, goals)
    _audit(actor, AuditAction.UPDATE, "plan_of_care", plan.pk, case, reason)
    return plan


@transaction.atomic
def do_record_plan_sent(
    actor: Actor, plan: PlanOfCare, delivery: PlanDelivery, *, reason: str = ""
) -> PlanDelivery:
    """When and how the plan went to the referrer (the PDF): the signed-order evidence."""
    require_paperwork(actor, plan.case)
    delivery.plan = plan
    if delivery.sent_on and delivery.sent_on < plan.start_date - dt.timedelta(days=30):
        raise ValidationError({"sent_on": "is long before the plan started; check the year"})
    delivery.full_clean()
    delivery.save()
    _audit(actor, AuditAction.EXPORT, "plan_of_care", plan.pk, plan.case, reason or "sent")
    return delivery


def first_sent_on(plan: PlanOfCare) -> dt.date | None:
    dates = [d.sent_on for d in plan.deliveries.all()]
    return min(dates) if dates else None


@transaction.atomic
def do_record_certification(
    actor: Actor,
    plan: PlanOfCare,
    *,
    kind: CertificationKind,
    signed_on: dt.date | None = None,
    order_signed_on: dt.date | None = None,
    delay_reason: str = "",
    certifier_name: str = "",
    certifier_npi: str = "",
    reason: str = "",
) -> PlanOfCare:
    """Record how the plan is certified. Evidence the scrubber would refuse is refused here
    first, in its words (`checks_chart.certification_problem`)."""
    require_paperwork(actor, plan.case)
    evidence = Certification(
        kind,
        signed_on=signed_on if kind is not CertificationKind.SIGNED_ORDER else None,
        order_signed_on=order_signed_on if kind is CertificationKind.SIGNED_ORDER else None,
        sent_on=first_sent_on(plan),
        delay_reason=delay_reason.strip() or None,
    )
    problem = certification_problem(plan.start_date, evidence)
    if problem is not None:
        _rule, message, fix = problem
        field = {
            CertificationKind.SIGNED: "signed_on",
            CertificationKind.DELAYED: "delay_reason",
            CertificationKind.SIGNED_ORDER: "order_signed_on",
        }[kind]
        raise ValidationError({field: f"{message} {fix}"})
    plan.certification_kind = kind.value
    plan.signature_received_on = evidence.signed_on
    plan.order_signed_on = evidence.order_signed_on
    plan.delay_reason = evidence.delay_reason or ""
    plan.certifier_name = certifier_name.strip()
    plan.certifier_npi = certifier_npi.strip()
    plan.full_clean()
    plan.save()
    _audit(actor, AuditAction.SIGN, "plan_of_care", plan.pk, plan.case, reason or kind.value)
    return plan
