"""Recording standardized outcome measures on a case, scored by the core (ADR 0540, 0541).

A result is what was measured on a day: the item answers of an instrument Cleannote scores
(LEFS, PSFS, Berg, DHI), one timed result, or the total a clinician obtained on a licensed
form. Either way the core scores or range-checks it, and a refusal names the answer and what
was allowed; nothing is saved then. One transaction with its audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.models import Case, OutcomeMeasureResult, Patient
from cleannote.rules.outcome_measures import MeasureInputError, check_value, find_instrument, score


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
) -> OutcomeMeasureResult:
    """Score `answers` (every item, or the one result) or check a `total` scored on paper, and
    record it on the case as measured on `measured_on`."""
    if not has_capability(recorded_by.role, Capability.WRITE_NOTES):
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
    found = find_instrument(instrument_code)
    if found is None:
        raise MeasureRecordError("instrument", f"unknown instrument {instrument_code[:12]!r}")
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
