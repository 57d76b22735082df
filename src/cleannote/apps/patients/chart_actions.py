"""Keeping a chart current after registration: demographics, coverages and their order, cases.

Every change is one transaction that names who made it and why: each field that changed gets
its own audit row (`patient.phone`, `coverage.member_id`, ...) carrying the reason the person
typed, never the values (they are PHI). A change that would leave the chart contradicting
itself (two primary coverages in force on one day, a case closed before its last visit) is
refused with `ChartChangeRefused`, naming the field to fix (ADR 0501).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.patients.actions import do_add_coverage, do_open_case
from cleannote.apps.patients.models import (
    CASE_CONTACT_FIELDS,
    COVERAGE_POLICY_FIELDS,
    PATIENT_ADDRESS_FIELDS,
    PATIENT_CONTACT_FIELDS,
    Case,
    CaseClosure,
    Coverage,
    CoveragePriority,
    Patient,
)
from cleannote.apps.payers.actions import COVERAGE_COPY
from cleannote.apps.payers.models import Payer
from cleannote.rules.visit import PayerKind

R = TypeVar("R", Coverage, Case)

REASON_LIMIT = 200  # the audit row keeps 200 characters
PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "birth_date",
    "sex",
    *PATIENT_ADDRESS_FIELDS,
    *PATIENT_CONTACT_FIELDS,
)
COVERAGE_FIELDS = (
    "priority",
    "payer_record",
    *COVERAGE_POLICY_FIELDS,
    "copay",
    "coinsurance_percent",
    "deductible",
)
CASE_FIELDS = (
    "discipline",
    "title",
    "onset_date",
    "opened_on",
    "injury_description",
    "coverage",
    "accident_kind",
    "accident_date",
    "accident_state",
    "insurer_claim_number",
    "employer_name",
    "initial_treatment_date",
    *CASE_CONTACT_FIELDS,
    "adjuster_name",
    "adjuster_phone",
    "adjuster_email",
    "lien_on_file",
    "report_schedule",
    "pip_medpay_limit",
)
PRIORITIES = tuple(CoveragePriority)


class ChartChangeRefused(ValueError):
    """A change the chart cannot take; `field` is the input to fix, the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def checked_reason(reason: str) -> str:
    """Why the change is made: required, one line, at most 300 characters."""
    text = " ".join((reason or "").split())
    if not text:
        raise ChartChangeRefused("reason", "Say why you are making this change.")
    if len(text) > REASON_LIMIT:
        raise ChartChangeRefused("reason", f"Keep the reason under {REASON_LIMIT} characters.")
    return text


def _audit_fields(
    actor: Actor, kind: str, row_id: int, fields: Iterable[str], patient_id: int, reason: str
) -> None:
    for field in fields:
        do_record_audit_event(
            actor,
            AuditAction.UPDATE,
            f"{kind}.{field}",
            row_id,
            patient_id=patient_id,
            reason=reason,
        )


def _apply(row: Any, allowed: Sequence[str], changes: dict[str, Any]) -> list[str]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    changed = [f for f in allowed if f in changes and getattr(row, f) != changes[f]]
    for field in changed:
        setattr(row, field, changes[field])
    return changed


def locked_patient(actor: Actor, patient_id: int) -> Patient:
    """The patient's row, locked for this transaction, if it is in the actor's organisation: the
    first lock every chart write takes, so two writes to one chart queue instead of racing."""
    patient = (
        Patient.objects.select_for_update()
        .filter(pk=patient_id, organisation=actor.organisation)
        .first()
    )
    if patient is None:
        raise ChartChangeRefused("patient", f"patient {patient_id} is not in this organisation")
    return patient


def _locked(actor: Actor, model: type[R], row: R) -> tuple[Patient, R]:
    """The patient's row, then this coverage or case of it, locked in that order: every chart
    action locks the patient first, so two edits of one chart wait for each other instead of
    deadlocking; a row of another organisation's patient is refused."""
    patient = locked_patient(actor, row.patient_id)
    return patient, model.objects.select_for_update().get(pk=row.pk, patient=patient)


# --- demographics -----------------------------------------------------------------------------


@transaction.atomic
def do_update_patient(actor: Actor, patient: Patient, *, reason: str, **changes: Any) -> list[str]:
    """Apply a demographics or contact edit; returns the fields that changed."""
    why = checked_reason(reason)
    row = locked_patient(actor, patient.pk)
    changed = _apply(row, PATIENT_FIELDS, changes)
    if not changed:
        return []
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save(update_fields=changed)
    _audit_fields(actor, "patient", row.pk, changed, row.pk, why)
    patient.refresh_from_db()
    return changed


# --- coverages --------------------------------------------------------------------------------


def _overlapping(coverage: Coverage, others: Iterable[Coverage]) -> Coverage | None:
    """Another coverage of the same priority whose dates overlap this one's."""
    far = dt.date.max
    for other in others:
        if other.pk == coverage.pk or other.priority != coverage.priority:
            continue
        if other.active_from <= (coverage.active_through or far) and coverage.active_from <= (
            other.active_through or far
        ):
            return other
    return None


def _check_order(coverage: Coverage, others: Iterable[Coverage]) -> None:
    clash = _overlapping(coverage, others)
    if clash is not None:
        label = coverage.get_priority_display().lower()
        raise ChartChangeRefused(
            "priority",
            f"{clash.payer_name} is already the {label} coverage on some of these dates: "
            "end it first, or give this coverage another place in the order.",
        )


def _copy_payer(coverage: Coverage, actor: Actor) -> None:
    record: Payer | None = coverage.payer_record
    if record is None:
        raise ChartChangeRefused("payer_record", "Choose the payer from the payer directory.")
    if record.organisation_id != actor.organisation.pk:
        raise ChartChangeRefused("payer_record", "That payer is not in this clinic's directory.")
    for field, attr in COVERAGE_COPY.items():
        setattr(coverage, field, getattr(record, attr))


@transaction.atomic
def do_add_coverage_to_chart(
    actor: Actor, patient: Patient, coverage: Coverage, *, reason: str
) -> Coverage:
    """A coverage added after registration (a second insurance, a new plan): a payer from the
    directory, in a place of the order no other coverage holds on its dates."""
    why = checked_reason(reason)
    row = locked_patient(actor, patient.pk)
    if coverage.payer_record is not None:
        _copy_payer(coverage, actor)
    coverage.patient = row
    _check_order(coverage, row.coverages.all())
    # Registration's writer links a payer typed in to the directory and audits the row.
    return do_add_coverage(actor, row, coverage, reason=why)


@transaction.atomic
def do_update_coverage(
    actor: Actor, coverage: Coverage, *, reason: str, **changes: Any
) -> list[str]:
    """Edit a coverage (member id, subscriber, dates, the patient's share, its payer)."""
    why = checked_reason(reason)
    patient, row = _locked(actor, Coverage, coverage)
    changed = _apply(row, COVERAGE_FIELDS, changes)
    if not changed:
        return []
    _copy_payer(row, actor)
    row.full_clean(validate_unique=False, validate_constraints=False)
    _check_order(row, patient.coverages.all())
    row.save()
    _audit_fields(actor, "coverage", row.pk, changed, patient.pk, why)
    coverage.refresh_from_db()
    return changed


@transaction.atomic
def do_end_coverage(
    actor: Actor, coverage: Coverage, *, ended_on: dt.date, reason: str
) -> Coverage:
    """End a coverage on `ended_on` (its last day in force); visits after it bill the next
    coverage in the order."""
    why = checked_reason(reason)
    patient, row = _locked(actor, Coverage, coverage)
    if ended_on < row.active_from:
        raise ChartChangeRefused(
            "active_through",
            f"Must not be before the day it started ({row.active_from.isoformat()}).",
        )
    row.active_through = ended_on
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save(update_fields=["active_through"])
    _audit_fields(actor, "coverage", row.pk, ["active_through"], patient.pk, why)
    coverage.refresh_from_db()
    return row


@transaction.atomic
def do_reorder_coverages(
    actor: Actor,
    patient: Patient,
    order: Sequence[int],
    *,
    reason: str,
    medicare_secondary_types: Mapping[int, str] | None = None,
) -> list[Coverage]:
    """Put the coverages with these ids first, second and third in the coordination-of-
    benefits order (primary, secondary, tertiary). Every coverage not ended before today must
    be listed once; ended ones keep their place in history.

    Medicare moved behind another payer needs why (its secondary payer type, by coverage id);
    Medicare moved to primary drops it."""
    why = checked_reason(reason)
    row = locked_patient(actor, patient.pk)
    today = timezone.localdate()
    current = [
        c for c in row.coverages.all() if c.active_through is None or c.active_through >= today
    ]
    if sorted(order) != sorted(c.pk for c in current) or len(set(order)) != len(order):
        raise ChartChangeRefused(
            "order", "List each coverage in force today or later exactly once."
        )
    if len(order) > len(PRIORITIES):
        raise ChartChangeRefused(
            "order",
            f"A claim carries at most {len(PRIORITIES)} payers: end a coverage first.",
        )
    by_id = {c.pk: c for c in current}
    moved: list[Coverage] = []
    for position, coverage_id in enumerate(order):
        coverage = by_id[coverage_id]
        priority = PRIORITIES[position].value
        msp = coverage.medicare_secondary_type
        if coverage.kind == PayerKind.MEDICARE.value:
            wanted = (medicare_secondary_types or {}).get(coverage_id, msp)
            msp = "" if priority == CoveragePriority.PRIMARY else wanted
        if (coverage.priority, coverage.medicare_secondary_type) != (priority, msp):
            coverage.priority, coverage.medicare_secondary_type = priority, msp
            moved.append(coverage)
    ended = [c for c in row.coverages.all() if c.pk not in by_id]
    for coverage in moved:
        try:
            coverage.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:  # name the coverage, keep the field's message
            field, problems = next(iter(exc.message_dict.items()))
            raise ChartChangeRefused(
                field, f"{coverage.payer_name}: {'; '.join(problems)}"
            ) from None
        _check_order(coverage, [*ended, *by_id.values()])
    for coverage in moved:
        coverage.save(update_fields=["priority", "medicare_secondary_type"])
        _audit_fields(actor, "coverage", coverage.pk, ["priority"], row.pk, why)
    return [by_id[i] for i in order]


# --- cases ------------------------------------------------------------------------------------


def _check_case_coverage(case: Case, patient: Patient) -> None:
    if case.coverage_id is not None and not patient.coverages.filter(pk=case.coverage_id).exists():
        raise ChartChangeRefused("coverage", "Choose one of this patient's coverages.")


@transaction.atomic
def do_open_case_on_chart(actor: Actor, patient: Patient, case: Case, *, reason: str) -> Case:
    """A new episode of care for an existing patient."""
    why = checked_reason(reason)
    row = locked_patient(actor, patient.pk)
    case.patient = row
    _check_case_coverage(case, row)
    return do_open_case(actor, row, case, reason=why)


@transaction.atomic
def do_update_case(actor: Actor, case: Case, *, reason: str, **changes: Any) -> list[str]:
    """Edit a case: its accident or work-injury details, contacts, the carrier it bills."""
    why = checked_reason(reason)
    patient, row = _locked(actor, Case, case)
    changed = _apply(row, CASE_FIELDS, changes)
    if not changed:
        return []
    _check_case_coverage(row, patient)
    row.full_clean()
    _check_visits_inside(row)
    row.save(update_fields=changed)
    _audit_fields(actor, "case", row.pk, changed, patient.pk, why)
    case.refresh_from_db()
    return changed


def _check_visits_inside(case: Case) -> None:
    """No note of the case may fall outside its open..closed window."""
    notes = case.notes.all()  # reverse relation from notes.Note: no import of the higher app
    before = notes.filter(date_of_service__lt=case.opened_on).order_by("date_of_service").first()
    if before is not None:
        raise ChartChangeRefused(
            "opened_on",
            f"A visit on {before.date_of_service.isoformat()} is before this date.",
        )
    if case.closed_on is not None:
        after = notes.filter(date_of_service__gt=case.closed_on).order_by("-date_of_service")
        last = after.first()
        if last is not None:
            raise ChartChangeRefused(
                "closed_on",
                f"A visit on {last.date_of_service.isoformat()} is after this date.",
            )


@transaction.atomic
def do_close_case(
    actor: Actor,
    case: Case,
    *,
    closed_on: dt.date,
    closure: CaseClosure,
    reason: str,
) -> Case:
    """Close a case, or discharge the patient from it, on `closed_on` with the reason (kept on
    the case and in the audit row). No visit of the case may come after that day."""
    why = checked_reason(reason)
    patient, row = _locked(actor, Case, case)
    if row.closed_on is not None:
        raise ChartChangeRefused(
            "closed_on", f"This case was already {row.closure or 'closed'} on {row.closed_on}."
        )
    row.closed_on, row.closure, row.closure_reason = closed_on, CaseClosure(closure).value, why
    row.full_clean()
    _check_visits_inside(row)
    row.save(update_fields=["closed_on", "closure", "closure_reason"])
    _audit_fields(actor, "case", row.pk, ["closure"], patient.pk, why)
    case.refresh_from_db()
    return row
