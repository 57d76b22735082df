"""Portal accounts: who signs in to the patient portal, whose records they may see, and the
one-time sign-in links sent to them (ADR 0950).

An account is an address (an email or a mobile number) the clinic invited from a chart, not a
staff login: it has no Django user, so no staff page lets it in. It reaches patients through
`PortalAccess` rows, one per chart, each with the holder's relationship to that patient: a
patient's own ("self"), or a parent's or guardian's for a dependant. A sign-in link is kept
only as the SHA-256 of its secret, works once, and only until it expires.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Patient


class PortalChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Relationship(models.TextChoices):
    SELF = "self", "Their own record"
    PARENT = "parent", "Parent"
    GUARDIAN = "guardian", "Legal guardian"
    CAREGIVER = "caregiver", "Caregiver with the patient's authorisation"


class PortalAccount(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="portal_accounts"
    )
    channel = models.CharField(max_length=5, choices=PortalChannel.choices)
    # The address as compared: an email lower-cased, a number as its ten digits.
    contact = models.CharField(max_length=254)
    # Django's password hash; empty until the holder chooses a password (sign-in by link only).
    password = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField()
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "channel", "contact"], name="portal_one_account_a_contact"
            ),
        )

    def __str__(self) -> str:
        return f"PortalAccount {self.pk}"


class PortalAccess(models.Model):
    """One patient an account may see, and how the holder stands to them."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="accesses")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="portal_accesses")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("account_id", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["account", "patient"],
                condition=Q(revoked_at__isnull=True),
                name="portal_one_live_access_a_patient",
            ),
        )

    def __str__(self) -> str:
        return f"PortalAccess {self.pk}"


class PortalSignInLink(models.Model):
    """A one-time sign-in link: the SHA-256 of its secret, never the secret itself."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="links")
    digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=5, choices=PortalChannel.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PortalSignInLink {self.pk}"
