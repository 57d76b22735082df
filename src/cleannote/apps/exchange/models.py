"""What the exchange with clearinghouses keeps: the control numbers each sender id used."""

from __future__ import annotations

from django.db import models

from cleannote.apps.organisations.models import Organisation


class ControlNumberCounter(models.Model):
    """The last X12 control number used by one sender id of one organisation.

    Allocation locks this row (SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE serialises the
    same way), so two workers never get the same number and a number is never reused (ADR 0112).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="control_counters"
    )
    sender_id = models.CharField(max_length=80)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        # The table kept its name when the model moved from claims (ADR 0402): no row is copied.
        db_table = "claims_controlnumbercounter"
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "sender_id"], name="control_counter_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.sender_id}: {self.last}"
