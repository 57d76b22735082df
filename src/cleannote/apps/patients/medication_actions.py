"""The only writers of a chart's medication list (ADR 0964).

Each `do_*` is one transaction: the patient's row is locked first (as every chart action does),
the change is checked, and its audit row is written inside. A new medication's row says who
recorded it, when, and where from (staff, or the intake answer the desk accepted); a change or
a stop carries the reason the person typed, one audit row per changed field, never the values
(they are PHI). Who may write is `clinical_access.medication_refusal`: the chart's editors and
the clinicians who document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.patients.chart_actions import (
    ChartChangeRefused,
    checked_reason,
    locked_patient,
)
from cleannote.apps.patients.clinical_access import require_medication_writer
from cleannote.apps.patients.models import Medication, MedicationSource, Patient
from cleannote.rules.medication_lines import (
    DOSE_MAX,
    FREQUENCY_MAX,
    NAME_MAX,
    NOTE_MAX,
    ROUTE_MAX,
    MedicationLine,
    name_key,
)

TEXT_FIELDS = {
    "name": NAME_MAX,
    "dose": DOSE_MAX,
    "frequency": FREQUENCY_MAX,
    "route": ROUTE_MAX,
    "note": NOTE_MAX,
}
CHANGEABLE = (*TEXT_FIELDS, "started_on")
FIELD_WORDS = {"frequency": "how often", "started_on": "the start"}


def _cleaned(changes: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The values tidied (one line each) and checked: a name, lengths, a start not ahead."""
    out: dict[str, Any] = {}
    for field, value in changes.items():
        if field in TEXT_FIELDS:
            text = " ".join(str(value or "").split())
            limit = TEXT_FIELDS[field]
            if len(text) > limit:
                words = FIELD_WORDS.get(field, field)
                raise ChartChangeRefused(field, f"Keep {words} under {limit} characters.")
            out[field] = text
        elif field == "started_on":
            if value is not None and value > today:
                raise ChartChangeRefused("started_on", "The start cannot be after today.")
            out[field] = value
        else:
            raise ValueError(f"not a medication field: {field}")
    if "name" in out and not out["name"]:
        raise ChartChangeRefused("name", "Name the medication.")
    return out


def _current_names(patient: Patient, *, besides: int | None = None) -> set[str]:
    rows = Medication.objects.filter(patient=patient, stopped_on__isnull=True)
    if besides is not None:
        rows = rows.exclude(pk=besides)
    return {name_key(name) for name in rows.values_list("name", flat=True)}


@transaction.atomic
def do_add_medication(
    actor: Actor,
    patient: Patient,
    *,
    name: str,
    today: dt.date,
    dose: str = "",
    frequency: str = "",
    route: str = "",
    note: str = "",
    started_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Medication:
    """A medication the patient takes now, entered by staff; refused when one of that name is
    on the current list already (change that one instead)."""
    locked = locked_patient(actor, patient.pk)
    staff = require_medication_writer(actor, locked)
    values = _cleaned(
        {
            "name": name,
            "dose": dose,
            "frequency": frequency,
            "route": route,
            "note": note,
            "started_on": started_on,
        },
        today,
    )
    if name_key(values["name"]) in _current_names(locked):
        raise ChartChangeRefused("name", "That medication is on the list: change it instead.")
    row = Medication.objects.create(
        patient=locked,
        recorded_by=staff,
        recorded_at=now or timezone.now(),
        source=MedicationSource.STAFF,
        **values,
    )
    do_record_audit_event(actor, AuditAction.CREATE, "medication", row.pk, patient_id=locked.pk)
    return row


@transaction.atomic
def do_add_reported_medications(
    actor: Actor,
    patient: Patient,
    lines: Sequence[MedicationLine],
    *,
    answer_id: int,
    today: dt.date,
    now: dt.datetime | None = None,
) -> tuple[list[Medication], list[MedicationLine]]:
    """The medications a patient listed in an intake answer, accepted by the desk: each one not
    on the current list already (its name, any case) is added with the answer as its source.
    Returns what was added and what was on the list."""
    locked = locked_patient(actor, patient.pk)
    staff = require_medication_writer(actor, locked)
    taken = _current_names(locked)
    added: list[Medication] = []
    skipped: list[MedicationLine] = []
    moment = now or timezone.now()
    for line in lines:
        if line.key in taken:
            skipped.append(line)
            continue
        values = _cleaned(
            {
                "name": line.name,
                "dose": line.dose,
                "frequency": line.frequency,
                "route": line.route,
                "note": line.note,
            },
            today,
        )
        row = Medication.objects.create(
            patient=locked,
            recorded_by=staff,
            recorded_at=moment,
            source=MedicationSource.INTAKE,
            source_answer_id=answer_id,
            **values,
        )
        taken.add(line.key)
        added.append(row)
        do_record_audit_event(
            actor,
            AuditAction.CREATE,
            "medication",
            row.pk,
            patient_id=locked.pk,
            reason=f"accepted from intake answer {answer_id}",
        )
    return added, skipped


def _locked_medication(actor: Actor, medication: Medication) -> tuple[Patient, Medication]:
    locked = locked_patient(actor, medication.patient_id)
    row = Medication.objects.select_for_update().get(pk=medication.pk)
    return locked, row


@transaction.atomic
def do_change_medication(
    actor: Actor, medication: Medication, *, reason: str, today: dt.date, **changes: Any
) -> list[str]:
    """Correct a medication's name, dose, how often, route, note or start; the fields that
    changed, each with an audit row carrying the reason."""
    locked, row = _locked_medication(actor, medication)
    require_medication_writer(actor, locked)
    why = checked_reason(reason)
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    values = _cleaned(changes, today)
    if (
        row.stopped_on is not None
        and values.get("started_on")
        and values["started_on"] > row.stopped_on
    ):
        raise ChartChangeRefused("started_on", "The start cannot be after the stop.")
    if (
        "name" in values
        and row.is_current
        and name_key(values["name"]) in _current_names(locked, besides=row.pk)
    ):
        raise ChartChangeRefused("name", "Another medication of that name is on the list.")
    changed = [f for f in CHANGEABLE if f in values and getattr(row, f) != values[f]]
    for field in changed:
        setattr(row, field, values[field])
    if changed:
        row.save(update_fields=changed)
    for field in changed:
        do_record_audit_event(
            actor,
            AuditAction.UPDATE,
            f"medication.{field}",
            row.pk,
            patient_id=locked.pk,
            reason=why,
        )
    return changed


@transaction.atomic
def do_stop_medication(
    actor: Actor, medication: Medication, *, stopped_on: dt.date, reason: str, today: dt.date
) -> Medication:
    """The patient stopped taking it on `stopped_on`; the row stays on the list's history."""
    locked, row = _locked_medication(actor, medication)
    require_medication_writer(actor, locked)
    why = checked_reason(reason)
    if row.stopped_on is not None:
        raise ChartChangeRefused("stopped_on", "This medication is stopped already.")
    if stopped_on > today:
        raise ChartChangeRefused("stopped_on", "The stop cannot be after today.")
    if row.started_on is not None and stopped_on < row.started_on:
        raise ChartChangeRefused("stopped_on", "The stop cannot be before the start.")
    row.stopped_on = stopped_on
    row.save(update_fields=["stopped_on"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "medication.stopped_on",
        row.pk,
        patient_id=locked.pk,
        reason=why,
    )
    return row
