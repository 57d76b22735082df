"""The writers of remote therapeutic monitoring on the chart (ADR 0570): enrol a patient under
the case's plan of care, end the enrolment, record days of data (typed, or imported from the
monitoring app's CSV) and minutes of treatment management.

Each `do_*` is one transaction with its audit row. Enrolling, ending and management time are
clinical writes (`clinical_access.require_clinical`: who treats the patient); days of data are
paperwork (`require_paperwork`: front desk or clinicians). Bad input raises `ValidationError`
naming the field before anything is written; a CSV with any bad row raises
`RtmImportRefused` with every row's problem, and nothing of it is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.chart_actions import checked_reason
from cleannote.apps.patients.clinical_access import (
    require_clinical,
    require_paperwork,
    staff_of,
)
from cleannote.apps.patients.models import (
    Case,
    RtmContact,
    RtmDataDay,
    RtmDataSource,
    RtmEnrolment,
    RtmTimeEntry,
)
from cleannote.rules.rtm_csv import RowProblem, read_rtm_csv


class RtmImportRefused(ValueError):
    """The CSV had bad rows: every problem, by line and column; nothing was imported."""

    def __init__(self, problems: tuple[RowProblem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file; nothing was imported")
        self.problems = problems


def _audit(
    actor: Actor, action: AuditAction, kind: str, obj_id: object, case: Case, reason: str = ""
) -> None:
    do_record_audit_event(actor, action, kind, obj_id, patient_id=case.patient_id, reason=reason)


def _require_clinician(staff: Staff, case: Case, field: str) -> None:
    if staff.organisation_id != case.patient.organisation_id:
        raise ValidationError({field: "is not in the patient's organisation"})
    if not staff.credential or not staff.user.is_active:
        raise ValidationError({field: "must be an active clinician with a credential"})


@transaction.atomic
def do_enrol_rtm(
    actor: Actor, case: Case, enrolment: RtmEnrolment, *, reason: str = ""
) -> RtmEnrolment:
    """Start a case's RTM episode under one of its plans of care (the instance carries the
    device, family, start date, supervising clinician and what was taught at set-up)."""
    require_clinical(actor, case)
    enrolment.case = case
    if enrolment.plan_id is not None and enrolment.plan.case_id != case.pk:
        raise ValidationError({"plan": "is another case's plan of care"})
    _require_clinician(enrolment.supervising, case, "supervising")
    enrolment.full_clean()
    if enrolment.start_date < enrolment.plan.start_date:
        raise ValidationError({"start_date": "must not be before the plan of care starts"})
    running = RtmEnrolment.objects.select_for_update().filter(case=case, end_date__isnull=True)
    if running.exists():
        raise ValidationError(
            {"start_date": "the case already has a running RTM enrolment; end it first"}
        )
    earlier = RtmEnrolment.objects.filter(case=case, end_date__gte=enrolment.start_date)
    if earlier.exists():
        raise ValidationError({"start_date": "overlaps an earlier enrolment of the case"})
    enrolment.save()
    _audit(actor, AuditAction.CREATE, "rtm-enrolment", enrolment.pk, case, reason)
    return enrolment


@transaction.atomic
def do_end_rtm(
    actor: Actor, enrolment: RtmEnrolment, end_date: dt.date, *, reason: str
) -> RtmEnrolment:
    """End the monitoring (device returned, goals met, discharged): no period starts after it."""
    case = enrolment.case
    require_clinical(actor, case)
    reason = checked_reason(reason)
    locked = RtmEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.end_date is not None:
        raise ValidationError(
            {"end_date": f"the enrolment already ended on {locked.end_date:%Y-%m-%d}"}
        )
    locked.end_date = end_date
    locked.full_clean()
    later = (
        locked.data_days.filter(day__gt=end_date).exists()
        or locked.time.filter(day__gt=end_date).exists()
    )
    if later:
        raise ValidationError({"end_date": "data or minutes are recorded after this day"})
    locked.save(update_fields=["end_date"])
    _audit(actor, AuditAction.UPDATE, "rtm-enrolment", locked.pk, case, reason)
    return locked


def last_day(enrolment: RtmEnrolment, today: dt.date) -> dt.date:
    """The last day data or minutes may be recorded for: its end, else today."""
    return min(today, enrolment.end_date) if enrolment.end_date is not None else today


def _check_day(enrolment: RtmEnrolment, day: dt.date, today: dt.date, field: str) -> None:
    if day < enrolment.start_date:
        raise ValidationError(
            {field: f"is before the enrolment's start ({enrolment.start_date:%Y-%m-%d})"}
        )
    if day > last_day(enrolment, today):
        raise ValidationError(
            {
                field: "is after the enrolment's end"
                if enrolment.end_date and day > enrolment.end_date
                else "is in the future"
            }
        )


def _add_days(enrolment: RtmEnrolment, days: Iterable[dt.date], source: RtmDataSource) -> int:
    wanted = set(days)
    have = set(enrolment.data_days.filter(day__in=wanted).values_list("day", flat=True))
    new = sorted(wanted - have)
    RtmDataDay.objects.bulk_create(
        RtmDataDay(enrolment=enrolment, day=d, source=source) for d in new
    )
    return len(new)


@transaction.atomic
def do_record_rtm_days(
    actor: Actor, enrolment: RtmEnrolment, first: dt.date, last: dt.date, *, today: dt.date
) -> int:
    """Mark `first`..`last` as days with data (staff reading the app's dashboard); days already
    recorded are left as they are. Returns how many days were added."""
    case = enrolment.case
    require_paperwork(actor, case)
    if last < first:
        raise ValidationError({"last": "must not be before the first day"})
    _check_day(enrolment, first, today, "first")
    _check_day(enrolment, last, today, "last")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    added = _add_days(enrolment, days, RtmDataSource.ENTERED)
    _audit(actor, AuditAction.UPDATE, "rtm-data", enrolment.pk, case, f"{added} day(s) entered")
    return added


@transaction.atomic
def do_import_rtm_csv(actor: Actor, enrolment: RtmEnrolment, text: str, *, today: dt.date) -> int:
    """Import the monitoring app's CSV (format: `rules/rtm_csv.py`): all of it, or, when any row
    is bad, nothing (`RtmImportRefused` lists every problem). Returns the days added; days
    already recorded are skipped, so a second import of the same file adds none."""
    case = enrolment.case
    require_paperwork(actor, case)
    references = frozenset(r for r in (enrolment.reference, enrolment.app_reference) if r)
    result = read_rtm_csv(
        text, references=references, first=enrolment.start_date, last=last_day(enrolment, today)
    )
    if not result.ok:
        raise RtmImportRefused(result.problems)
    added = _add_days(enrolment, result.data_days, RtmDataSource.IMPORTED)
    _audit(
        actor, AuditAction.UPDATE, "rtm-data", enrolment.pk, case,
        f"imported {result.rows} row(s), {added} new day(s)",
    )  # fmt: skip
    return added


@transaction.atomic
def do_record_rtm_time(
    actor: Actor,
    enrolment: RtmEnrolment,
    *,
    day: dt.date,
    minutes: int,
    contact: str,
    note: str,
    today: dt.date,
) -> RtmTimeEntry:
    """Minutes of treatment management by the person acting; a phone or video contact is the
    month's live interactive communication."""
    case = enrolment.case
    staff = require_clinical(actor, case) or staff_of(actor)
    if staff is None:
        raise ValidationError({"minutes": "are recorded by the clinician who spent them"})
    _check_day(enrolment, day, today, "day")
    entry = RtmTimeEntry(
        enrolment=enrolment,
        day=day,
        minutes=minutes,
        contact=contact or RtmContact.REVIEW,
        note=" ".join(note.split()),
        staff=staff,
    )
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, "rtm-time", entry.pk, case)
    return entry


@transaction.atomic
def do_remove_rtm_time(actor: Actor, entry: RtmTimeEntry, *, reason: str) -> None:
    """Take back minutes recorded by mistake (a reason is required; the audit row keeps it)."""
    case = entry.enrolment.case
    require_clinical(actor, case)
    reason = checked_reason(reason)
    entry_id = entry.pk
    entry.delete()
    _audit(actor, AuditAction.DELETE, "rtm-time", entry_id, case, reason)
