"""The demo's Medicare patient with a long course this year, billed up to the KX threshold, so
the calendar shows the `kx-threshold` and `targeted-review` forward flags (ADR 0653).

Walter Brandt, knee replacement rehabilitation, seen by the PT about every other weekday since
early in the year: an evaluation, daily notes, and the progress report on the 10th treatment
day, each written, signed and billed the way the therapist and the biller do it
(`do_start_note` ... `do_sign_note`, then `do_create_claim_from_note`). The visits stop when
the next one would pass the year's KX amount (rules/data/thresholds.json, $2,480 in 2026):
the calendar then books his plan's series from tomorrow (demo_schedule.py), and the forward
view flags the first booked visit (KX) and the one that passes the $3,000 targeted medical
review amount (about the 3rd, at about $205 a visit).

Like the demo's money by hand (demo_money.py), it runs on demos of `MIN_PATIENTS` (20) or more
only: the small demos the end-to-end tests load bill every signed note themselves and pin the
counts and amounts, which one more billed patient would change.

Nothing is written when the year is too young for the course (the demo loaded in the first
weeks of January): its first visit would fall in the year before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_sign_note,
    do_start_note,
    do_update_note,
)
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import Case, Goal, Patient, PlanOfCare, Referral
from cleannote.apps.payers.models import Payer
from cleannote.rules.note_types import NoteType
from cleannote.rules.scope_of_practice import CODE_ACTS
from cleannote.rules.thresholds import find_threshold_row
from cleannote.web.demo_money import MIN_PATIENTS
from cleannote.web.demo_registration import register_demo_patient

KX_PATIENT = ("Walter", "Brandt")
DIAGNOSES = ["Z96.651", "M25.661"]  # right knee replacement; stiffness of the right knee
CANDIDATE_DAYS = 16
"""Visit days offered to the course (every other weekday back from yesterday); it uses the
first ones it needs (12 at the demo's fees) and the rest stay free before today."""
PROGRESS_REPORT_EVERY = 10
VISIT_HOUR = 16
"""Late afternoon, when the therapist's other series leave the hour free (the calendar books
his series at the hour his treatment began)."""

# (code, minutes, timed): the evaluation's blocks, then every later visit's.
_EVALUATION = (("97162", 30, False), ("97110", 15, True))
_FOLLOW_UP = (("97110", 30, True), ("97112", 15, True))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _candidate_days(today: dt.date) -> list[dt.date]:
    """Every other weekday back from yesterday, oldest first."""
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    skip = False
    while len(days) < CANDIDATE_DAYS:
        if day.weekday() < 5:
            if not skip:
                days.append(day)
            skip = not skip
        day -= dt.timedelta(days=1)
    return sorted(days)


def load_demo_kx_course(
    front_desk: Actor,
    therapist: Staff,
    biller: Actor,
    location: Location,
    today: dt.date,
    patients: int,
) -> int:
    """Register the patient and write, sign and bill the course; the notes written (0 in a
    small demo)."""
    days = _candidate_days(today)
    kx = find_threshold_row("kx", today.year)
    if patients < MIN_PATIENTS or kx is None or days[0].year != today.year:
        return 0
    medicare = Payer.objects.get(organisation=front_desk.organisation, claims_payer_id="DEMO-MCR")
    opened = days[0]
    case = register_demo_patient(
        front_desk,
        Patient(
            first_name=KX_PATIENT[0], last_name=KX_PATIENT[1], birth_date=dt.date(1949, 9, 21),
            sex="M", phone="217-555-0190", address_line1="77 Walnut Street",
        ),
        medicare,
        "5KX4TE9MB27",
        Case(
            discipline="PT", title="Right total knee replacement rehabilitation",
            onset_date=opened - dt.timedelta(days=12), opened_on=opened,
            initial_treatment_date=opened,
            injury_description="Right total knee arthroplasty; referred for PT.",
        ),
        Referral(
            provider_first_name="Kenji", provider_last_name="Albright",
            provider_npi="1003000126", qualifier="DN",
            referral_date=opened - dt.timedelta(days=3), diagnoses=list(DIAGNOSES),
        ),
        covered_from=dt.date(today.year - 1, 1, 1),
    )  # fmt: skip
    clinical = Actor(user=therapist.user, organisation=front_desk.organisation)
    plan = do_create_plan_of_care(
        clinical,
        case,
        PlanOfCare(
            diagnoses=list(DIAGNOSES), frequency_per_week=2, duration_weeks=12,
            start_date=opened, certified_through=opened + dt.timedelta(days=89),
            certifier_name="Kenji Albright MD", certifier_npi="1003000126",
            signature_received_on=opened + dt.timedelta(days=6),
        ),
        goals=[
            Goal(text="Climb a flight of stairs step over step", kind="functional",
                 measure="stairs", baseline="step-to with rail", target="step over step",
                 due_date=opened + dt.timedelta(weeks=8)),
            Goal(text="Knee flexion to 115 degrees", kind="impairment", measure="degrees",
                 baseline="85", target="115", due_date=opened + dt.timedelta(weeks=8)),
        ],
    )  # fmt: skip
    goals = list(plan.goals.all())
    billed, claims = Decimal("0"), 0
    for number, day in enumerate(days, start=1):
        if claims and billed + billed / claims > kx.amount:
            break  # the next visit would pass the KX amount: the booked ones will
        note_type = NoteType.DAILY
        if number == 1:
            note_type = NoteType.EVALUATION
        elif number % PROGRESS_REPORT_EVERY == 0:
            note_type = NoteType.PROGRESS_REPORT
        note = _write_visit(clinical, therapist, location, case, goals, day, number, note_type)
        claim = do_create_claim_from_note(biller, note, as_of=today)
        billed += claim.total_charge
        claims += 1
    return claims


def _write_visit(
    actor: Actor,
    therapist: Staff,
    location: Location,
    case: Case,
    goals: list[Goal],
    day: dt.date,
    number: int,
    note_type: NoteType,
) -> Note:
    note = do_start_note(
        actor,
        case=case,
        therapist=therapist,
        location=location,
        date_of_service=day,
        note_type=note_type,
    )
    do_update_note(
        actor,
        note,
        pain_level=max(2, 7 - number // 3),
        pain_location="knee",
        functional_limits="Stairs step-to with a rail; cannot kneel.",
        patient_words="Walked to church with the cane on Sunday.",
        objective={
            "rom": [
                {"joint": "knee", "motion": "flexion", "side": "right", "degrees": 85 + 2 * number}
            ],
            "strength": [],
            "outcome_measures": [{"name": "NPRS", "score": max(2, 7 - number // 3), "max": 10}],
        },
        assessment="Tolerated treatment well; knee flexion improving toward the goal.",
        plan="Continue the plan of care; progress step height and loading.",
        **_report(note_type, goals),
    )
    blocks = _EVALUATION if note_type is NoteType.EVALUATION else _FOLLOW_UP
    minute = VISIT_HOUR * 60
    for code, minutes, timed in blocks:
        stop = minute + minutes
        do_add_treatment_block(
            actor,
            note,
            goals=goals if timed else (),
            code=code,
            start_time=dt.time(minute // 60, minute % 60) if timed else None,
            stop_time=dt.time(stop // 60, stop % 60) if timed else None,
            minutes=None if timed else minutes,
            body_regions=["knee"],
            laterality="right",
            justification="Skilled intervention to restore knee function toward plan goals.",
        )
        minute = stop
    do_sign_note(actor, note, therapist, at=_at(day, 17))
    return note


def _report(note_type: NoteType, goals: list[Goal]) -> dict[str, object]:
    """What the evaluation and the progress report carry beyond a daily note (ADR 0580)."""
    if note_type is NoteType.EVALUATION:
        row = CODE_ACTS.get("97162")
        return {
            "sections": {
                "history": "Right total knee arthroplasty twelve days ago; independent before.",
                "systems_review": "Cardiovascular and pulmonary intact; incision healing; "
                "alert and oriented.",
                "tests_and_measures": "Knee range and gait as in the objective table.",
            },
            "complexity": row.complexity if row is not None else "",
        }
    if note_type is NoteType.PROGRESS_REPORT:
        return {
            "goal_report": [
                {"goal": g.pk, "status": "active", "current": g.current or g.baseline}
                for g in goals
            ],
            "sections": {
                "narrative": "Flexion and stair tolerance improving; skilled progression of "
                "loading still needed to reach the plan's goals."
            },
        }
    return {}
