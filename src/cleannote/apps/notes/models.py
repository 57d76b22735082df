"""Visit notes.

A note is a draft until signed; once signed it never changes, and corrections are addenda.
A draft belongs to its treating clinician (`therapist`), who alone edits and signs it; an
assistant's signed note is then co-signed by a supervising therapist (docs/decisions/0200).
Treatment blocks carry everything the rules core needs to turn the visit into claim lines
(code, stamped times or minutes, assistant minutes, regions, laterality, goals, encounter),
so building a core `Service` from a block is field-for-field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from cleannote.apps.audit.models import AppendOnlyModel
from cleannote.apps.notes.objective import empty_objective, validate_objective
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.patients.models import Case, Goal, Patient, RtmEnrolment
from cleannote.rules.note_types import TEMPLATES, Complexity, NoteTemplate, NoteType, template_of
from cleannote.rules.visit import Laterality

# A note's type (daily note, evaluation, re-evaluation, progress report, discharge summary),
# labelled and ruled by the core's table (rules/note_types.py, ADR 0580).
NOTE_TYPE_CHOICES = [(t.value, TEMPLATES[t].label) for t in NoteType]
COMPLEXITY_CHOICES = [(c.value, c.value.capitalize()) for c in Complexity]
# The types that restart the every-10-treatment-days progress report count.
PROGRESS_REPORT_TYPES = tuple(
    t.value for t, row in TEMPLATES.items() if row.counts_as_progress_report
)


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


# Notes that are treatment visits (every note but an RTM billing note, ADR 0570): what counts
# as a treatment day, a visit used, or the note the next visit starts from.
TREATMENT_VISIT = models.Q(rtm_enrolment__isnull=True)
TREATMENT_VISIT_BLOCK = models.Q(note__rtm_enrolment__isnull=True)


class SignedNoteError(RuntimeError):
    """Raised when code tries to change a signed note or an addendum."""


class Note(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    therapist = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="notes")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="notes")
    date_of_service = models.DateField()
    status = models.CharField(max_length=6, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_notes"
    )
    # The supervising therapist's co-signature on an assistant's signed note: who and when.
    cosigned_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="cosigned_notes"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    # Subjective
    pain_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_location = models.CharField(max_length=120, blank=True)
    functional_limits = models.TextField(blank=True)
    patient_words = models.TextField("in the patient's words", blank=True)
    # Objective: ROM rows, strength, outcome-measure scores (see notes/objective.py).
    objective = models.JSONField(default=empty_objective, validators=[validate_objective])
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_into"
    )
    note_type = models.CharField(
        max_length=17, choices=NOTE_TYPE_CHOICES, default=NoteType.DAILY.value
    )
    # The type's own sections (history, systems review...; rules/note_types.py), key -> text.
    sections = models.JSONField(default=dict, blank=True)
    # An evaluation's stated complexity, which its leveled code (97161-97163...) must match.
    complexity = models.CharField(max_length=8, choices=COMPLEXITY_CHOICES, blank=True)
    # On a report: each plan goal's status and latest value ({"goal", "status", "current"});
    # signing adds the goal's text, so the signed report reads the same if the plan changes.
    goal_report = models.JSONField(default=list, blank=True)
    # An RTM billing note (ADR 0570): the enrolment whose period or month it bills. It is not a
    # treatment visit: it counts as no treatment day and is never carried into the next note.
    rtm_enrolment = models.ForeignKey(
        RtmEnrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-date_of_service", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(pain_level__isnull=True) | models.Q(pain_level__lte=10),
                name="note_pain_level_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", signed_at__isnull=True, signed_by__isnull=True)
                | models.Q(status="signed", signed_at__isnull=False, signed_by__isnull=False),
                name="note_signature_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(cosigned_by__isnull=True, cosigned_at__isnull=True)
                | models.Q(status="signed", cosigned_by__isnull=False, cosigned_at__isnull=False),
                name="note_cosignature_on_signed_note",
            ),
        )
        indexes = (
            models.Index(fields=["therapist", "status", "date_of_service"]),
            models.Index(fields=["case", "note_type"]),
            # Each case's notes, newest first, with what is read of them: progress reports due
            # (each case's last report, the treatment days since) and the compliance report's
            # newest treatment visit per case come from this index alone, never the wide note
            # rows (ADR 0870). Key columns rather than INCLUDE, which SQLite lacks.
            models.Index(
                fields=[
                    "case",
                    "-date_of_service",
                    "-id",
                    "note_type",
                    "rtm_enrolment",
                    "location",
                    "therapist",
                ],
                name="note_case_newest",
            ),
            # The reports' days (ADR 0850): a period's visits and drafts across the clinic.
            models.Index(fields=["date_of_service", "status"], name="note_day_status"),
        )

    def __str__(self) -> str:
        return f"Note {self.pk} ({self.status})"

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def is_cosigned(self) -> bool:
        return self.cosigned_at is not None

    @property
    def template(self) -> NoteTemplate:
        return template_of(self.note_type)

    @property
    def is_daily(self) -> bool:
        return self.note_type == NoteType.DAILY.value

    @property
    def counts_as_progress_report(self) -> bool:
        """Restarts the every-10-treatment-days count: a progress report, a re-evaluation or
        a discharge summary (rules/note_types.py)."""
        return self.template.counts_as_progress_report

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not isinstance(self.sections, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.sections.items()
        ):
            errors["sections"] = "must map each section's key to its text"
        if not isinstance(self.goal_report, list) or not all(
            isinstance(row, dict) and isinstance(row.get("goal"), int) for row in self.goal_report
        ):
            errors["goal_report"] = "must list each goal's id with its status"
        if errors:
            raise ValidationError(errors)


LATERALITY_CHOICES = [(m.value, m.value.capitalize()) for m in Laterality]


class TreatmentBlock(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="blocks")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=5)
    start_time = models.TimeField(null=True, blank=True)
    stop_time = models.TimeField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    assistant_minutes = models.PositiveSmallIntegerField(default=0)
    body_regions = models.JSONField(default=list, blank=True)
    laterality = models.CharField(max_length=9, choices=LATERALITY_CHOICES, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="treatment_blocks")
    justification = models.TextField(blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    modifiers_requested = models.JSONField(default=list, blank=True)
    encounter = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ("note_id", "order")
        constraints = (
            models.UniqueConstraint(fields=["note", "order"], name="block_order_unique"),
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True)
                | models.Q(stop_time__isnull=True)
                | models.Q(stop_time__gte=models.F("start_time")),
                name="block_stop_after_start",
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} block {self.order}"

    @property
    def documented_minutes(self) -> int | None:
        """Same rule as the core's `Service.documented_minutes`: stamped span, else minutes."""
        if self.start_time is not None and self.stop_time is not None:
            return (self.stop_time.hour * 60 + self.stop_time.minute) - (
                self.start_time.hour * 60 + self.start_time.minute
            )
        return self.minutes


class Addendum(AppendOnlyModel):
    """A signed correction or late entry attached to a note. Never edited, never deleted."""

    refusal = SignedNoteError
    refusal_message = "addenda are append-only"

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ("note_id", "signed_at", "id")
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum {self.pk}"
