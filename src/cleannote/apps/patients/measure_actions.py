"""Recording standardized outcome measures on a case, scored by the core (ADR 0540, 0541).

A result is what was measured on a day: the item answers of an instrument Cleannote scores
(LEFS, PSFS, Berg, DHI), one timed result, or the total a clinician obtained on a licensed
form. Either way the core scores or range-checks it, and a refusal names the answer and what
was allowed; nothing is saved then. One transaction with its audit row.

A result entered wrongly is corrected (a new value, scored the same way, and the reason) or
removed (the reason; the row stays, out of the chart and the trend), by the clinician who
recorded it or one who treats the case (ADR 0592).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_actions import ChartChangeRefused, checked_reason
from cleannote.apps.patients.clinical_access import clinical_refusal
from cleannote.apps.patients.models import Case, OutcomeMeasureResult, Patient
from cleannote.rules.outcome_measures import (
    Instrument,
    MeasureInputError,
    check_value,
    find_instrument,
    score,
)


class MeasureRecordError(ValueError):
    """A result that cannot be recorded; the message says which field and why, never PHI."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def do_record_outcome_measure(
    actor: Actor,
    *,
    case: Case,
    recorded_by: Staff,
    instrument_code: str,
    measured_on: dt.date,
    today: dt.date,
    answers: Sequence[str] = (),
    total: str = "",
    from_patient_form: bool = False,
) -> OutcomeMeasureResult:
    """Score `answers` (every item, or the one result) or check a `total` scored on paper, and
    record it on the case as measured on `measured_on`.

    A clinician records a measure. `from_patient_form` is the one exception: the total of a
    questionnaire the patient filled in on a form they signed (an intake answer), which whoever
    keeps the chart may copy on, as the front desk copies the address from the same form. A
    test the clinician performs is never taken from a patient's form."""
    found = find_instrument(instrument_code)
    if from_patient_form:
        if found is not None and not found.patient_reported:
            raise MeasureRecordError(
                "instrument", f"{found.code} is a test the clinician performs and records"
            )
        needed = Capability.EDIT_CHART
    else:
        needed = Capability.WRITE_NOTES
    if not has_capability(recorded_by.role, needed):
        raise MeasureRecordError("instrument", f"role {recorded_by.role} may not record measures")
    organisation_id = (
        Patient.objects.filter(pk=case.patient_id).values_list("organisation_id", flat=True).first()
    )
    if organisation_id != recorded_by.organisation_id or organisation_id != actor.organisation.pk:
        raise MeasureRecordError("instrument", "the case is not in this organisation")
    if measured_on > today:
        raise MeasureRecordError("measured_on", "a measure cannot be dated in the future")
    if measured_on < case.opened_on:
        raise MeasureRecordError(
            "measured_on", f"the case opened on {case.opened_on:%Y-%m-%d}; measure on or after it"
        )
    if found is None:
        raise MeasureRecordError("instrument", f"unknown instrument {instrument_code[:12]!r}")
    value, kept = _scored(found, answers, total)
    measure = OutcomeMeasureResult(
        case=case,
        instrument=found.code,
        measured_on=measured_on,
        score=value,
        answers=kept,
        recorded_by=recorded_by,
    )
    measure.full_clean(exclude=["case", "recorded_by"])
    measure.save()
    do_record_audit_event(
        actor, AuditAction.CREATE, "outcome_measure", measure.pk, patient_id=case.patient_id
    )
    return measure


def _scored(found: Instrument, answers: Sequence[str], total: str) -> tuple[Decimal, list[str]]:
    """The score of `answers` (every item, or the one result) or a checked paper `total`, and
    the answers worth keeping (none for a licensed form)."""
    if answers and total:
        raise MeasureRecordError("total", "enter the answers or the total, not both")
    if not answers and not total:
        raise MeasureRecordError("answers", f"enter {found.code}'s answers or its total")
    try:
        if answers:
            value, kept = score(found.code, answers).total, [a.strip() for a in answers]
        else:
            value, kept = check_value(found, total), []
    except MeasureInputError as exc:
        raise MeasureRecordError("answers" if answers else "total", str(exc)) from exc
    if not found.scored_in_full:
        kept = []  # a licensed form: its total only, never its answers
    return value, kept


def change_refusal(staff: Staff, measure: OutcomeMeasureResult) -> str | None:
    """Why `staff` may not correct or remove `measure`, or None: recording's checks (a role
    that writes notes, the organisation), then the clinician who recorded it or one who
    treats the case (the owner included)."""
    if not has_capability(staff.role, Capability.WRITE_NOTES):
        return f"role {staff.role} may not change measures"
    case = measure.case
    if case.patient.organisation_id != staff.organisation_id:
        return "the case is not in this organisation"
    if measure.recorded_by_id == staff.pk or clinical_refusal(staff, case) is None:
        return None
    return "a result is changed by the clinician who recorded it or one who treats the case"


def _locked(actor: Actor, staff: Staff, measure: OutcomeMeasureResult) -> OutcomeMeasureResult:
    if staff.organisation_id != actor.organisation.pk:
        raise MeasureRecordError("reason", "the case is not in this organisation")
    row = (
        OutcomeMeasureResult.objects.select_for_update(of=("self",))
        .select_related("case__patient")
        .filter(pk=measure.pk)
        .first()
    )
    if row is None:
        raise MeasureRecordError("reason", "this result was removed already")
    refusal = change_refusal(staff, row)
    if refusal is not None:
        raise MeasureRecordError("reason", refusal)
    return row


def _reason(reason: str) -> str:
    try:
        return checked_reason(reason)
    except ChartChangeRefused as exc:
        raise MeasureRecordError("reason", exc.message) from exc


@transaction.atomic
def do_correct_outcome_measure(
    actor: Actor,
    measure: OutcomeMeasureResult,
    *,
    staff: Staff,
    reason: str,
    answers: Sequence[str] = (),
    total: str = "",
) -> OutcomeMeasureResult:
    """A new value for a result entered wrongly, scored as recording scores it; the audit row
    carries the reason. The chart and the trend read the corrected score."""
    why = _reason(reason)
    row = _locked(actor, staff, measure)
    found = find_instrument(row.instrument)
    if found is None:
        raise MeasureRecordError("instrument", f"instrument {row.instrument} is retired")
    value, kept = _scored(found, answers, total)
    row.score, row.answers = value, kept
    row.full_clean(exclude=["case", "recorded_by", "removed_by"])
    row.save(update_fields=["score", "answers"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "outcome_measure.score",
        row.pk,
        patient_id=row.case.patient_id,
        reason=why,
    )
    return row


@transaction.atomic
def do_remove_outcome_measure(
    actor: Actor, measure: OutcomeMeasureResult, *, staff: Staff, reason: str, at: dt.datetime
) -> OutcomeMeasureResult:
    """Take a wrongly entered result out of the chart and the trend. The row stays, marked
    removed with who, when and why, for the audit trail; the audit row carries the reason."""
    why = _reason(reason)
    row = _locked(actor, staff, measure)
    row.removed_at, row.removed_by, row.removal_reason = at, staff, why
    row.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    do_record_audit_event(
        actor,
        AuditAction.DELETE,
        "outcome_measure",
        row.pk,
        patient_id=row.case.patient_id,
        reason=why,
    )
    return row
