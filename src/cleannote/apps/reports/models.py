"""The clinic's report targets (ADR 0802): one row per figure it changed, for the whole
organisation (no location) or for one location. A figure with no row keeps the default in
`rules.reporting.DEFAULT_TARGETS`; a location's row wins over the organisation's."""

from __future__ import annotations

from django.db import models

from cleannote.apps.organisations.models import Location, Organisation
from cleannote.rules.reporting import DEFAULT_TARGETS, FIGURES

TARGET_CHOICES = [(key, FIGURES[key].label) for key in DEFAULT_TARGETS]


class ReportTarget(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="report_targets"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="report_targets"
    )
    key = models.CharField(max_length=40, choices=TARGET_CHOICES)
    value = models.DecimalField(max_digits=9, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organisation", "location", "key")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "key"],
                condition=models.Q(location__isnull=True),
                name="report_target_clinic_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "location", "key"],
                condition=models.Q(location__isnull=False),
                name="report_target_location_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="report_target_not_negative"
            ),
        )

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


# --- Daily summaries (ADR 0850) ---------------------------------------------------------------
# What the productivity and modifier 59 reports count, per closed day: filled only by
# `reports.summaries.refresh_summaries` (the `cleannote_report_summaries` command), never by
# hand. A row's discipline is its notes' case discipline (the note counts) or its clinician's
# (the appointment counts), as the live figures filter each.


class ReportSummaryRun(models.Model):
    """An organisation's summaries hold every day up to `through`, as of `refreshed_at`."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="report_summary_run"
    )
    through = models.DateField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"summaries through {self.through}"


class ProductivityDay(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    clinician = models.ForeignKey(
        "organisations.Staff", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    discipline = models.CharField(max_length=8, blank=True)
    visits = models.PositiveIntegerField(default=0)
    evaluations = models.PositiveIntegerField(default=0)
    documentation = models.DurationField(null=True)
    signed_same_day = models.PositiveIntegerField(default=0)
    signed_next_day = models.PositiveIntegerField(default=0)
    billed_visits = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    timed_units = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    arrived = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ()
        indexes = (models.Index(fields=["organisation", "day"]),)

    def __str__(self) -> str:
        return f"{self.day} clinician {self.clinician_id}"


class Modifier59Day(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    clinician = models.ForeignKey(
        "organisations.Staff", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    discipline = models.CharField(max_length=8, blank=True)
    payer_id = models.CharField(max_length=80)
    payer_name = models.CharField(max_length=60)
    claims = models.PositiveIntegerField(default=0)
    claims_59 = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    lines_59 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ()
        indexes = (models.Index(fields=["organisation", "day"]),)

    def __str__(self) -> str:
        return f"{self.day} clinician {self.clinician_id} {self.payer_id}"


class Modifier59PairDay(models.Model):
    """Lines with 59/X beside another code on their claim (column one), per day."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    clinician = models.ForeignKey(
        "organisations.Staff", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    discipline = models.CharField(max_length=8, blank=True)
    payer_id = models.CharField(max_length=80)
    column_one = models.CharField(max_length=5)
    column_two = models.CharField(max_length=5)
    lines = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ()
        indexes = (models.Index(fields=["organisation", "day"]),)

    def __str__(self) -> str:
        return f"{self.day} {self.column_one}/{self.column_two}"
