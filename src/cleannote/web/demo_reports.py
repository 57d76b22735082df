"""The demo's clinician with a high modifier-59/X rate, so the reports' monitor has a finding
to show (ADR 0801).

Rosa Delgado-Marsh, low back pain with a hip and gait deficit, seen by the second PT (Priya
Natarajan) on the last nine weekdays: an evaluation, then daily visits of manual therapy to
the thoracic spine, therapeutic activity for the lumbar spine and gait training for the hip,
each stamped in its own 15 minutes. NCCI pairs 97140 with 97530 and 97530 with 97116, and the
regions differ, so the scrubber puts XS on 97530 and on 97116: two lines of three on every
visit, where the rest of the clinic is near one in ten. Each visit is written, signed and
billed the way the therapist and the biller do it (`do_start_note` ... `do_sign_note`, then
`do_create_claim_from_note`).

Like the KX course (demo_kx_course.py), it runs on demos of `MIN_PATIENTS` (20) or more only:
the small demos the end-to-end tests load pin their counts.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.notes.actions import (
    do_add_treatment_block,
    do_sign_note,
    do_start_note,
    do_update_note,
)
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.actions import do_create_plan_of_care
from cleannote.apps.patients.models import Case, Goal, Patient, PlanOfCare, Referral
from cleannote.apps.payers.models import Payer
from cleannote.rules.note_types import NoteType
from cleannote.rules.scope_of_practice import CODE_ACTS
from cleannote.web.demo_money import MIN_PATIENTS
from cleannote.web.demo_registration import register_demo_patient

PATIENT = ("Rosa", "Delgado-Marsh")
DIAGNOSES = ["M54.50", "R26.89"]  # low back pain; other abnormalities of gait
VISITS = 9  # the evaluation and eight daily visits: the progress report falls on the tenth
VISIT_HOUR = 7  # before the therapist's booked day

# (code, minutes, region): the evaluation's blocks, then every later visit's.
_EVALUATION = (("97162", 30, "lumbar"), ("97110", 15, "lumbar"))
_DAILY = (("97140", 15, "thoracic"), ("97530", 15, "lumbar"), ("97116", 15, "hip"))


def _weekdays_back(today: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def load_demo_reports(
    front_desk: Actor, therapist: Staff, biller: Actor, location: Location, today: dt.date,
    patients: int,
) -> int:  # fmt: skip
    """Register the patient, write, sign and bill the visits; the notes written (0 in a small
    demo)."""
    if patients < MIN_PATIENTS:
        return 0
    days = _weekdays_back(today, VISITS)
    keystone = Payer.objects.get(organisation=front_desk.organisation, claims_payer_id="DEMO-KHP")
    opened = days[0]
    case = register_demo_patient(
        front_desk,
        Patient(
            first_name=PATIENT[0], last_name=PATIENT[1], birth_date=dt.date(1971, 3, 14),
            sex="F", phone="217-555-0174", address_line1="5 Orchard Lane",
        ),
        keystone,
        "KHP88104522",
        Case(
            discipline="PT", title="Low back pain with gait deficit",
            onset_date=opened - dt.timedelta(days=20), opened_on=opened,
            initial_treatment_date=opened,
            injury_description="Lifting strain at work; antalgic gait since.",
        ),
        Referral(
            provider_first_name="Kenji", provider_last_name="Albright",
            provider_npi="1003000126", qualifier="DN",
            referral_date=opened - dt.timedelta(days=2), diagnoses=list(DIAGNOSES),
        ),
        covered_from=dt.date(today.year - 1, 1, 1),
    )  # fmt: skip
    clinical = Actor(user=therapist.user, organisation=front_desk.organisation)
    plan = do_create_plan_of_care(
        clinical,
        case,
        PlanOfCare(
            diagnoses=list(DIAGNOSES), frequency_per_week=3, duration_weeks=6,
            start_date=opened, certified_through=opened + dt.timedelta(days=41),
            certifier_name="Kenji Albright MD", certifier_npi="1003000126",
            signature_received_on=opened + dt.timedelta(days=3),
        ),
        goals=[
            Goal(text="Walk 20 minutes without a limp", kind="functional", measure="minutes",
                 baseline="5", target="20", due_date=opened + dt.timedelta(weeks=6)),
        ],
    )  # fmt: skip
    goals = list(plan.goals.all())
    for number, day in enumerate(days, start=1):
        note_type = NoteType.EVALUATION if number == 1 else NoteType.DAILY
        note = do_start_note(
            clinical, case=case, therapist=therapist, location=location, date_of_service=day,
            note_type=note_type,
        )  # fmt: skip
        do_update_note(
            clinical,
            note,
            pain_level=max(2, 6 - number // 2),
            pain_location="low back",
            functional_limits="Limps after 5 minutes of walking; cannot lift a laundry basket.",
            assessment="Tolerated treatment; gait and lifting mechanics improving.",
            plan="Continue the plan of care.",
            **_evaluation_sections(note_type),
        )
        minute = VISIT_HOUR * 60
        for code, minutes, region in _EVALUATION if number == 1 else _DAILY:
            timed = code != "97162"
            stop = minute + minutes
            do_add_treatment_block(
                clinical, note, code=code, goals=goals if timed else (),
                start_time=dt.time(minute // 60, minute % 60) if timed else None,
                stop_time=dt.time(stop // 60, stop % 60) if timed else None,
                minutes=None if timed else minutes, body_regions=[region],
                justification="Skilled intervention toward walking and lifting goals.",
            )  # fmt: skip
            minute = stop
        signed = do_sign_note(
            clinical, note, therapist, at=timezone.make_aware(dt.datetime.combine(day, dt.time(17)))
        )
        do_create_claim_from_note(biller, signed, as_of=today)
    return len(days)


def _evaluation_sections(note_type: NoteType) -> dict[str, object]:
    if note_type is not NoteType.EVALUATION:
        return {}
    row = CODE_ACTS.get("97162")
    return {
        "sections": {
            "history": "Lifting strain three weeks ago; no red flags; works in a warehouse.",
            "systems_review": "Cardiovascular and pulmonary intact; skin intact; alert.",
            "tests_and_measures": "Lumbar range limited in flexion; Trendelenburg on the right.",
        },
        "complexity": row.complexity if row is not None else "",
    }
