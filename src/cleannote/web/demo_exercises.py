"""The demo's home exercise programs (ADR 0970): a library of 25 exercises in the clinic's own
words, one patient's program prescribed from a note, revised from a later note, and a few
sessions the patient logged in the portal.

Only in demos of `demo_money.MIN_PATIENTS` or more, and through the actions a clinician and a
patient use. The two notes stay drafts, so no claim, visit count or report of the demo changes.
"""

from __future__ import annotations

import datetime as dt

from cleannote.apps.audit.actions import Actor
from cleannote.apps.exercises.actions import (
    DoseInput,
    EntryInput,
    ExerciseInput,
    do_create_exercise,
    do_log_session,
    do_prescribe,
    do_stop_exercise,
)
from cleannote.apps.exercises.models import Exercise
from cleannote.apps.exercises.selectors import program_of
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Case
from cleannote.web.demo_money import MIN_PATIENTS
from cleannote.web.demo_portal import PORTAL_EMAIL

# name, region, category, the clinic's own instructions
LIBRARY = (
    ("Chin tuck", "neck", "mobility",
     "Sit tall. Draw the chin straight back as if making a double chin, keep the eyes level, "
     "hold, then relax."),
    ("Neck side bend stretch", "neck", "stretch",
     "Sit on one hand. Tip the opposite ear toward the shoulder until a gentle pull, hold, "
     "breathe out and return."),
    ("Shoulder blade squeeze", "upper_back", "strength",
     "Arms by the sides. Pull the shoulder blades back and down without shrugging, hold, "
     "let go slowly."),
    ("Pendulum swing", "shoulder", "mobility",
     "Lean on a table with the good arm. Let the sore arm hang and draw small circles with "
     "the body's sway, not the arm's muscles."),
    ("Wall slide", "shoulder", "mobility",
     "Back and forearms on a wall. Slide the arms up as far as comfortable, keeping the "
     "forearms in touch, then lower."),
    ("Band external rotation", "shoulder", "strength",
     "Elbow at the side bent to 90 degrees, band in the hand. Turn the forearm outward, "
     "elbow stays tucked, return slowly."),
    ("Wrist flexor stretch", "arm", "stretch",
     "Arm straight, palm up. With the other hand ease the fingers down and back until a "
     "stretch in the forearm; hold."),
    ("Grip squeeze", "arm", "strength",
     "Squeeze a soft ball or rolled towel firmly, hold a few seconds, open the hand fully."),
    ("Cat and camel", "low_back", "mobility",
     "On hands and knees. Round the back up slowly, then let it sag gently; move within "
     "comfort, breathing steadily."),
    ("Pelvic tilt", "low_back", "mobility",
     "Lie on the back, knees bent. Flatten the low back into the floor by tilting the pelvis, "
     "hold, release."),
    ("Knee to chest", "low_back", "stretch",
     "Lie on the back. Bring one knee toward the chest with both hands until a gentle "
     "stretch, hold, lower, switch."),
    ("Prone press-up", "low_back", "mobility",
     "Lie face down, hands under the shoulders. Press the chest up, hips stay down, "
     "back relaxed; lower slowly."),
    ("Dead bug", "core", "strength",
     "On the back, arms up, hips and knees at 90. Lower the opposite arm and leg slowly "
     "while the low back stays down."),
    ("Bird dog", "core", "strength",
     "On hands and knees. Reach one arm and the opposite leg out level with the body, "
     "hold steady, return, switch sides."),
    ("Side plank on knees", "core", "strength",
     "On one side, forearm under the shoulder, knees bent. Lift the hips into a straight "
     "line from head to knees, hold."),
    ("Bridge", "hip", "strength",
     "On the back, knees bent. Squeeze the buttocks and lift the hips until the body is "
     "straight from knees to shoulders; lower slowly."),
    ("Clamshell", "hip", "strength",
     "Lie on the side, knees bent, heels together. Lift the top knee without rolling the "
     "pelvis back, lower with control."),
    ("Hip flexor stretch", "hip", "stretch",
     "Half kneel. Tuck the pelvis under and shift forward until a stretch at the front of "
     "the back hip; hold."),
    ("Sit to stand", "whole", "function",
     "From a firm chair, feet under the knees. Lean forward and stand without using the "
     "hands, then sit down slowly."),
    ("Quad set", "knee", "strength",
     "Sit with the leg straight. Tighten the thigh to press the back of the knee down, "
     "hold, relax."),
    ("Straight leg raise", "knee", "strength",
     "On the back, other knee bent. Tighten the thigh of the straight leg and lift it to "
     "the height of the bent knee; lower slowly."),
    ("Heel slide", "knee", "mobility",
     "On the back. Slide the heel toward the buttock to bend the knee as far as "
     "comfortable, then straighten."),
    ("Mini squat", "knee", "strength",
     "Hold a counter. Bend the knees a little as if to sit, knees over the toes, and stand "
     "back up."),
    ("Calf raise", "ankle", "strength",
     "Hold a counter. Rise onto the toes, pause, lower the heels slowly."),
    ("Single leg stance", "ankle", "balance",
     "Stand near a counter. Lift one foot and balance on the other, touching the counter "
     "only if needed; switch."),
)  # fmt: skip


def load_demo_exercises(
    clinic: Organisation, today: dt.date, patients: int
) -> tuple[list[Exercise], Case | None]:
    """The library, then one patient's program with a revision and logged sessions; returns
    the library and the case of the program (None when the demo is small or has no case)."""
    if patients < MIN_PATIENTS:
        return [], None
    candidates = (
        Note.objects.filter(
            patient__organisation=clinic,
            case__closed_on__isnull=True,
            case__discipline="PT",
            case__plans_of_care__isnull=False,
            therapist__role="therapist",
            signed_at__isnull=False,
        )
        .select_related("therapist__user", "case__patient", "location")
        .order_by("patient__chart_number", "id")
    )
    # The demo's portal patient when their case fits, so the portal shows the program too.
    note_to_copy = candidates.filter(patient__email=PORTAL_EMAIL).first() or candidates.first()
    if note_to_copy is None:
        return [], None
    therapist = note_to_copy.therapist
    clinician = Actor(user=therapist.user, organisation=clinic)
    library = {
        name: do_create_exercise(clinician, ExerciseInput(name, region, category, words))
        for name, region, category, words in LIBRARY
    }
    case = note_to_copy.case

    def note_on(day: dt.date) -> Note:
        note = do_start_note(
            clinician, case=case, therapist=therapist, location=note_to_copy.location,
            date_of_service=day,
        )  # fmt: skip
        do_add_treatment_block(clinician, note, code="97110", minutes=25)
        return note

    first = note_on(today - dt.timedelta(days=16))
    for name, dose in (
        ("Pelvic tilt", DoseInput(2, 10, hold_seconds=5)),
        ("Knee to chest", DoseInput(1, 3, hold_seconds=30, times=2)),
        ("Bridge", DoseInput(2, 10, progression="three sets when ten feel easy")),
        ("Bird dog", DoseInput(2, 8, hold_seconds=3, times=4, per="week")),
    ):
        do_prescribe(clinician, first, library[name], dose)
    later = note_on(today - dt.timedelta(days=5))
    do_prescribe(
        clinician, later, library["Bridge"],
        DoseInput(3, 12, progression="single leg bridge when twelve feel easy"),
    )  # fmt: skip
    do_stop_exercise(clinician, later, library["Knee to chest"].pk)
    do_prescribe(clinician, later, library["Dead bug"], DoseInput(2, 8, times=4, per="week"))
    patient = case.patient
    portal = Actor(user=None, organisation=clinic, via="patient portal (demo)")
    program = program_of(case)
    for days_ago, pain, felt in ((14, 5, "hard"), (12, 4, "hard"), (9, 4, "right"),
                                 (4, 3, "right"), (2, 2, "right"), (1, 2, "easy")):  # fmt: skip
        day = today - dt.timedelta(days=days_ago)
        revision = [r for r in program.revisions if r.starts_on <= day][-1]
        do_log_session(
            portal, patient, revision, done_on=day, pain=pain, difficulty=felt, today=today,
            entries=[
                EntryInput(p.pk, True, p.sets, p.reps) for p in revision.lines.all()
            ],
        )  # fmt: skip
    return list(library.values()), case
