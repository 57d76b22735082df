"""A plan of care on fixed weekdays for the series and waitlist tests: it starts on the first
Monday after today, 2x a week for 3 weeks (6 visits, Mon/Thu), certified for 60 days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import PlanOfCare
from tests.personas import TODAY, Clinic

MONDAY = TODAY + dt.timedelta(days=7 - TODAY.weekday())


@dataclass
class SeriesSetup:
    clinic: Clinic
    actor: Actor
    plan: PlanOfCare


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def series_setup(clinic: Clinic) -> SeriesSetup:
    actor = Actor(
        user=clinic.front_desk.user, organisation=clinic.organisation, ip_address="10.0.0.5"
    )
    plan = do_create_plan_of_care(
        actor,
        clinic.case,
        PlanOfCare(
            diagnoses=["M54.50"],
            frequency_per_week=2,
            duration_weeks=3,
            start_date=MONDAY,
            certified_through=MONDAY + dt.timedelta(days=60),
        ),
    )
    return SeriesSetup(clinic, actor, plan)
