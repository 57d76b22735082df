"""835 files as received, what each posted to which claim and line, what could not be matched,
provider-level adjustments (PLB), and the patient ledger.

The claim's own adjudication (line paid amounts, CAS adjustments, status) is written by the
claims app's `do_record_adjudication`; these rows add what the claims app does not keep: which
file said so, the allowed amounts and remark codes, how each line was matched, whether it was
underpaid, and what moved to the patient's balance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cleannote.apps.claims.models import Claim, ClaimLine
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Patient


class EraFile(models.Model):
    """One 835 interchange, byte for byte; its sha256 makes a second import a no-op."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="era_files"
    )
    file_name = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    content = models.TextField()
    payer_name = models.CharField(max_length=60, blank=True)
    payment_amount = models.DecimalField(max_digits=12, decimal_places=2)
    payment_method = models.CharField(max_length=3, blank=True)
    payment_date = models.DateField(null=True, blank=True)
    trace_number = models.CharField("check or EFT trace number", max_length=50, blank=True)
    balance_warning = models.CharField(max_length=300, blank=True)
    entered_manually = models.BooleanField(
        default=False,
        help_text="a paper check and its EOB keyed in by a biller (ADR 0750); no file content",
    )
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-imported_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=["organisation", "sha256"], name="era_file_unique"),
        )

    def __str__(self) -> str:
        return self.file_name


class ClaimPosting(models.Model):
    """One CLP loop of a file, posted to one claim."""

    era_file = models.ForeignKey(EraFile, on_delete=models.PROTECT, related_name="postings")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="postings")
    segment_number = models.PositiveIntegerField(help_text="the CLP segment's place in the file")
    status_code = models.CharField(max_length=2)
    interest = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="AMT*I: interest on this claim, paid through PLB L6, not part of the claim",
    )
    crossover_payer = models.CharField(max_length=60, blank=True)
    balance_problem = models.CharField(
        max_length=300, blank=True, help_text="why the payer's amounts do not add up, if they don't"
    )
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    paid = models.DecimalField(max_digits=10, decimal_places=2)
    patient_responsibility = models.DecimalField(max_digits=10, decimal_places=2)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    remark_codes = models.JSONField(default=list, blank=True)
    posted_on = models.DateField()

    class Meta:
        ordering = ("era_file_id", "segment_number")

    def __str__(self) -> str:
        return f"claim {self.claim_id} from file {self.era_file_id}"


class MatchedBy(models.TextChoices):
    LINE_CONTROL = "line_control", "REF*6R line control number"
    CODE_AND_MODIFIERS = "code_modifiers", "code and the same modifiers"
    CODE = "code", "code (payer dropped or changed modifiers)"
    SPLIT = "split", "a further part of a line the payer split"
    MANUAL = "manual", "keyed in by a biller from a paper EOB"


class LinePosting(models.Model):
    claim_posting = models.ForeignKey(ClaimPosting, on_delete=models.CASCADE, related_name="lines")
    claim_line = models.ForeignKey(ClaimLine, on_delete=models.PROTECT, related_name="postings")
    segment_number = models.PositiveIntegerField(help_text="the SVC segment's place in the file")
    matched_by = models.CharField(max_length=14, choices=MatchedBy.choices)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    paid = models.DecimalField(max_digits=10, decimal_places=2)
    allowed = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=2)
    remark_codes = models.JSONField(default=list, blank=True)
    expected = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="contracted amount per unit × units, when a contract is on file",
    )
    underpaid = models.BooleanField(default=False)
    balance_problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("claim_posting_id", "segment_number")

    def __str__(self) -> str:
        return f"line {self.claim_line_id} from file posting {self.claim_posting_id}"

    @property
    def shortfall(self) -> object:
        basis = self.allowed if self.allowed is not None else self.paid
        return (self.expected - basis) if self.expected is not None else None


class UnmatchedPayment(models.Model):
    """A claim payment (CLP loop) of a file that did not post, and why; a biller matches it to
    a claim by hand, and the posting then runs for it from the stored file."""

    era_file = models.ForeignKey(EraFile, on_delete=models.PROTECT, related_name="unmatched")
    position = models.PositiveIntegerField(help_text="the claim payment's place among the file's")
    segment_number = models.PositiveIntegerField(help_text="the CLP segment's place in the file")
    patient_control_number = models.CharField("CLP01", max_length=38)
    status_code = models.CharField(max_length=2)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    paid = models.DecimalField(max_digits=10, decimal_places=2)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    problem = models.CharField(max_length=300)
    posting = models.OneToOneField(
        ClaimPosting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("era_file_id", "position")
        constraints = (
            models.UniqueConstraint(
                fields=["era_file", "position"], name="unmatched_payment_once_per_file"
            ),
        )

    def __str__(self) -> str:
        return f"unmatched CLP at segment {self.segment_number} of file {self.era_file_id}"


class ProviderAdjustmentPosting(models.Model):
    """One PLB reason and amount: a positive amount was taken from the payment (a recoupment),
    a negative one added to it (interest, L6). Linked to the claim its reference names."""

    era_file = models.ForeignKey(
        EraFile, on_delete=models.PROTECT, related_name="provider_adjustments"
    )
    segment_number = models.PositiveIntegerField()
    reason_code = models.CharField(max_length=2)
    reference = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provider_adjustments",
    )

    class Meta:
        ordering = ("era_file_id", "segment_number", "id")

    def __str__(self) -> str:
        return f"PLB {self.reason_code} {self.amount}"


class LedgerKind(models.TextChoices):
    PATIENT_RESPONSIBILITY = "patient_resp", "Patient responsibility from a remittance"
    PAYMENT = "payment", "Patient payment"
    ADJUSTMENT = "adjustment", "Adjustment"
    REFUND = "refund", "Refund to the patient"
    TRANSFER = "transfer", "Transfer between insurance and patient"
    WRITE_OFF = "write_off", "Write-off"


class RefundMethod(models.TextChoices):
    CHECK = "check", "Check"
    CARD = "card", "Back to the card"
    CASH = "cash", "Cash"
    EFT = "eft", "EFT"
    OFFSET = "offset", "Offset against the payer's next payment"


class BalanceWriteOffReason(models.TextChoices):
    SMALL_BALANCE = "small_balance", "Small balance"
    HARDSHIP = "hardship", "Financial hardship"
    TIMELY_FILING = "timely_filing", "Timely filing"
    CONTRACTUAL = "contractual", "Contractual"
    DENIAL = "denial", "Denial written off"


class PatientLedgerEntry(models.Model):
    """What the patient owes (positive) or paid (negative); the balance is the sum.

    Refunds, transfers and write-offs (ADR 0750) are entries here too, each with its sign fixed
    by a check constraint, so the patient's balance stays the sum of this one table."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="ledger_entries")
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    claim_line = models.ForeignKey(
        ClaimLine, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    era_file = models.ForeignKey(
        EraFile, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=12, choices=LedgerKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=6, choices=RefundMethod.choices, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    write_off_reason = models.CharField(
        max_length=14, choices=BalanceWriteOffReason.choices, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ("patient_id", "posted_at", "id")
        verbose_name_plural = "patient ledger entries"
        indexes = (models.Index(fields=["organisation", "patient"]),)
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(kind="payment") | models.Q(amount__lt=0),
                name="ledger_payment_lowers_balance",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="refund") | models.Q(amount__gt=0),
                name="ledger_refund_raises_balance",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="write_off")
                | (models.Q(amount__lt=0) & ~models.Q(write_off_reason="")),
                name="ledger_write_off_lowers_balance_with_reason",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class InsuranceKind(models.TextChoices):
    TRANSFER = "transfer", "Transfer between insurance and patient"
    WRITE_OFF = "write_off", "Write-off"
    REFUND = "refund", "Refund or recoupment to the payer"


class InsuranceLedgerEntry(models.Model):
    """A movement of a claim's insurance balance that no payer answer records (ADR 0750):
    positive raises what the payer is still asked for, negative lowers it.

    The insurance balance of a claim is its charge less what payers paid, less their
    adjustments (the patient's share included, which moved to `PatientLedgerEntry`), plus the
    sum of these rows. A transfer is one row here and one `PatientLedgerEntry` of the opposite
    sign, linked by `patient_entry`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="insurance_ledger_entries"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="insurance_ledger_entries"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="insurance_ledger_entries"
    )
    claim_line = models.ForeignKey(
        ClaimLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insurance_ledger_entries",
    )
    kind = models.CharField(max_length=10, choices=InsuranceKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=6, choices=RefundMethod.choices, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    write_off_reason = models.CharField(
        max_length=14, choices=BalanceWriteOffReason.choices, blank=True
    )
    patient_entry = models.OneToOneField(
        PatientLedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insurance_side",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ("patient_id", "posted_at", "id")
        verbose_name_plural = "insurance ledger entries"
        indexes = (models.Index(fields=["organisation", "patient"]),)
        constraints = (
            models.CheckConstraint(condition=~models.Q(amount=0), name="insurance_entry_not_zero"),
            models.CheckConstraint(
                condition=~models.Q(kind="refund") | models.Q(amount__gt=0),
                name="insurance_refund_raises_balance",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="write_off")
                | (models.Q(amount__lt=0) & ~models.Q(write_off_reason="")),
                name="insurance_write_off_lowers_balance_with_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="transfer") | models.Q(patient_entry__isnull=False),
                name="insurance_transfer_has_patient_side",
            ),
        )

    def __str__(self) -> str:
        return f"insurance {self.kind} {self.amount}"


from cleannote.apps.remittance.denial_models import (  # noqa: E402,F401  (ADR 0730)
    Denial,
    DenialAction,
)
