"""The denials worklist's rows kept ready: one row per claim and CARC it was denied for, so
the worklist's reason summary and its pages read a small table by index instead of joining
every claim, line and adjustment of the clinic (ADR 0871)."""

from __future__ import annotations

from django.db import models

from cleannote.apps.claims.models import Claim
from cleannote.apps.organisations.models import Organisation


class DeniedReason(models.Model):
    """A claim's denied adjustments under one CARC, as `claims.denied.denied_adjustments`
    reads them live: their amount and group codes, with the claim's payer and determination
    day copied for the worklist's filters and order. Written only by `claims.denied`."""

    # No index of their own: the indexes below and the unique constraint lead with them.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="denied_reasons", db_index=False
    )
    payer_id = models.CharField(max_length=80)
    decided = models.DateField(help_text="the claim's adjudication day; 9999-12-31 when none")
    reason = models.CharField(max_length=5)
    group_codes = models.CharField(max_length=32, help_text="the CAS groups, space-separated")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("decided", "claim_id", "reason")
        constraints = (
            models.UniqueConstraint(fields=["claim", "reason"], name="denied_reason_once"),
        )
        indexes = (
            # The worklist's pages: the oldest determination first, all, of a CARC, of a payer.
            models.Index(fields=["organisation", "decided", "claim"]),
            models.Index(fields=["organisation", "reason", "decided", "claim"]),
            models.Index(fields=["organisation", "payer_id", "decided", "claim"]),
        )

    def __str__(self) -> str:
        return f"claim {self.claim_id} denied {self.reason} {self.amount}"
