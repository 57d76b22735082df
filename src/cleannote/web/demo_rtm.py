"""The demo clinic's remote therapeutic monitoring (ADR 0570): two PT patients monitored at home
under their plan of care, built through the chart's actions as the front desk and the therapist
use them.

- Lena Hartwell (knee osteoarthritis, the KneeCoach app) enrolled 45 days ago: her days of data
  come from the app's CSV; her first period and last month are billable now, the set-up too.
- Victor Osei (low back pain, a SpineTrack sensor) enrolled 75 days ago: days typed by the
  front desk; the set-up and his first period are on a signed RTM note; his second period
  reached only the 2-15 day tier, and one month had minutes but no live contact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.draft_actions import SignOffRefused, check_sign_note
from cleannote.apps.notes.rtm_note import do_start_rtm_note
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import (
    Case,
    Goal,
    Patient,
    PlanOfCare,
    Referral,
    RtmContact,
    RtmEnrolment,
)
from cleannote.apps.patients.rtm_actions import (
    do_enrol_rtm,
    do_import_rtm_csv,
    do_record_rtm_days,
    do_record_rtm_time,
)
from cleannote.apps.patients.rtm_selectors import billing_of
from cleannote.apps.payers.models import Payer
from cleannote.rules.rtm import PERIOD_DAYS
from cleannote.rules.visit import Discipline
from cleannote.web.demo_registration import register_demo_patient

# (first, last, case title, diagnosis, device, app reference, days enrolled, share of days with
# data in each period, months without a live contact (0 = the enrolment's first month), data
# reviews a month)
RTM_PATIENTS = (
    ("Lena", "Hartwell", "Right knee osteoarthritis", "M17.11", "KneeCoach app", "kc-1187", 45,
     (0.8, 0.7), (), 1),
    ("Victor", "Osei", "Low back pain", "M54.50", "SpineTrack sensor", "", 75,
     (0.75, 0.35, 0.6), (1,), 3),
)  # fmt: skip
_REVIEWS = (
    "Reviewed adherence and pain scores; exercise dose unchanged.",
    "Trend review: sessions missed on two days; reminder schedule adjusted.",
    "Reviewed range-of-motion readings; progressed to the next level.",
)
_CALLS = (
    "Discussed stairs pain; lowered step height and added ice after sessions.",
    "Form check of squats on video; cued knee alignment.",
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load_demo_rtm(
    front_desk: Actor, therapist: Staff, location: Location, today: dt.date, rng: random.Random
) -> int:
    """Enrol the two RTM patients; returns the RTM notes written."""
    pt = Actor(user=therapist.user, organisation=front_desk.organisation)
    medicare = Payer.objects.get(organisation=front_desk.organisation, claims_payer_id="DEMO-MCR")
    notes = 0
    for first, last, title, dx, device, app_ref, days, shares, quiet, reviews in RTM_PATIENTS:
        start = today - dt.timedelta(days=days)
        opened = start - dt.timedelta(days=5)
        case = register_demo_patient(
            front_desk,
            Patient(
                first_name=first, last_name=last, birth_date=dt.date(1950, 6, 2), sex="F",
                address_line1="40 Oak Ave",
            ),
            medicare,
            f"2FH7RT{len(last):02d}KM{days}",
            Case(
                discipline=Discipline.PT.value, title=title, opened_on=opened,
                onset_date=opened - dt.timedelta(days=40), initial_treatment_date=opened,
            ),
            Referral(
                provider_first_name="Maya", provider_last_name="Chen", provider_npi="1003000126",
                referral_date=opened - dt.timedelta(days=2), diagnoses=[dx],
                authorized_visits=12, expires_on=today + dt.timedelta(days=60),
            ),
            covered_from=dt.date(today.year - 1, 1, 1),
        )  # fmt: skip
        plan = do_create_plan_of_care(
            pt,
            case,
            PlanOfCare(
                diagnoses=[dx], frequency_per_week=1, duration_weeks=12, start_date=opened,
                certified_through=opened + dt.timedelta(days=89),
                signature_received_on=opened + dt.timedelta(days=4),
                certifier_name="Maya Chen MD", certifier_npi="1003000126",
                interventions="Home exercise programme with remote monitoring; monthly review.",
            ),
            goals=[
                Goal(text="Home exercise programme 5 days a week", kind="functional",
                     measure="sessions a week", baseline="1", target="5"),
            ],
        )  # fmt: skip
        enrolment = do_enrol_rtm(
            pt,
            case,
            RtmEnrolment(
                plan=plan, family="msk", device=device, app_reference=app_ref, start_date=start,
                supervising=therapist,
                education="Fitted the device, installed the app, practised the first session.",
            ),
        )  # fmt: skip
        data = _data_days(start, today, shares, rng)
        if app_ref:
            rows = "".join(f"{d.isoformat()},{app_ref},{rng.randint(1, 4)}\n" for d in data)
            do_import_rtm_csv(front_desk, enrolment, "date,patient,readings\n" + rows, today=today)
        else:
            for run_first, run_last in _runs(data):
                do_record_rtm_days(front_desk, enrolment, run_first, run_last, today=today)
        _minutes(pt, enrolment, start, today, (quiet, reviews), rng)
        if not app_ref:
            notes += _bill_first_period(pt, enrolment, therapist, start, today)
    return notes


def _data_days(
    start: dt.date, today: dt.date, shares: tuple[float, ...], rng: random.Random
) -> list[dt.date]:
    days = []
    for offset in range((today - start).days):
        share = shares[min(offset // PERIOD_DAYS, len(shares) - 1)]
        if rng.random() < share:
            days.append(start + dt.timedelta(days=offset))
    return days


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) ranges, as staff would type them."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _minutes(
    pt: Actor,
    enrolment: RtmEnrolment,
    start: dt.date,
    today: dt.date,
    plan: tuple[tuple[int, ...], int],
    rng: random.Random,
) -> None:
    """`reviews` data reviews a month, and a live call or video except in the `quiet` months."""
    quiet, reviews = plan
    month, index = start.replace(day=1), 0
    while month <= today:
        for week in range(reviews):
            day = month + dt.timedelta(days=7 * week + rng.randint(2, 6))
            if day >= today:
                break
            if day < start:
                continue
            do_record_rtm_time(
                pt, enrolment, day=day, minutes=rng.choice((6, 8, 9, 11)),
                contact=RtmContact.REVIEW, note=_REVIEWS[week], today=today,
            )  # fmt: skip
        call = max(month + dt.timedelta(days=15), start + dt.timedelta(days=1))
        if index not in quiet and call < today:
            do_record_rtm_time(
                pt, enrolment, day=call, minutes=rng.choice((7, 10, 12)),
                contact=RtmContact.VIDEO if index % 2 else RtmContact.PHONE,
                note=_CALLS[index % len(_CALLS)], today=today,
            )  # fmt: skip
        month, index = (month + dt.timedelta(days=32)).replace(day=1), index + 1


def _bill_first_period(
    pt: Actor, enrolment: RtmEnrolment, therapist: Staff, start: dt.date, today: dt.date
) -> int:
    """The set-up and the first period written and signed as RTM notes, on their own days."""
    written = 0
    first_end = start + dt.timedelta(days=PERIOD_DAYS - 1)
    for bill in billing_of(enrolment, today).bills():
        if bill.date_of_service not in (start, first_end):
            continue
        note = do_start_rtm_note(pt, enrolment, bill.date_of_service, today=today)
        signed_at = _at(bill.date_of_service + dt.timedelta(days=1), 17)
        with contextlib.suppress(SignOffRefused):  # else left a draft: its page says why
            check_sign_note(pt, note, therapist, at=signed_at)
        written += 1
    return written
