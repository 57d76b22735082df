"""The clinic's payer directory: who it bills, under which ids, and its rules for each payer.

A payer's rules are its kind's bundled defaults (`cleannote.rules.payer_policy`) with the
clinic's overrides on top, stored as JSON and checked by the core's one validation function
(`cleannote.rules.payer_overrides.check_overrides`), so the form, the model and the scrub agree
on which settings exist and what they hold (ADR 0330). Coverages point here
(`patients.Coverage.payer_record`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.validators import validate_state
from cleannote.rules.payer_overrides import OverrideError, check_overrides, policy_with
from cleannote.rules.payer_policy import PayerPolicy
from cleannote.rules.visit import PayerKind

# The payer's identity: what the payer form edits as plain fields and `do_update_payer` accepts
# (with `policy_overrides`, which the form edits one typed field per setting).
IDENTITY_FIELDS = (
    "name",
    "claims_payer_id",
    "eligibility_payer_id",
    "kind",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
    "timely_filing_days",
    "network_status",
    "is_active",
)

KIND_LABELS = {
    "medicare": "Medicare",
    "medicare_advantage": "Medicare Advantage",
    "medicaid": "Medicaid",
    "commercial": "Commercial",
    "auto_pip": "Auto PIP",
    "auto_medpay": "Auto MedPay",
    "auto_liability": "Auto liability",
    "workers_comp": "Workers' compensation",
    "self_pay": "Self pay",
}
KIND_CHOICES = [(k.value, KIND_LABELS.get(k.value, k.value)) for k in PayerKind]


def validate_overrides(value: object) -> None:
    """A stored overrides value: an object whose every key is an overridable policy field and
    every value of that field's type. The message names each field that is wrong."""
    if not isinstance(value, dict):
        raise ValidationError("Policy overrides must be an object of setting: value.")
    try:
        check_overrides(value)
    except OverrideError as exc:
        raise ValidationError(
            [f"{name}: {problem}" for name, problem in exc.errors.items()]
        ) from None


class NetworkStatus(models.TextChoices):
    """Whether the clinic is contracted with the payer: which side of a 271's benefits (EB12 Y
    in network, N out of network) its eligibility answers show first (ADR 0655)."""

    IN_NETWORK = "in_network", "In network"
    OUT_OF_NETWORK = "out_of_network", "Out of network"
    UNKNOWN = "unknown", "Unknown"


def reads_in_network(status: str | None) -> bool:
    """The side of the network a 271's benefits are read for, from a payer's network status:
    out of network only when the clinic says so; unknown (or no directory payer) reads as in
    network, as most clinics bill payers they are contracted with (ADR 0655)."""
    return status != NetworkStatus.OUT_OF_NETWORK


class Payer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=60)
    claims_payer_id = models.CharField(
        "payer id for claims",
        max_length=80,
        help_text="The clearinghouse's payer id for 837P claims (2010BB NM109).",
    )
    eligibility_payer_id = models.CharField(
        "payer id for eligibility",
        max_length=80,
        blank=True,
        help_text="Only when 270 eligibility requests go to a different id.",
    )
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    address_line1 = models.CharField("address", max_length=55, blank=True)
    address_line2 = models.CharField("address line 2", max_length=55, blank=True)
    city = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=2, blank=True, validators=[validate_state])
    zip = models.CharField(max_length=10, blank=True)
    timely_filing_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days after the date of service within which this payer accepts a claim.",
    )
    policy_overrides = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_overrides],
        help_text="Settings that differ from the payer kind's defaults (ADR 0330).",
    )
    network_status = models.CharField(
        "network status",
        max_length=16,
        choices=NetworkStatus.choices,
        default=NetworkStatus.UNKNOWN,
        help_text="Whether the clinic is in this payer's network: eligibility answers show that "
        "side's copay, coinsurance and deductible first (unknown: in network first).",
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "claims_payer_id"], name="payer_claims_id_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.claims_payer_id})"

    def clean(self) -> None:
        if self.eligibility_payer_id == self.claims_payer_id:
            self.eligibility_payer_id = ""

    @property
    def core_overrides(self) -> tuple[tuple[str, object], ...]:
        """The overrides as the core `Payer.policy_overrides` carries them (checked)."""
        return check_overrides(self.policy_overrides or {})

    @property
    def policy(self) -> PayerPolicy:
        """What the scrub applies to this payer's claims: the kind's defaults plus overrides."""
        return policy_with(PayerKind(self.kind), self.core_overrides)

    @property
    def in_network(self) -> bool:
        """The side of the network a 271's benefits are read for (`reads_in_network`)."""
        return reads_in_network(self.network_status)

    @property
    def eligibility_id(self) -> str:
        return self.eligibility_payer_id or self.claims_payer_id
