"""Portal accounts: who signs in to the patient portal, whose records they may see, and the
one-time sign-in links sent to them (ADR 0950), and the passkeys they add (ADR 0952).

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
    # The WebAuthn user handle every passkey of this account carries (base64url of 32 random
    # bytes, never an address); empty until the first passkey (ADR 0952).
    passkey_user_handle = models.CharField(max_length=64, blank=True)
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


class PortalPasskey(models.Model):
    """A passkey (a WebAuthn credential) the account's holder added, to sign in without a link
    or a password (ADR 0952). The public key is what the authenticator gave at registration;
    the private key never leaves the holder's device."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="passkeys")
    # The credential's id as base64url (unpadded), as the browser names it at sign-in.
    credential_id = models.CharField(max_length=1366, unique=True)
    # The COSE public key from the attestation, as the library verifies with it.
    public_key = models.BinaryField()
    # The authenticator's signature counter (0 for most synced passkeys, which do not count).
    sign_count = models.PositiveBigIntegerField(default=0)
    # How the browser reached the authenticator ("internal", "hybrid", "usb"...), a hint for
    # the next ceremony.
    transports = models.JSONField(default=list)
    name = models.CharField(max_length=60)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("account_id", "id")

    def __str__(self) -> str:
        return f"PortalPasskey {self.pk}"
