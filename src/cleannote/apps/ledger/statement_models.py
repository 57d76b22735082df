"""Patient statements, their runs, the clinic's dunning sequence and where each patient is in it
(ADR 0760).

A statement is "balance forward": it carries every patient-ledger entry that no earlier
statement carried (`StatementEntry`, the through table), and its amount due is the previous
statement's amount due plus those entries. What it printed is kept as `content`, so the PDF and
the patient portal (issue 16) show the statement as sent, not as the ledger reads today.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from cleannote.apps.ledger.payment_plan_rules import FREQUENCY_LABELS, Frequency
from cleannote.apps.ledger.statement_rules import AGE_NAMES, StepAction
from cleannote.apps.messaging.models import OutboundMessage
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.models import PatientLedgerEntry

DEFAULT_HOW_TO_PAY = (
    "Pay at the front desk (cash, check or card), by phone, or mail a check payable to the "
    "clinic with the stub at the top. Call us if you need a payment plan."
)


def _all_ages() -> list[str]:
    return list(AGE_NAMES)


class StatementSettings(models.Model):
    """One clinic's statement settings; made with the defaults the first time they are read."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="statement_settings"
    )
    minimum_balance = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("5.00"),
        help_text="a batch run statements balances above this",
    )  # fmt: skip
    quiet_days = models.PositiveSmallIntegerField(
        default=25, help_text="a batch run skips a patient statemented within these days"
    )
    skip_insurance_pending = models.BooleanField(
        default=True, help_text="a batch run skips a patient while a claim waits for the insurer"
    )
    due_days = models.PositiveSmallIntegerField(default=21, help_text="due date: days after")
    remit_to = models.TextField(blank=True, help_text="empty: the clinic's address")
    how_to_pay = models.TextField(default=DEFAULT_HOW_TO_PAY)
    # The statement cycle (ADR 0763): the nightly job runs the batch on this day of the month
    # (empty: a person runs it), and a batch statements only balances in these ages.
    cycle_day = models.PositiveSmallIntegerField(null=True, blank=True)
    ages_included = models.JSONField(default=_all_ages)

    def __str__(self) -> str:
        return f"statement settings of {self.organisation_id}"


class DunningStep(models.Model):
    """One step of the clinic's sequence: on day `day` after the first statement, a statement
    carrying `message` (or, for the collections step, a flag for a person to review)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="dunning_steps"
    )
    number = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField()
    action = models.CharField(
        max_length=11, choices=[(a.value, a.value) for a in StepAction], default="statement"
    )
    title = models.CharField(max_length=40)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ("organisation_id", "number")
        constraints = (
            models.UniqueConstraint(fields=["organisation", "number"], name="dunning_step_once"),
        )

    def __str__(self) -> str:
        return f"step {self.number} ({self.title})"


class DunningStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAID = "paid", "Stopped: balance paid"
    COLLECTIONS_REVIEW = "review", "Waiting for collections review"
    SENT_TO_COLLECTIONS = "collections", "Sent to collections"
    WITHDRAWN = "withdrawn", "Withdrawn after review"


OPEN_DUNNING = (DunningStatus.ACTIVE, DunningStatus.COLLECTIONS_REVIEW)


class Dunning(models.Model):
    """One patient's way through the sequence, from the statement that started it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="dunnings")
    started_on = models.DateField(help_text="step days count from here (moved on by pauses)")
    step = models.PositiveSmallIntegerField()
    step_on = models.DateField()
    status = models.CharField(
        max_length=11, choices=DunningStatus.choices, default=DunningStatus.ACTIVE
    )
    paused_on = models.DateField(null=True, blank=True, help_text="a payment plan began")
    ended_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-started_on", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status__in=["active", "review"]),
                name="dunning_one_open_per_patient",
            ),
        )

    def __str__(self) -> str:
        return f"dunning of patient {self.patient_id} at step {self.step}"


class PaymentPlan(models.Model):
    """An agreed amount per installment; while it runs the patient's dunning is paused. Its
    schedule (ADR 0764) is `payments` installments from `first_due_on` at `frequency`; a plan
    made before schedules (no `payments`) is monthly and open-ended."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payment_plans")
    # The amount of each installment (named for the monthly plans ADR 0760 began with).
    amount_per_month = models.DecimalField(max_digits=8, decimal_places=2)
    starts_on = models.DateField(help_text="the day the plan was agreed")
    ended_on = models.DateField(null=True, blank=True)
    frequency = models.CharField(
        max_length=8, choices=[(f.value, FREQUENCY_LABELS[f]) for f in Frequency],
        default=Frequency.MONTHLY.value,
    )  # fmt: skip
    payments = models.PositiveSmallIntegerField(null=True, blank=True)
    first_due_on = models.DateField(null=True, blank=True)
    total = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True,
        help_text="the balance the plan pays off, as it was when agreed",
    )  # fmt: skip
    end_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-starts_on", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(ended_on__isnull=True),
                name="payment_plan_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_per_month__gt=0), name="payment_plan_amount_positive"
            ),
        )

    def __str__(self) -> str:
        return f"plan of {self.amount_per_month} {self.frequency}"


class MissStatus(models.TextChoices):
    OPEN = "open", "To work"
    CONTACTED = "contacted", "Patient contacted"
    ADJUSTED = "adjusted", "Plan adjusted"
    PAID = "paid", "Paid late"
    ENDED = "ended", "Plan ended"


class PlanMiss(models.Model):
    """An installment of a payment plan found missed by the nightly check (ADR 0764): on the
    missed-installments worklist until a person contacts the patient, adjusts or ends the
    plan, or the patient pays it. Once per installment."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(PaymentPlan, on_delete=models.PROTECT, related_name="misses")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    short = models.DecimalField(max_digits=8, decimal_places=2)
    found_on = models.DateField()
    status = models.CharField(max_length=9, choices=MissStatus.choices, default=MissStatus.OPEN)
    note = models.CharField(max_length=300, blank=True)
    worked_on = models.DateField(null=True, blank=True)
    worked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ("due_on", "id")
        constraints = (models.UniqueConstraint(fields=["plan", "number"], name="plan_miss_once"),)

    def __str__(self) -> str:
        return f"installment {self.number} of plan {self.plan_id}"


class RunKind(models.TextChoices):
    BATCH = "batch", "Batch"
    DUNNING = "dunning", "Dunning steps"


class StatementRun(models.Model):
    """One batch or nightly dunning run: its statements print as one PDF."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="statement_runs"
    )
    kind = models.CharField(max_length=7, choices=RunKind.choices)
    run_on = models.DateField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    left_out = models.JSONField(default=dict, help_text="how many patients, by reason")

    class Meta:
        ordering = ("-run_on", "-id")

    def __str__(self) -> str:
        return f"{self.kind} run of {self.run_on}"


class SentVia(models.TextChoices):
    PRINT = "print", "Printed and mailed"
    EMAIL = "email", "Email notice (no details in the email)"


class Statement(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="statements"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="statements")
    run = models.ForeignKey(
        StatementRun, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    number = models.CharField(max_length=20)
    statement_date = models.DateField()
    due_date = models.DateField()
    account_number = models.CharField(max_length=20)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    previous_balance = models.DecimalField(max_digits=10, decimal_places=2)
    new_charges = models.DecimalField(max_digits=10, decimal_places=2)
    payments = models.DecimalField(max_digits=10, decimal_places=2)
    other_credits = models.DecimalField(max_digits=10, decimal_places=2)
    amount_due = models.DecimalField(max_digits=10, decimal_places=2)
    dunning = models.ForeignKey(
        Dunning, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    dunning_step = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_via = models.CharField(max_length=5, choices=SentVia.choices)
    message = models.ForeignKey(
        OutboundMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(help_text="what the statement printed, as sent")
    entries = models.ManyToManyField(
        PatientLedgerEntry, through="StatementEntry", related_name="statements"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-statement_date", "-id")
        indexes = (models.Index(fields=["organisation", "patient"]),)
        constraints = (
            models.UniqueConstraint(fields=["organisation", "number"], name="statement_number"),
        )

    def __str__(self) -> str:
        return f"Statement {self.number}"


class StatementEntry(models.Model):
    """One ledger entry a statement carried for the first time, with its amount then."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey(PatientLedgerEntry, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ("statement_id", "id")
        constraints = (
            # an entry is new on one statement only: the next one carries it as previous balance
            models.UniqueConstraint(fields=["entry"], name="statement_entry_once"),
        )

    def __str__(self) -> str:
        return f"entry {self.entry_id} on statement {self.statement_id}"
