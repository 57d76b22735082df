"""Reads for remote therapeutic monitoring on the chart (ADR 0570), within one organisation.

An enrolment becomes the core's `RtmEpisode` here; `rtm_billing` says what it makes billable.
Which RTM codes the case's notes already carry only the notes app knows: it answers
`rtm_billed_codes` at start-up (ADR 0401).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import RtmContact, RtmEnrolment
from cleannote.platform.hooks import Hook
from cleannote.rules.rtm import BilledCode, RtmBilling, RtmEpisode, RtmTime, rtm_billing

# The RTM codes on the case's notes (signed or draft), with each note's date of service.
rtm_billed_codes: Hook[[int], Sequence[BilledCode]] = Hook(
    "patients.rtm_billed_codes", lambda case_id: []
)


def enrolments_of_case(case_id: int) -> list[RtmEnrolment]:
    return list(
        RtmEnrolment.objects.filter(case_id=case_id).select_related("supervising__user", "plan")
    )


def enrolment_of(
    organisation: Organisation, patient_id: int, case_id: int, enrolment_id: int
) -> RtmEnrolment | None:
    return (
        RtmEnrolment.objects.select_related("case__patient", "plan", "supervising__user")
        .filter(
            pk=enrolment_id,
            case_id=case_id,
            case__patient_id=patient_id,
            case__patient__organisation=organisation,
        )
        .first()
    )


def episode_of(enrolment: RtmEnrolment) -> RtmEpisode:
    """The enrolment as the core reads it: three queries (days, minutes, codes billed)."""
    days = frozenset(enrolment.data_days.values_list("day", flat=True))
    time = tuple(
        RtmTime(day, minutes, contact != RtmContact.REVIEW)
        for day, minutes, contact in enrolment.time.values_list("day", "minutes", "contact")
    )
    return RtmEpisode(
        family=enrolment.family,
        start=enrolment.start_date,
        end=enrolment.end_date,
        data_days=days,
        time=time,
        billed=tuple(rtm_billed_codes(enrolment.case_id)),
    )


def billing_of(enrolment: RtmEnrolment, today: dt.date) -> RtmBilling:
    """What the enrolment makes billable on `today` (the clinic's date)."""
    return rtm_billing(episode_of(enrolment), today)
