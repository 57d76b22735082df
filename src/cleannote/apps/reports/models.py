"""The clinic's report targets (ADR 0802): one row per figure it changed, for the whole
organisation (no location) or for one location. A figure with no row keeps the default in
`rules.reporting.DEFAULT_TARGETS`; a location's row wins over the organisation's."""

from __future__ import annotations

from typing import Any

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
    # The organisation's last audit event when the run started: a claim with an event after
    # it changed, and the next run recounts its day (ADR 0856).
    audit_mark = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"summaries through {self.through}"


class SummaryDay(models.Model):
    """The key every daily summary row is counted under: organisation, day, location,
    clinician and discipline (the tables add a payer or a code beside it)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    clinician = models.ForeignKey(
        "organisations.Staff", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    discipline = models.CharField(max_length=8, blank=True)

    class Meta:
        abstract = True
        ordering = ()
        indexes = (models.Index(fields=["organisation", "day"]),)

    def __str__(self) -> str:
        return f"{self.day} clinician {self.clinician_id}"


class ProductivityDay(SummaryDay):
    # Nullable, as ADR 0850 made it.
    location = models.ForeignKey(  # type: ignore[assignment]  # the base's, nullable
        Location, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
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


class Modifier59Day(SummaryDay):
    payer_id = models.CharField(max_length=80)
    payer_name = models.CharField(max_length=60)
    claims = models.PositiveIntegerField(default=0)
    claims_59 = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    lines_59 = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} clinician {self.clinician_id} {self.payer_id}"


class Modifier59PairDay(SummaryDay):
    """Lines with 59/X beside another code on their claim (column one), per day."""

    payer_id = models.CharField(max_length=80)
    column_one = models.CharField(max_length=5)
    column_two = models.CharField(max_length=5)
    lines = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.column_one}/{self.column_two}"


# --- The financial report's summaries (ADR 0856) ------------------------------------------------
# A day is the visit's day of service, the location and clinician the visit's; rows of a day
# change while its claims are answered, and a claim's change (an audit event) has its day
# recounted by the next run.


def _money() -> Any:
    """A summed amount: up to a trillion, to the cent."""
    return models.DecimalField(max_digits=14, decimal_places=2, default=0)


class MoneySummaryDay(SummaryDay):
    """A financial summary row: per payer, and counted twice, per clinician and for every
    clinician at once (no clinician), so the whole clinic's page reads a few rows a day
    whatever the number of clinicians."""

    clinician = models.ForeignKey(  # type: ignore[assignment]  # the base's, nullable
        "organisations.Staff", on_delete=models.CASCADE, null=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    payer_id = models.CharField(max_length=80)
    payer_name = models.CharField(max_length=60)

    class Meta(SummaryDay.Meta):
        abstract = True
        indexes = (  # type: ignore[assignment]  # the base's, and one more
            models.Index(fields=["organisation", "day"]),
            models.Index(fields=["organisation", "clinician", "day"]),
        )


class FinancialDay(MoneySummaryDay):
    """A day's primary claims per payer: what was charged, paid and adjusted, and how they
    fared (sent, sent clean, answered, denied)."""

    claims = models.PositiveIntegerField(default=0)
    charges = _money()
    payments = _money()
    adjudicated = models.PositiveIntegerField(default=0)
    adjudicated_charges = _money()
    sent = models.PositiveIntegerField(default=0)
    sent_clean = models.PositiveIntegerField(default=0)
    denied = models.PositiveIntegerField(default=0)
    contractual = _money()
    other_adjustments = _money()


class DenialReasonDay(MoneySummaryDay):
    """A day's denied claims per payer and adjustment reason (group and CARC)."""

    group = models.CharField(max_length=2)
    reason = models.CharField(max_length=5)
    claims = models.PositiveIntegerField(default=0)
    amount = _money()


class PaidCodeDay(MoneySummaryDay):
    """What a payer paid on a day's posted lines of one code, and for how many units."""

    code = models.CharField(max_length=5)
    paid = _money()
    units = models.DecimalField(max_digits=12, decimal_places=2, default=0)


class ReceivableDay(MoneySummaryDay):
    """The insurance A/R of open primary claims as of the run, per day their age counts from
    (sent, else the day of service) and the claim's location: every run replaces all of an
    organisation's rows, and the page splits them at 90 days before its today."""

    owed = _money()  # charges less payments
    adjusted = _money()  # adjustments, except on disputed claims
