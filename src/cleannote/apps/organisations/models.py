"""Organisation (the billing entity), its locations, and staff profiles.

Every other record hangs off an organisation, which is the tenancy boundary: selectors filter by
it, and a distributed database could shard by it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cleannote.apps.organisations.validators import validate_npi, validate_state, validate_taxonomy
from cleannote.platform.clock import DEFAULT_HOUR_CYCLE, HourCycle
from cleannote.rules.visit import (
    ASSISTANT_CREDENTIALS,
    DISCIPLINE_OF_CREDENTIAL,
    Credential,
    Discipline,
)


class Organisation(models.Model):
    name = models.CharField(max_length=120)
    npi = models.CharField("group NPI", max_length=10, validators=[validate_npi])
    tax_id = models.CharField("tax id (EIN)", max_length=10)
    taxonomy = models.CharField(max_length=10, validators=[validate_taxonomy])
    address_line1 = models.CharField(max_length=55)
    address_line2 = models.CharField(max_length=55, blank=True)
    city = models.CharField(max_length=30)
    state = models.CharField(max_length=2, validators=[validate_state])
    zip = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)
    # Owners and billers must sign in with a second factor when this is on (ADR 0221).
    require_two_factor = models.BooleanField(
        "require two-factor sign-in for owners and billers", default=False
    )
    # How every time is shown and typed, on pages, in time inputs and on paper (ADR 0590).
    hour_cycle = models.CharField(
        "times shown as", max_length=2, choices=HourCycle.choices, default=DEFAULT_HOUR_CYCLE
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="locations"
    )
    name = models.CharField(max_length=80)
    address_line1 = models.CharField(max_length=55)
    address_line2 = models.CharField(max_length=55, blank=True)
    city = models.CharField(max_length=30)
    state = models.CharField(max_length=2, validators=[validate_state])
    zip = models.CharField(max_length=10)
    place_of_service = models.CharField(max_length=2, default="11")
    npi = models.CharField("facility NPI", max_length=10, blank=True, validators=[validate_npi])

    class Meta:
        ordering = ("name",)
        constraints = (
            models.UniqueConstraint(fields=["organisation", "name"], name="location_name_unique"),
        )

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    THERAPIST = "therapist", "Therapist"
    ASSISTANT = "assistant", "Assistant"
    FRONT_DESK = "front_desk", "Front desk"
    BILLER = "biller", "Biller"
    # Runs one or more locations: their schedule, supplies and reports, not the clinic's
    # billing or staff (ADR 0845). Which locations: `Staff.managed_locations`.
    MANAGER = "manager", "Location manager"


CREDENTIAL_CHOICES = [(c.value, c.value) for c in Credential]
DISCIPLINE_NAMES: dict[Discipline, str] = {
    Discipline.PT: "physical therapy",
    Discipline.OT: "occupational therapy",
    Discipline.SLP: "speech-language pathology",
    Discipline.CHIRO: "chiropractic",
    Discipline.MASSAGE: "massage therapy",
}


class Staff(models.Model):
    """A login's place in one organisation: its role, and for clinicians the billing identity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=12, choices=Role.choices)
    credential = models.CharField(max_length=5, choices=CREDENTIAL_CHOICES, blank=True)
    npi = models.CharField("individual NPI", max_length=10, blank=True, validators=[validate_npi])
    taxonomy = models.CharField(max_length=10, blank=True, validators=[validate_taxonomy])
    default_location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The locations a location manager runs (ADR 0845); empty for every other role.
    managed_locations = models.ManyToManyField(Location, blank=True, related_name="managers")
    # Set when the owner gives a temporary password: every page sends the user to choose their
    # own until they do (ADR 0220).
    must_change_password = models.BooleanField(default=False)
    # True while the login has a confirmed TOTP device; kept by the two-factor actions in the
    # same transaction as the device, so the sign-in gate reads it from the row it loads anyway.
    two_factor_enabled = models.BooleanField(default=False)

    class Meta:
        ordering = ("user__last_name", "user__first_name")
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.user.first_name} {self.user.last_name}".strip() or self.user.username
        return f"{name}, {self.credential}" if self.credential else name

    @property
    def full_name(self) -> str:
        return f"{self.user.first_name} {self.user.last_name}".strip() or self.user.username

    @property
    def discipline(self) -> Discipline | None:
        return DISCIPLINE_OF_CREDENTIAL[Credential(self.credential)] if self.credential else None

    @property
    def discipline_name(self) -> str:
        return DISCIPLINE_NAMES[self.discipline] if self.discipline is not None else ""

    @property
    def is_assistant(self) -> bool:
        return bool(self.credential) and Credential(self.credential) in ASSISTANT_CREDENTIALS


class Room(models.Model):
    """A treatment room (or a bay, a pool, a gym corner) at one location; the schedule books it
    so two visits never share it. `equipment` lists what it holds, comma-separated tags
    ("plinth, traction"), which an appointment type may ask for."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rooms")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=60)
    equipment = models.CharField(
        max_length=200, blank=True, help_text="comma-separated tags, e.g. plinth, traction"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("location__name", "name")
        constraints = (
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique"),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def equipment_tags(self) -> frozenset[str]:
        return equipment_tags(self.equipment)


def equipment_tags(text: str) -> frozenset[str]:
    """ "Plinth, traction table" -> {"plinth", "traction table"}: lower case, spaces collapsed."""
    return frozenset(" ".join(tag.split()).lower() for tag in text.split(",") if tag.strip())


class ApiToken(models.Model):
    """A key another system uses to call the JSON API and the FHIR facade for one organisation
    (ADR 0900). The secret is shown once, when the owner makes it; only its SHA-256 is kept, and
    the token is found by its public `key_id`. A revoked token stays, with when and by whom, so
    the audit rows that name it keep their meaning."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=80, help_text="what uses it, e.g. the patient app")
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    # Comma-separated `api_tokens.TokenScope` values: read, write, billing.
    scopes = models.CharField(max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(scope for scope in self.scopes.split(",") if scope)
