"""The clinic's exercise library, home programs as revisions made from notes, and the
patient's log of sessions (ADR 0970)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Case, Patient, PlanOfCare
from cleannote.rules.home_program import Dose, Per


class Region(models.TextChoices):
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    ARM = "arm", "Elbow, wrist and hand"
    UPPER_BACK = "upper_back", "Upper back"
    LOW_BACK = "low_back", "Low back"
    HIP = "hip", "Hip"
    KNEE = "knee", "Knee"
    ANKLE = "ankle", "Ankle and foot"
    CORE = "core", "Trunk and core"
    WHOLE = "whole", "Whole body"


class Category(models.TextChoices):
    MOBILITY = "mobility", "Mobility"
    STRETCH = "stretch", "Stretch"
    STRENGTH = "strength", "Strength"
    BALANCE = "balance", "Balance"
    ENDURANCE = "endurance", "Endurance"
    FUNCTION = "function", "Functional task"


class MediaKind(models.TextChoices):
    NONE = "", "none"
    IMAGE = "image", "image"
    VIDEO = "video", "video"


class Exercise(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exercises"
    )
    name = models.CharField(max_length=80)
    region = models.CharField(max_length=10, choices=Region.choices)
    category = models.CharField(max_length=10, choices=Category.choices)
    # The clinic's own words, short: what to do and what to feel.
    instructions = models.TextField(max_length=600)
    # A clinic's own picture or video, kept under the data folder's media folder and served
    # only to the clinic's staff and to a patient whose program holds the exercise.
    media_kind = models.CharField(max_length=5, choices=MediaKind.choices, blank=True)
    media_path = models.CharField(max_length=200, blank=True)  # relative to the media folder
    media_type = models.CharField(max_length=40, blank=True)
    media_size = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(fields=("organisation", "name"), name="exercise_name_once"),
        )

    def __str__(self) -> str:
        return self.name


class ProgramRevision(models.Model):
    """One version of a case's home program, made on a note; the case's newest revision is the
    program in force. While its note is a draft the treating clinician edits it in place;
    once the note is signed it never changes, and the next note makes the next revision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="program_revisions")
    note = models.OneToOneField(Note, on_delete=models.PROTECT, related_name="program_revision")
    plan = models.ForeignKey(
        PlanOfCare, on_delete=models.PROTECT, null=True, blank=True, related_name="programs"
    )
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    prescribed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("case_id", "number")
        constraints = (
            models.UniqueConstraint(fields=("case", "number"), name="program_revision_number"),
        )

    def __str__(self) -> str:
        return f"Program {self.case_id} rev {self.number}"


class Prescription(models.Model):
    revision = models.ForeignKey(ProgramRevision, on_delete=models.CASCADE, related_name="lines")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    sets = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reps = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    load = models.CharField(max_length=40, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    times = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    per = models.CharField(max_length=4, choices=[(p.value, f"a {p.value}") for p in Per])
    progression = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("revision_id", "order", "id")
        constraints = (
            models.UniqueConstraint(fields=("revision", "exercise"), name="exercise_once_a_rev"),
        )

    def dose(self) -> Dose:
        return Dose(
            exercise_id=self.exercise_id,
            name=self.exercise.name,
            sets=self.sets,
            reps=self.reps,
            load=self.load,
            hold_seconds=self.hold_seconds,
            times=self.times,
            per=Per(self.per),
            progression=self.progression,
        )


class Difficulty(models.TextChoices):
    EASY = "easy", "easy"
    RIGHT = "right", "about right"
    HARD = "hard", "hard"


class ExerciseSession(models.Model):
    """One sitting the patient (or staff for them) logged: when, and how it felt."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(ProgramRevision, on_delete=models.PROTECT, related_name="sessions")
    done_on = models.DateField()
    pain = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    difficulty = models.CharField(max_length=5, choices=Difficulty.choices, blank=True)
    logged_at = models.DateTimeField()
    by_patient = models.BooleanField(default=True)
    # Who wrote down a session the patient reported by phone or at a visit (ADR 0924).
    logged_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-done_on", "-id")
        indexes = (models.Index(fields=("revision", "done_on"), name="exercise_session_day"),)


class SessionEntry(models.Model):
    session = models.ForeignKey(ExerciseSession, on_delete=models.CASCADE, related_name="entries")
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="+")
    done = models.BooleanField(default=False)
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("session_id", "id")
