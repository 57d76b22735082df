"""RTM billing notes (ADR 0570): what the enrolment makes billable on one date of service,
written as a draft note on its case, one block per line, for the clinician to sign.

The note is signed on the note page, where the live scrub and the sign-off gate judge it (the
scrubber's `checks_rtm` included), and billed like any signed note. It is not a treatment
visit (`Note.rtm_enrolment` set): no treatment day, no visit used, never carried forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.notes.models import Note, NoteStatus, TreatmentBlock
from cleannote.apps.organisations.models import Location
from cleannote.apps.patients.clinical_access import require_clinical
from cleannote.apps.patients.models import GoalStatus, RtmEnrolment, RtmTimeEntry
from cleannote.apps.patients.rtm_selectors import billing_of
from cleannote.rules.catalog import all_procedures
from cleannote.rules.rtm import MANAGEMENT_CODES, SETUP_CODE, BilledCode, RtmLine


@cache
def rtm_codes() -> frozenset[str]:
    """Every catalog code with RTM facts (set-up, device supply, management)."""
    return frozenset(p.code for p in all_procedures() if p.rtm is not None)


def billed_rtm_codes(case_id: int) -> list[BilledCode]:
    """The RTM codes on the case's notes, signed or draft, with their dates: one query."""
    rows = TreatmentBlock.objects.filter(note__case_id=case_id, code__in=rtm_codes()).values_list(
        "code", "note__date_of_service", "note__status"
    )
    return [BilledCode(code, day, status == NoteStatus.SIGNED) for code, day, status in rows]


def rtm_draft(enrolment: RtmEnrolment, date_of_service: dt.date) -> Note | None:
    return Note.objects.filter(
        rtm_enrolment=enrolment, date_of_service=date_of_service, status=NoteStatus.DRAFT
    ).first()


@transaction.atomic
def do_start_rtm_note(
    actor: Actor,
    enrolment: RtmEnrolment,
    date_of_service: dt.date,
    *,
    today: dt.date,
    location: Location | None = None,
) -> Note:
    """The draft RTM note for what is billable on `date_of_service`, written by the acting
    clinician (who treats the patient); asking again returns the draft already started."""
    case = enrolment.case
    staff = require_clinical(actor, case)
    if staff is None:
        raise ValidationError({"date_of_service": "RTM notes are written by a clinician"})
    existing = rtm_draft(enrolment, date_of_service)
    if existing is not None:
        return existing
    bill = next(
        (b for b in billing_of(enrolment, today).bills() if b.date_of_service == date_of_service),
        None,
    )
    if bill is None:
        raise ValidationError({"date_of_service": "nothing of this enrolment is billable that day"})
    place = (
        location
        or staff.default_location
        or Location.objects.filter(organisation_id=staff.organisation_id).order_by("pk").first()
    )
    if place is None:
        raise ValidationError({"date_of_service": "add a location before writing notes"})
    note = do_start_note(
        actor,
        case=case,
        therapist=staff,
        location=place,
        date_of_service=date_of_service,
        carry_forward=False,
    )
    note.rtm_enrolment = enrolment
    note.assessment = (
        f"Remote therapeutic monitoring ({enrolment.reference}, {enrolment.device}) under the "
        f"plan of care of {enrolment.plan.start_date:%Y-%m-%d}."
    )
    note.save(update_fields=["rtm_enrolment", "assessment", "updated_at"])
    # The goals of the plan in force that day (the one the visit builder reads), else the
    # enrolment's plan.
    plan = (
        case.plans_of_care.filter(start_date__lte=date_of_service)
        .order_by("-start_date", "-id")
        .first()
        or enrolment.plan
    )
    goals = list(plan.goals.filter(status=GoalStatus.ACTIVE))
    for line in bill.lines:
        do_add_treatment_block(
            actor, note, goals=goals, **_block_fields(enrolment, line, date_of_service)
        )
    return note


def _block_fields(
    enrolment: RtmEnrolment, line: RtmLine, date_of_service: dt.date
) -> dict[str, object]:
    """The block of one line: what its code's documentation elements ask, from the chart."""
    if line.code == SETUP_CODE:
        education = enrolment.education or "Set-up and use of the device explained."
        return {
            "code": line.code,
            "parameters": {"device": enrolment.device, "education": education},
        }
    if line.code not in MANAGEMENT_CODES:
        return {
            "code": line.code,
            "parameters": {"device": enrolment.device, "device_days": line.device_days},
        }
    entries = list(
        enrolment.time.filter(
            day__gte=max(date_of_service.replace(day=1), enrolment.start_date),
            day__lte=date_of_service,
        ).order_by("day", "id")
    )
    return {
        "code": line.code,
        "minutes": line.minutes,
        "parameters": {
            "monitoring_review": _entries_text([e for e in entries if not e.interactive]),
            "interactive_communication": _entries_text([e for e in entries if e.interactive]),
        },
    }


def _entries_text(entries: Sequence[RtmTimeEntry]) -> str:
    return "\n".join(
        f"{e.day:%Y-%m-%d} {e.get_contact_display().lower()}, {e.minutes} min: {e.note}"
        for e in entries
    )
