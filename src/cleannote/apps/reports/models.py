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
