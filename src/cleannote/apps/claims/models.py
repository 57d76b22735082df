"""Claims, their lines and history, fee schedules, and 837P batches.

A claim is a snapshot: `visit` holds the visit exactly as billed (the public visit format,
`cleannote.visit/1`), so the 837P of a claim can be rebuilt years later whatever happened to
the patient's record since. Lines, diagnoses and findings are rows so that lists, reports and
835 posting can query them. Every status change is a `ClaimStatusEvent` row, written by
`actions._set_status` only, through the transition table in `status.py`.

For the engineer posting 835s: match CLP01 to `Claim.patient_control_number` and REF*6R to
`ClaimLine.line_control_number`; record what the payer did with `do_record_adjudication`
(it sets `paid_amount`, adds `ClaimAdjustment` rows and moves the status).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models

from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Location, Organisation
from cleannote.apps.patients.models import Case, Coverage, Patient
from cleannote.platform.model_constraints import dates_in_order
from cleannote.rules.findings import ClaimLine as CoreLine
from cleannote.rules.visit import PayerKind, Visit
from cleannote.rules.visit_format import parse_visit


class FeeSchedule(models.Model):
    """What a location charges, per unit of each code, over a date range.

    `payer_id` empty means every payer; a payer-specific schedule wins over the general one.
    `source` says where the numbers came from (a chargemaster, a contract, a fee study).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fee_schedules"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="fee_schedules")
    payer_id = models.CharField(max_length=80, blank=True)
    name = models.CharField(max_length=80)
    source = models.CharField(max_length=200)
    effective_from = models.DateField()
    effective_through = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("location_id", "payer_id", "-effective_from")
        constraints = (
            dates_in_order(
                "effective_from", "effective_through", name="fee_schedule_dates_in_order"
            ),
        )

    def __str__(self) -> str:
        return self.name


class FeeScheduleEntry(models.Model):
    """Per-unit prices: a line's charge is `amount` × units (ADR 0111).

    `contracted_amount` is what the payer agreed to allow per unit, kept for underpayment
    checks when remittances are posted; None when there is no contract. `modifier` blank is
    the code's rate; a row with a modifier is the rate for lines carrying it (ADR 0720).
    """

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True, default="")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    contracted_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ("schedule_id", "code", "modifier")
        verbose_name_plural = "fee schedule entries"
        constraints = (
            models.UniqueConstraint(
                fields=["schedule", "code", "modifier"], name="fee_entry_code_modifier_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_amount_positive"),
        )

    def __str__(self) -> str:
        return f"{self.code}{'-' + self.modifier if self.modifier else ''} {self.amount}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready to send"
    IN_BATCH = "in_batch", "In a batch"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    DENIED = "denied", "Denied"
    APPEALED = "appealed", "Appealed"
    CLOSED = "closed", "Closed"


class Frequency(models.TextChoices):
    """CLM05-3, the claim frequency code."""

    ORIGINAL = "1", "Original"
    REPLACEMENT = "7", "Replacement (corrected)"
    VOID = "8", "Void"


class Origin(models.TextChoices):
    """How the claim came to be; `frequency` alone cannot tell a split or a secondary."""

    NOTE = "note", "From a signed note"
    CORRECTED = "corrected", "Corrected claim"
    VOID = "void", "Void of an earlier claim"
    SECONDARY = "secondary", "Secondary claim"
    SPLIT = "split", "Denied lines rebilled"
    CROSSOVER = "crossover", "Crossed over by the primary payer"


class PayerSequence(models.TextChoices):
    """The billed payer's place in the coordination-of-benefits order: the 837P's SBR01."""

    PRIMARY = "P", "Primary"
    SECONDARY = "S", "Secondary"
    TERTIARY = "T", "Tertiary"


# The claims that bill the next payer after a claim: at most one per claim, not voided.
NEXT_PAYER_ORIGINS = ("secondary", "crossover")

# A note is billed once to each payer: these origins are the claims the one-claim-per-note-and-
# payer constraint counts (a corrected, void or split claim follows one of them).
BILLED_ONCE = ("note", "secondary", "crossover")


PAYER_KIND_CHOICES = [(k.value, k.value.replace("_", " ")) for k in PayerKind]


class Claim(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="claims")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="claims")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="claims")
    coverage = models.ForeignKey(Coverage, on_delete=models.PROTECT, related_name="claims")
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="claims")
    date_of_service = models.DateField()
    # The payer as billed (the coverage row may be edited later).
    payer_name = models.CharField(max_length=60)
    payer_id = models.CharField(max_length=80)
    payer_kind = models.CharField(max_length=20, choices=PAYER_KIND_CHOICES)
    frequency = models.CharField(
        max_length=1, choices=Frequency.choices, default=Frequency.ORIGINAL
    )
    origin = models.CharField(max_length=9, choices=Origin.choices, default=Origin.NOTE)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    original_claim = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    primary_claim = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="secondary_claims"
    )
    payer_sequence = models.CharField(
        max_length=1, choices=PayerSequence.choices, default=PayerSequence.PRIMARY
    )
    from_remittance_on = models.DateField(
        null=True,
        blank=True,
        help_text="the date of the primary's 835 this claim was created from, when the "
        "posting made it (ADR 0740)",
    )
    secondary_problem = models.CharField(
        max_length=300,
        blank=True,
        help_text="why posting this claim's 835 made no secondary claim although the patient "
        "has a next payer (the scrubber's refusal); empty once one is made",
    )
    status = models.CharField(max_length=14, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    first_sent_on = models.DateField(
        null=True,
        blank=True,
        help_text="the day the claim first went into a batch; a rejected claim resubmitted as a "
        "new original keeps its predecessor's, so A/R ages from the first submission (ADR 0704)",
    )
    patient_control_number = models.CharField(max_length=38, unique=True, null=True, blank=True)
    visit = models.JSONField(help_text="the visit as billed, in the cleannote.visit/1 format")
    total_charge = models.DecimalField(max_digits=10, decimal_places=2)
    # What the payer did (set by do_record_adjudication, e.g. from an 835).
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    adjudicated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    voided = models.BooleanField(
        default=False,
        help_text="voided at the payer (a void claim followed it), or closed before it was "
        "ever sent: the note may be billed to this payer again",
    )
    crossover_payer = models.CharField(
        max_length=60,
        blank=True,
        help_text="the payer the primary forwarded this claim to (CLP02 19/20/21, NM1*TT); "
        "the patient's share waits for that payer's answer",
    )

    # A claim billed past an auto carrier whose PIP/MedPay benefits ran out: the date of the
    # carrier's exhaustion letter (or of the payment that reached the limit) and how it is
    # known, shown on the claim page and sent with the claim on paper (ADR 0770).
    prior_payer_exhausted_on = models.DateField(null=True, blank=True)
    prior_payer_exhaustion_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("-date_of_service", "-id")
        indexes = (
            models.Index(fields=["organisation", "status", "date_of_service"]),
            models.Index(fields=["organisation", "payer_id"]),
            # The worklist's default order within an organisation (ADR 0831).
            models.Index(fields=["organisation", "date_of_service", "id"]),
            # The few voided claims: what the Medicare therapy count takes back (ADR 0861).
            models.Index(
                fields=["organisation", "date_of_service"],
                condition=models.Q(voided=True),
                name="claim_voided_by_day",
            ),
            # Each case's billed charges (the forward flags' expected charge of a visit, ADR
            # 0866): its original claims read from the index alone, not the wide claim rows.
            models.Index(
                fields=["note"],
                include=["id", "total_charge"],
                condition=models.Q(
                    frequency=Frequency.ORIGINAL, voided=False, primary_claim__isnull=True
                ),
                name="claim_original_by_note",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["note", "payer_id"],
                condition=models.Q(origin__in=BILLED_ONCE, voided=False),
                name="claim_once_per_note_and_payer",
                violation_error_message="this note already has a claim to this payer",
            ),
            models.UniqueConstraint(
                fields=["primary_claim"],
                condition=models.Q(origin__in=NEXT_PAYER_ORIGINS, voided=False),
                name="one_next_payer_claim_per_claim",
                violation_error_message="this claim already has a secondary or crossover claim",
            ),
        )

    def __str__(self) -> str:
        return f"Claim {self.pk} ({self.status})"

    def snapshot(self) -> Visit:
        """The visit exactly as billed, read back from the stored snapshot."""
        return parse_visit(self.visit, source=f"claim {self.pk}")

    def core_lines(self, only: Iterable[ClaimLine] | None = None) -> tuple[CoreLine, ...]:
        """The lines (or `only` these) as the core's claim lines (`ClaimLine.to_core`)."""
        return tuple(line.to_core() for line in (only if only is not None else self.lines.all()))


class ClaimDiagnosis(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="diagnoses")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=8)

    class Meta:
        ordering = ("claim_id", "position")
        verbose_name_plural = "claim diagnoses"
        constraints = (
            models.UniqueConstraint(fields=["claim", "position"], name="claim_dx_position_unique"),
        )

    def __str__(self) -> str:
        return f"{self.position}: {self.code}"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=5)
    units = models.PositiveSmallIntegerField()
    modifiers = models.JSONField(default=list, blank=True)
    diagnosis_pointers = models.JSONField(default=list)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    service_date = models.DateField()
    service_index = models.PositiveSmallIntegerField(
        help_text="index of the service in the claim's visit snapshot"
    )
    line_control_number = models.CharField(max_length=50, blank=True)
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ("claim_id", "number")
        constraints = (
            models.UniqueConstraint(fields=["claim", "number"], name="claim_line_number_unique"),
        )

    def __str__(self) -> str:
        return f"{self.number}: {self.code} x{self.units}"

    def to_core(self) -> CoreLine:
        """The line as the core's claim line: what the 837P, the CMS-1500 and every claim that
        copies this one's lines (corrected, secondary, split) are built from."""
        return CoreLine(
            code=self.code,
            units=self.units,
            modifiers=tuple(self.modifiers),
            diagnosis_pointers=tuple(self.diagnosis_pointers),
            charge=self.charge,
            service_index=self.service_index,
        )

    @property
    def is_denied(self) -> bool:
        """Adjudicated with nothing paid and nothing left to the patient (a line applied to the
        deductible is settled, not denied); these lines are what a split claim rebills."""
        if self.paid_amount is None or self.paid_amount != 0:
            return False
        return not any(a.group == "PR" and a.amount for a in self.adjustments.all())


class ClaimAdjustment(models.Model):
    """A CAS adjustment the payer made, on the claim (`line` None) or on one line."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="adjustments")
    line = models.ForeignKey(
        ClaimLine, on_delete=models.CASCADE, null=True, blank=True, related_name="adjustments"
    )
    group = models.CharField(max_length=2)
    reason = models.CharField(max_length=5)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ("claim_id", "line_id", "id")

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"


class ClaimFinding(models.Model):
    """A warning or note the scrubber raised when the claim was built (errors refuse a claim)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=60)
    severity = models.CharField(max_length=7)
    message = models.TextField()
    fix = models.TextField()
    # The finding's source as the core words it: a manual section plus, for NCCI/MUE findings,
    # the table row it came from, which has no fixed length.
    source = models.TextField()
    service_index = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("claim_id", "id")

    def __str__(self) -> str:
        return f"{self.severity} {self.rule}"


class ClaimStatusEvent(models.Model):
    """One status change: never edited, never deleted; the claim's history page reads these."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    previous_status = models.CharField(max_length=14, choices=ClaimStatus.choices, blank=True)
    status = models.CharField(max_length=14, choices=ClaimStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_username = models.CharField(max_length=150)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("claim_id", "at", "id")

    def __str__(self) -> str:
        return f"{self.previous_status or '-'} -> {self.status}"


class Batch(models.Model):
    """One 837P interchange: its bytes (ASCII, stored as text), control number and checksum."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="batches")
    profile = models.ForeignKey(
        "exchange.ClearinghouseProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        help_text="the clearinghouse the batch is filed through (ADR 0707); none: the setting's",
    )
    sender_id = models.CharField(max_length=80)
    receiver_id = models.CharField(max_length=80)
    control_number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=120)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)
    receipt = models.CharField(max_length=300, blank=True)
    claims = models.ManyToManyField(Claim, through="BatchClaim", related_name="batches")

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "batches"
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "sender_id", "control_number"],
                name="batch_control_number_unique",
            ),
        )

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None


class BatchClaim(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="entries")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="batch_entries")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ("batch_id", "position")
        constraints = (
            models.UniqueConstraint(fields=["batch", "claim"], name="batch_claim_unique"),
        )

    def __str__(self) -> str:
        return f"batch {self.batch_id} claim {self.claim_id}"


class ClaimRejection(models.Model):
    """Why a 999 or a 277CA rejected the claim, in plain words (ADR 0702).

    `code` is what the file said (IK5 and IK3/IK4 codes, or the STC category:status:entity);
    `explanation` the words from `cleannote.edi.acknowledgment_codes`; `rule` the part of the
    record the fix is in (`ack.patient`, `ack.payer`, `ack.provider`, `ack.diagnosis`,
    `ack.visit`, or `ack.file`), which `patients.fix_links` maps to the chart screen.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="rejections")
    kind = models.CharField(max_length=5)  # "999" or "277CA"
    file_name = models.CharField(max_length=255)
    received_at = models.DateTimeField()
    code = models.CharField(max_length=60)
    explanation = models.TextField()
    rule = models.CharField(max_length=20)

    class Meta:
        ordering = ("claim_id", "-received_at", "id")

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"


class ChargeRefusal(models.Model):
    """Why the last "Create claims" on a signed note made no claim (ADR 0710).

    One row per note, rewritten on each attempt and deleted when the note's claim is created,
    so the refused list is the notes still waiting for a fix. `findings` holds the scrubber's
    findings as `{"rule", "severity", "message", "fix", "source"}` objects (codes and words,
    never PHI); `problem` the refusal in one line. `coverage` is the payer the attempt billed,
    for the fix links that open a coverage.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="charge_refusals"
    )
    note = models.OneToOneField(Note, on_delete=models.CASCADE, related_name="charge_refusal")
    coverage = models.ForeignKey(
        Coverage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    problem = models.CharField(max_length=300)
    findings = models.JSONField(default=list)
    attempted_at = models.DateTimeField()

    class Meta:
        ordering = ("attempted_at", "id")

    def __str__(self) -> str:
        return f"note {self.note_id}: {self.problem}"

    @property
    def errors(self) -> list[dict[str, str]]:
        return [f for f in self.findings if f.get("severity") == "error"]


# --- Medicare therapy charges counted ahead (ADR 0861) ------------------------------------------
# Written only by `claims.therapy_ytd.count_medicare_therapy` (the nightly report summaries
# task); read by `therapy_ytd.medicare_therapy_ytd`, which adds what changed since.


class MedicareTherapyCount(models.Model):
    """An organisation's count of the year's Medicare therapy charges: every claim with an id
    up to `through_claim` is in its `charges` rows, voided or not."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    through_claim = models.BigIntegerField()
    counted_at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "year"], name="medicare_therapy_count_once_a_year"
            ),
        )

    def __str__(self) -> str:
        return f"{self.year} through claim {self.through_claim}"


class MedicareTherapyCharges(models.Model):
    """One case's original Medicare claims of the count's year, voided ones included (the
    reader takes those back), as counted: their charges and how many."""

    count = models.ForeignKey(MedicareTherapyCount, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", db_index=False)
    charges = models.DecimalField(max_digits=12, decimal_places=2)
    claims = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.charges}"


from cleannote.apps.claims.denied_models import DeniedReason  # noqa: E402,F401  (ADR 0871)
