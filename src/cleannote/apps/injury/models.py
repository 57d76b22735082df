"""The attorney lien ledger of a liability or letter-of-protection case, and its settlement
(ADR 0771).

A case treated under a lien is paid when the injury claim settles, years later sometimes. Its
ledger is one row per event, all amounts positive with a kind saying which way they go:
charges at the clinic's full fee (one per claim of the case), payments (the attorney's or a
carrier's checks), reductions the attorney and the clinic agreed, and the write-off of what is
left when the case settles. The balance is charges less everything else.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from cleannote.apps.claims.models import Claim
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Case
from cleannote.apps.remittance.models import ClaimPosting


class LienKind(models.TextChoices):
    CHARGE = "charge", "Charge"
    PAYMENT = "payment", "Payment"
    REDUCTION = "reduction", "Reduction agreed"
    WRITE_OFF = "write_off", "Write-off"
    # A carrier took back a payment it had made on one of the case's claims (an 835 reversal,
    # CLP02 22): the copied payment stands and this row raises the balance again (ADR 0761).
    REVERSAL = "reversal", "Payment reversed"


# The kinds that lower the balance (a charge and a reversal raise it).
CREDITS = (LienKind.PAYMENT, LienKind.REDUCTION, LienKind.WRITE_OFF)
DEBITS = (LienKind.CHARGE, LienKind.REVERSAL)


class Settlement(models.Model):
    """How a case's injury claim settled and what the clinic's lien took from it: one per case."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="settlement")
    settled_on = models.DateField()
    settlement_amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="the injury claim's settlement, gross"
    )
    balance_before = models.DecimalField(max_digits=10, decimal_places=2)
    reduction = models.DecimalField(max_digits=10, decimal_places=2)
    payment = models.DecimalField(max_digits=10, decimal_places=2)
    write_off = models.DecimalField(max_digits=10, decimal_places=2)
    memo = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=models.Q(
                    reduction__gte=0, payment__gte=0, write_off__gte=0, settlement_amount__gte=0
                ),
                name="settlement_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    balance_before=models.F("reduction")
                    + models.F("payment")
                    + models.F("write_off")
                ),
                name="settlement_closes_the_balance",
            ),
        )

    def __str__(self) -> str:
        return f"Settlement of case {self.case_id}"


class LienEntry(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lien_entries")
    kind = models.CharField(max_length=9, choices=LienKind.choices)
    entry_date = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    memo = models.CharField(max_length=200, blank=True)
    # A charge is one claim of the case at the full fee; nothing else names a claim.
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="lien_entries"
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    # A payment (or its reversal) a carrier posted on one of the case's claims, copied here
    # from its 835 or paper-check posting: once per posting (ADR 0761).
    claim_posting = models.OneToOneField(
        ClaimPosting, on_delete=models.PROTECT, null=True, blank=True, related_name="lien_entry"
    )
    # Empty only for a carrier payment copied by a background 835 import (no person acted).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("case_id", "entry_date", "id")
        constraints = (
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="lien_amount_positive"),
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(kind="charge"),
                name="lien_charge_once_per_claim",
                violation_error_message="this claim is already charged on the lien ledger",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        """The effect on the balance: a charge or a reversal adds, the rest subtract."""
        return self.amount if self.kind in DEBITS else -self.amount
