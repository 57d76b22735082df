"""A patient's record outside the notes: coverage, cases, referrals, plans of care and goals.

Choice values are the rules core's enums (`cleannote.rules.visit`), so building a core `Visit`
from these rows is a lookup, never a translation table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.validators import validate_npi, validate_state
from cleannote.apps.patients.diagnoses import (
    validate_code_shape,
    validate_code_shapes,
    validate_diagnosis_list,
)
from cleannote.platform.model_constraints import dates_in_order
from cleannote.rules.catalog import RtmFamily, find_procedure
from cleannote.rules.scrub.checks_chart import RECERTIFY_EVERY_DAYS
from cleannote.rules.visit import (
    AccidentKind,
    CertificationKind,
    Discipline,
    GoalKind,
    MedicareSecondaryType,
    PayerKind,
    ReferralQualifier,
    Relationship,
    Sex,
)

# Labels people read in forms and on the chart, where the enum name would not do.
_LABELS = {
    "PT": "PT",
    "OT": "OT",
    "SLP": "SLP",
    "CHIRO": "Chiropractic",
    "MASSAGE": "Medical massage",
    "auto_pip": "Auto PIP",
    "auto_medpay": "Auto MedPay",
    "DN": "Referring (DN)",
    "DK": "Ordering (DK)",
    "DQ": "Supervising (DQ)",
    "signed": "Signed and dated by the physician/NPP",
    "signed_order": "Signed order on file, plan sent within 30 days",
    "delayed": "Delayed certification (with the reason)",
    # Medicare secondary payer types (837P SBR05): why another payer is primary to Medicare.
    "12": "12 Working aged: employer group health plan",
    "13": "13 End-stage renal disease: employer group health plan",
    "14": "14 No-fault insurance (auto)",
    "15": "15 Workers' compensation",
    "16": "16 Public Health Service or other federal agency",
    "41": "41 Black lung",
    "42": "42 Veterans Affairs",
    "43": "43 Disability: large group health plan",
    "47": "47 Liability insurance",
    "msk": "Musculoskeletal",
    "cbt": "Cognitive behavioural therapy",
}


_RECERTIFY = dt.timedelta(days=RECERTIFY_EVERY_DAYS - 1)  # the plan's day 1 to day 90


def _choices(enum: type) -> list[tuple[str, str]]:
    return [
        (m.value, _LABELS.get(m.value, m.name.replace("_", " ").capitalize()))
        for m in enum  # type: ignore[attr-defined]
    ]


class Patient(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="patients"
    )
    chart_number = models.CharField(max_length=20)
    first_name = models.CharField(max_length=35)
    last_name = models.CharField(max_length=60)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=_choices(Sex))
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(max_length=55, blank=True)
    address_line2 = models.CharField(max_length=55, blank=True)
    city = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=2, blank=True, validators=[validate_state])
    zip = models.CharField(max_length=10, blank=True)
    preferred_name = models.CharField(max_length=35, blank=True)
    pronouns = models.CharField(max_length=30, blank=True)
    emergency_contact_name = models.CharField(max_length=80, blank=True)
    emergency_contact_relationship = models.CharField(max_length=40, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True)
    # Communication consent: what the patient agreed to be contacted by, and the day they did.
    sms_consent = models.BooleanField("consents to text messages", default=False)
    sms_consent_on = models.DateField("text consent given on", null=True, blank=True)
    email_consent = models.BooleanField("consents to email", default=False)
    email_consent_on = models.DateField("email consent given on", null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("last_name", "first_name", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "chart_number"], name="patient_chart_number_unique"
            ),
        )
        indexes = (models.Index(fields=["organisation", "last_name", "first_name"]),)

    def __str__(self) -> str:
        # Never used in logs or errors: those carry `pk` only.
        return f"{self.last_name}, {self.first_name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for channel, contact in (("sms", "phone"), ("email", "email")):
            given, on = getattr(self, f"{channel}_consent"), getattr(self, f"{channel}_consent_on")
            if given and on is None:
                errors[f"{channel}_consent_on"] = "required when the patient gave consent"
            elif on is not None and not given:
                errors[f"{channel}_consent_on"] = "only when the patient gave consent"
            if given and not getattr(self, contact):
                errors[f"{channel}_consent"] = f"needs the patient's {contact} on file"
        if errors:
            raise ValidationError(errors)


# Field lists the chart's forms and its actions both name, kept here once (issue 10).
PATIENT_ADDRESS_FIELDS = (
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
)
PATIENT_CONTACT_FIELDS = (
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "sms_consent",
    "sms_consent_on",
    "email_consent",
    "email_consent_on",
)
COVERAGE_POLICY_FIELDS = (
    "member_id",
    "group_number",
    "subscriber_relationship",
    "subscriber_first_name",
    "subscriber_last_name",
    "subscriber_birth_date",
    "subscriber_sex",
    "active_from",
    "active_through",
    "medicare_secondary_type",
)
REFERRER_FIELDS = ("provider_first_name", "provider_last_name", "provider_npi", "qualifier")
CASE_CONTACT_FIELDS = (
    "case_manager_name",
    "case_manager_phone",
    "case_manager_email",
    "attorney_name",
    "attorney_phone",
    "attorney_email",
)


class CoveragePriority(models.TextChoices):
    """Coordination-of-benefits order: who pays first, second and third."""

    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    TERTIARY = "tertiary", "Tertiary"


# Position of each priority in the coordination-of-benefits order (0 pays first).
COB_RANK = {p.value: rank for rank, p in enumerate(CoveragePriority)}
_MONEY = (MinValueValidator(Decimal("0")),)


class Coverage(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="coverages")
    priority = models.CharField(max_length=9, choices=CoveragePriority.choices)
    payer_name = models.CharField(max_length=60)
    payer_id = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=_choices(PayerKind))
    # The payer directory's record (ADR 0330): its rules (the kind's defaults with the clinic's
    # overrides) govern this coverage's scrub. payer_name, payer_id and kind above are its copy,
    # kept equal by payers.actions (claims read them); empty only on rows from before it.
    payer_record = models.ForeignKey(
        "payers.Payer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverages",
        verbose_name="payer",
    )
    member_id = models.CharField(max_length=80)
    group_number = models.CharField(max_length=50, blank=True)
    subscriber_relationship = models.CharField(
        max_length=6, choices=_choices(Relationship), default=Relationship.SELF.value
    )
    subscriber_first_name = models.CharField(max_length=35, blank=True)
    subscriber_last_name = models.CharField(max_length=60, blank=True)
    subscriber_birth_date = models.DateField(null=True, blank=True)
    subscriber_sex = models.CharField(max_length=1, choices=_choices(Sex), blank=True)
    active_from = models.DateField()
    active_through = models.DateField(null=True, blank=True)
    # Only on a Medicare coverage that is not primary: why the other payer pays first (SBR05).
    medicare_secondary_type = models.CharField(
        "Medicare secondary payer type",
        max_length=2,
        choices=_choices(MedicareSecondaryType),
        blank=True,
        help_text="Only when Medicare pays second: why the other payer is primary.",
    )
    # The patient's share as the front desk knows it (from the card or the eligibility answer).
    copay = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=_MONEY
    )
    coinsurance_percent = models.DecimalField(
        "coinsurance (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=(MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))),
    )
    deductible = models.DecimalField(
        "deductible (yearly)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_MONEY,
    )

    class Meta:
        ordering = ("patient_id", "priority", "-active_from")
        constraints = (
            dates_in_order("active_from", "active_through", name="coverage_dates_in_order"),
        )

    def __str__(self) -> str:
        return f"{self.payer_name} ({self.get_priority_display()})"

    def clean(self) -> None:
        if self.active_through and self.active_from and self.active_through < self.active_from:
            raise ValidationError({"active_through": "must not be before the start date"})
        if self.subscriber_relationship != Relationship.SELF.value:
            missing = {
                name: "required when the patient is not the subscriber"
                for name in ("subscriber_first_name", "subscriber_last_name")
                if not getattr(self, name)
            }
            if self.subscriber_birth_date is None:
                missing["subscriber_birth_date"] = "required when the patient is not the subscriber"
            if missing:
                raise ValidationError(missing)
        medicare = self.kind == PayerKind.MEDICARE.value
        if (
            medicare
            and self.priority != CoveragePriority.PRIMARY
            and not self.medicare_secondary_type
        ):
            raise ValidationError(
                {"medicare_secondary_type": "required when Medicare is not the primary payer"}
            )
        if self.medicare_secondary_type and not (
            medicare and self.priority != CoveragePriority.PRIMARY
        ):
            raise ValidationError(
                {"medicare_secondary_type": "only for Medicare when it is not the primary payer"}
            )

    def is_active_on(self, day: object) -> bool:
        return self.active_from <= day and (  # type: ignore[operator]
            self.active_through is None or day <= self.active_through  # type: ignore[operator]
        )


class ReportSchedule(models.TextChoices):
    NONE = "", "None"
    EVERY_30_DAYS = "30d", "Every 30 days"
    EVERY_VISIT_10 = "10v", "Every 10 visits"
    MONTHLY = "monthly", "Monthly"
    ON_REQUEST = "request", "On request"


class CaseClosure(models.TextChoices):
    CLOSED = "closed", "Closed"
    DISCHARGED = "discharged", "Discharged"


# The usual reasons a case ends, offered as suggestions (the reason stays free text).
DISCHARGE_REASONS = (
    "Goals met",
    "Plateau: no further progress expected",
    "Patient chose to stop",
    "Did not return",
    "Benefits exhausted",
    "Referred to another provider",
    "Opened in error",
)


class Case(models.Model):
    """One episode of care for one problem, in one discipline, billed to one coverage."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    discipline = models.CharField(max_length=8, choices=_choices(Discipline))
    title = models.CharField(max_length=80)
    onset_date = models.DateField(null=True, blank=True)
    injury_description = models.TextField(blank=True)
    coverage = models.ForeignKey(
        Coverage, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure = models.CharField(max_length=10, choices=CaseClosure.choices, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    # Accident details (box 10 / CLM11 related causes and DTP*439).
    accident_kind = models.CharField(max_length=10, choices=_choices(AccidentKind), blank=True)
    accident_date = models.DateField(null=True, blank=True)
    accident_state = models.CharField(max_length=2, blank=True, validators=[validate_state])
    insurer_claim_number = models.CharField(max_length=50, blank=True)
    # Workers' compensation: the employer at the time of the injury.
    employer_name = models.CharField(max_length=60, blank=True)
    # First day of this course of treatment (837P DTP*454, CMS-1500 box 15 qualifier 454);
    # Medicare requires it on spinal manipulation.
    initial_treatment_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date this course of treatment began; Medicare requires it on "
        "chiropractic manipulation claims.",
    )
    case_manager_name = models.CharField(max_length=80, blank=True)
    case_manager_phone = models.CharField(max_length=20, blank=True)
    case_manager_email = models.EmailField(blank=True)
    attorney_name = models.CharField(max_length=80, blank=True)
    attorney_phone = models.CharField(max_length=20, blank=True)
    attorney_email = models.EmailField(blank=True)
    adjuster_name = models.CharField(max_length=80, blank=True)
    adjuster_phone = models.CharField(max_length=20, blank=True)
    adjuster_email = models.EmailField(blank=True)
    lien_on_file = models.BooleanField("lien agreement on file", default=False)
    # An auto carrier's personal-injury protection or MedPay limit for this case: what the
    # forward view counts billed and booked visits against (ADR 0620).
    pip_medpay_limit = models.DecimalField(
        "PIP/MedPay limit",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_MONEY,
        help_text="The auto carrier's PIP or MedPay limit for this injury, if it has one.",
    )
    # When the PIP/MedPay benefits ran out: the date of the carrier's exhaustion letter, or of
    # the posted payment that reached the limit. From then on the carrier no longer bills this
    # case: `coverage_order.claim_order` passes to the next payer (ADR 0770).
    pip_exhausted_on = models.DateField("PIP/MedPay exhausted on", null=True, blank=True)
    pip_exhaustion_note = models.CharField(
        "how the exhaustion is known", max_length=200, blank=True
    )
    report_schedule = models.CharField(max_length=8, choices=ReportSchedule.choices, blank=True)

    class Meta:
        ordering = ("patient_id", "-opened_on", "-id")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def is_auto_accident(self) -> bool:
        return self.accident_kind == AccidentKind.AUTO.value

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = "must not be before the date the case opened"
        if self.closure and self.closed_on is None:
            errors["closed_on"] = "required when the case is closed or discharged"
        if self.closed_on and self.closure and not self.closure_reason.strip():
            errors["closure_reason"] = "required when the case is closed or discharged"
        if self.accident_kind == AccidentKind.AUTO.value:
            if self.accident_date is None:
                errors["accident_date"] = "required for an auto accident"
            if not self.accident_state:
                errors["accident_state"] = "required for an auto accident (claim box 10b)"
        if self.accident_date and self.opened_on and self.accident_date > self.opened_on:
            errors["accident_date"] = "must not be after the date the case opened"
        if (
            self.initial_treatment_date
            and self.closed_on
            and self.initial_treatment_date > self.closed_on
        ):
            errors["initial_treatment_date"] = "must not be after the date the case closed"
        if errors:
            raise ValidationError(errors)


class CaseAttachment(models.Model):
    """A document kept on a case and sent to payers apart from its claims: today the PIP/MedPay
    carrier's exhaustion letter, which the next payer's claims announce in 2300 PWK (report
    type EB) and box 19 under `control_number` (ADR 0762). The file is kept in the database, so
    every web process and worker reads it alike."""

    KIND_EXHAUSTION_LETTER = "exhaustion_letter"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(
        max_length=20, choices=((KIND_EXHAUSTION_LETTER, "PIP/MedPay exhaustion letter"),)
    )
    letter_date = models.DateField()
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    transmission = models.CharField(
        max_length=2,
        choices=(("FX", "By fax"), ("BM", "By mail"), ("EM", "By e-mail")),
        default="FX",
        help_text="how the payer receives the letter (837P PWK02)",
    )
    control_number = models.CharField(max_length=50, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ("case_id", "-letter_date", "-id")

    def __str__(self) -> str:
        return self.control_number


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    provider_first_name = models.CharField(max_length=35)
    provider_last_name = models.CharField(max_length=60)
    provider_npi = models.CharField("provider NPI", max_length=10, validators=[validate_npi])
    qualifier = models.CharField(
        max_length=2, choices=_choices(ReferralQualifier), default=ReferralQualifier.REFERRING.value
    )
    referral_date = models.DateField("valid from (order date)")
    # The codes as the referrer wrote them (a copy of a document: shape checked only); the
    # case's diagnoses, which claims use, are checked in full (ADR 0521).
    diagnoses = models.JSONField(default=list, blank=True, validators=[validate_code_shapes])
    authorized_visits = models.PositiveSmallIntegerField(
        "visits authorized (all codes)", null=True, blank=True
    )
    expires_on = models.DateField("valid through", null=True, blank=True)
    authorization_number = models.CharField(max_length=50, blank=True)
    received_on = models.DateField("documents received on", null=True, blank=True)
    # The referral this one renews (it follows a used-up or expired one).
    renews = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal"
    )

    class Meta:
        ordering = ("case_id", "-referral_date", "-id")

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.qualifier})"

    def clean(self) -> None:
        if self.expires_on and self.referral_date and self.expires_on < self.referral_date:
            raise ValidationError({"expires_on": "must not be before the referral date"})


def validate_code_group(codes: object) -> None:
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ValidationError("must be a list of procedure codes")
    unknown = [c for c in codes if find_procedure(c) is None]
    if unknown:
        raise ValidationError(f"not in the procedure catalog: {', '.join(unknown[:5])}")


class AuthorizedCodeGroup(models.Model):
    """What a referral or authorization allows for one group of codes (none: every code)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="code_groups")
    label = models.CharField(max_length=60, blank=True)
    codes = models.JSONField(default=list, blank=True, validators=[validate_code_group])
    visits = models.PositiveSmallIntegerField(null=True, blank=True)
    units = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("referral_id", "id")

    def __str__(self) -> str:
        return self.label or ", ".join(self.codes) or "all codes"

    def clean(self) -> None:
        if self.visits is None and self.units is None:
            raise ValidationError({"visits": "give the visits or the units authorized"})
        if self.visits == 0 or self.units == 0:
            raise ValidationError({"visits": "an authorization allows at least one"})


class CaseDiagnosis(models.Model):
    """A diagnosis of the case, in claim order (position 1 is the primary), with its onset."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="diagnoses")
    position = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(max_length=8, validators=[validate_code_shape])
    onset_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("case_id", "position", "id")
        constraints = (
            models.UniqueConstraint(fields=["case", "code"], name="case_diagnosis_unique"),
        )

    def __str__(self) -> str:
        return f"Diagnosis {self.position}: {self.code}"


class PlanOfCare(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans_of_care")
    diagnoses = models.JSONField(default=list, validators=[validate_diagnosis_list])
    frequency_per_week = models.PositiveSmallIntegerField()
    duration_weeks = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    certified_through = models.DateField("plan through")
    interventions = models.TextField(blank=True)
    # The plan this one revises or recertifies (its goals were carried over).
    revises = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    certifier_name = models.CharField(max_length=95, blank=True)
    certifier_npi = models.CharField(max_length=10, blank=True, validators=[validate_npi])
    # How the plan was certified, and its evidence (the scrubber judges it: ADR 0520).
    certification_kind = models.CharField(
        max_length=12, choices=_choices(CertificationKind), blank=True
    )
    signature_received_on = models.DateField("physician/NPP signed on", null=True, blank=True)
    order_signed_on = models.DateField("signed order dated", null=True, blank=True)
    delay_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("case_id", "-start_date", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(certified_through__gte=models.F("start_date")),
                name="plan_of_care_dates_in_order",
            ),
        )

    def __str__(self) -> str:
        return f"Plan of care {self.pk}"

    @property
    def certification(self) -> str:
        """How the plan is certified; a signature date recorded without a kind (rows from
        before the kinds) is a signature."""
        if self.certification_kind:
            return self.certification_kind
        return CertificationKind.SIGNED.value if self.signature_received_on else ""

    @property
    def is_certified(self) -> bool:
        return bool(self.certification)

    @property
    def recertify_by(self) -> dt.date:
        """The last day this certification covers: the plan's end or day 90, whichever first."""
        return min(self.certified_through, self.start_date + _RECERTIFY)

    @property
    def frequency_text(self) -> str:
        return f"{self.frequency_per_week}x/week for {self.duration_weeks} weeks"

    def clean(self) -> None:
        if self.start_date and self.certified_through and self.certified_through < self.start_date:
            raise ValidationError({"certified_through": "must not be before the start date"})


class DeliveryMethod(models.TextChoices):
    FAX = "fax", "Fax"
    PORTAL = "portal", "Portal or direct message"
    EMAIL = "email", "Secure email"
    MAIL = "mail", "Mail"
    HAND = "hand", "By hand"


class PlanDelivery(models.Model):
    """A plan of care sent to the referrer: when, how and to whom (the signed-order evidence)."""

    plan = models.ForeignKey(PlanOfCare, on_delete=models.PROTECT, related_name="deliveries")
    sent_on = models.DateField()
    method = models.CharField(max_length=6, choices=DeliveryMethod.choices)
    recipient = models.CharField(max_length=120)
    reference = models.CharField("confirmation or fax number", max_length=80, blank=True)

    class Meta:
        ordering = ("plan_id", "sent_on", "id")

    def __str__(self) -> str:
        return f"Plan {self.plan_id} sent {self.sent_on}"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    MET = "met", "Met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"
    DISCONTINUED = "discontinued", "Discontinued"


class Goal(models.Model):
    plan = models.ForeignKey(PlanOfCare, on_delete=models.PROTECT, related_name="goals")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=_choices(GoalKind))
    measure = models.CharField(max_length=80, blank=True)
    baseline = models.CharField(max_length=80, blank=True)
    target = models.CharField(max_length=80, blank=True)
    current = models.CharField("latest value", max_length=80, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=13, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)

    class Meta:
        ordering = ("plan_id", "order", "id")

    def __str__(self) -> str:
        return self.text[:60]  # a goal is read by what it says, never by its number


class KeptMeasures(models.Manager["OutcomeMeasureResult"]):
    """The results that stand: a removed one is in `with_removed` and the audit trail only."""

    def get_queryset(self) -> models.QuerySet[OutcomeMeasureResult]:
        return super().get_queryset().filter(removed_at__isnull=True)


class OutcomeMeasureResult(models.Model):
    """One standardized outcome measure taken in a case: the instrument (a code from
    cleannote.rules.outcome_measures), the day it was measured and the score. `answers` holds
    the item answers of an instrument scored here from its items (LEFS, PSFS, Berg, DHI), and is
    empty for a timed test or a licensed form's total, whose text Cleannote never holds (ADR
    0540). Written only by patients.measure_actions, which scores through the core."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcome_measures")
    instrument = models.CharField(max_length=12)
    measured_on = models.DateField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    answers = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        "organisations.Staff", on_delete=models.PROTECT, related_name="outcome_measures"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # A result entered wrongly is removed softly (ADR 0592): the row stays for the audit trail,
    # and every read through `objects` (the chart, the trend, a progress report) skips it.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "organisations.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(max_length=200, blank=True)

    objects = KeptMeasures()
    with_removed = models.Manager()

    class Meta:
        ordering = ("case_id", "instrument", "measured_on", "id")
        indexes = (models.Index(fields=["case", "instrument", "measured_on"]),)
        base_manager_name = "with_removed"

    def __str__(self) -> str:
        return f"{self.instrument} {self.measured_on:%Y-%m-%d}"


# --- remote therapeutic monitoring (ADR 0570) ------------------------------------------------


class RtmContact(models.TextChoices):
    """How a management entry's minutes were spent: a live exchange with the patient counts as
    the month's interactive communication."""

    REVIEW = "review", "Data review and management (no live contact)"
    PHONE = "phone", "Live phone call with the patient"
    VIDEO = "video", "Live video visit with the patient"


class RtmDataSource(models.TextChoices):
    ENTERED = "entered", "Entered by staff"
    IMPORTED = "imported", "Imported from the app's CSV"


class RtmEnrolment(models.Model):
    """A patient monitored remotely under a case's plan of care: one RTM episode. Written only
    by patients.rtm_actions; what it makes billable is the core's `rules.rtm.rtm_billing`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rtm_enrolments")
    plan = models.ForeignKey(
        PlanOfCare, on_delete=models.PROTECT, related_name="rtm_enrolments",
        verbose_name="plan of care",
    )  # fmt: skip
    family = models.CharField(
        "monitoring", max_length=12, choices=_choices(RtmFamily), default=RtmFamily.MSK.value
    )
    device = models.CharField("device or app", max_length=120)
    app_reference = models.CharField(
        "the app's patient reference", max_length=60, blank=True,
        help_text="how the monitoring app names the patient in its export, if not RTM-<id>",
    )  # fmt: skip
    start_date = models.DateField("set-up and education on")
    end_date = models.DateField(null=True, blank=True)
    supervising = models.ForeignKey(
        "organisations.Staff", on_delete=models.PROTECT, related_name="rtm_enrolments",
        verbose_name="supervising clinician",
    )  # fmt: skip
    education = models.TextField("set-up and education given", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("case_id", "-start_date", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="rtm_enrolment_end_after_start",
            ),
        )

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """What the clinic and the monitoring app's export call the enrolment."""
        return f"RTM-{self.pk}"


class RtmDataDay(models.Model):
    """A day on which the device or app recorded data for the enrolment."""

    enrolment = models.ForeignKey(RtmEnrolment, on_delete=models.CASCADE, related_name="data_days")
    day = models.DateField()
    source = models.CharField(max_length=8, choices=RtmDataSource.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("enrolment_id", "day")
        constraints = (
            models.UniqueConstraint(fields=["enrolment", "day"], name="rtm_data_day_once"),
        )

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.day:%Y-%m-%d}"


class RtmTimeEntry(models.Model):
    """Minutes of treatment management on one day, by one clinician; `contact` says whether
    they were a live exchange with the patient."""

    enrolment = models.ForeignKey(RtmEnrolment, on_delete=models.CASCADE, related_name="time")
    day = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    contact = models.CharField(max_length=6, choices=RtmContact.choices)
    note = models.TextField("what was reviewed, decided or discussed")
    staff = models.ForeignKey(
        "organisations.Staff", on_delete=models.PROTECT, related_name="rtm_time"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("enrolment_id", "day", "id")

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.day:%Y-%m-%d} {self.minutes} min"

    @property
    def interactive(self) -> bool:
        return self.contact != RtmContact.REVIEW


# --- the medication list (ADR 0964) -------------------------------------------------------------


class MedicationSource(models.TextChoices):
    STAFF = "staff", "Entered by staff"
    INTAKE = "intake", "Accepted from an intake answer"


class Medication(models.Model):
    """One medication the patient takes or took, as the chart lists it: what it is, how much,
    how often, by which route, from when to when (no `stopped_on`: still taking). Written only
    by `patients.medication_actions`; a stop keeps the row, so the list is also its history.
    `source_answer_id` is the intake answer it was accepted from (the intake app's row, a plain
    id: this app sits below it)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=120)
    dose = models.CharField(max_length=60, blank=True)
    frequency = models.CharField("how often", max_length=80, blank=True)
    route = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=200, blank=True)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    source = models.CharField(
        max_length=6, choices=MedicationSource.choices, default=MedicationSource.STAFF
    )
    source_answer_id = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "organisations.Staff", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("patient_id", "name", "id")
        indexes = (models.Index(fields=["patient", "stopped_on"]),)
        constraints = (
            dates_in_order("started_on", "stopped_on", name="medication_stopped_after_started"),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.stopped_on is None
