"""Passkeys for portal accounts: the WebAuthn ceremonies' options and their challenges
(ADR 0952), through py_webauthn (the `webauthn` package), which builds the options and checks
the answers; nothing here writes the database (passkey_actions.py does).

Every passkey is discoverable (a resident key) and asks the device to verify its holder
(a fingerprint, a face, the device's PIN): the sign-in page asks for any passkey of this site
without an address typed, so it never says whether an address has passkeys, and the one the
patient picks names its account.

A challenge is 32 random bytes kept in the portal session with what it is for and when it was
made: taken (removed) by the answer that uses it, whatever the outcome, and refused after
`CHALLENGE_LIFETIME`. The relying party is `CLEANNOTE_PORTAL_PASSKEY_ORIGIN` (its host name
is the RP id) or, where that is empty (the demo, the tests), the request's own scheme and host.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from webauthn import generate_authentication_options, generate_registration_options
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, options_to_json
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from cleannote.apps.portal.models import PortalAccount, PortalPasskey
from cleannote.apps.portal.session import ACCOUNT_KEY, PASSKEY_CHALLENGE_KEY, portal_session

CHALLENGE_KEY = PASSKEY_CHALLENGE_KEY
CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
# How long the browser waits for the patient (a hint to it), within the challenge's lifetime.
CEREMONY_MS = 180_000
ADD = "add"
SIGN_IN = "sign-in"


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """The site a passkey is bound to: its id (a host name) and the origin pages run at."""

    id: str
    origin: str


def relying_party(request: HttpRequest) -> RelyingParty:
    configured = settings.CLEANNOTE_PORTAL_PASSKEY_ORIGIN
    if configured:
        parts = urlsplit(configured)
        return RelyingParty(parts.hostname or "", f"{parts.scheme}://{parts.netloc}")
    host = request.get_host()  # checked against ALLOWED_HOSTS
    return RelyingParty(urlsplit(f"//{host}").hostname or host, f"{request.scheme}://{host}")


def keep_challenge(request: HttpRequest, purpose: str, challenge: bytes, **extra: str) -> None:
    """Hold the challenge of a ceremony just begun (replacing any earlier one). A session
    that signs nobody in lives no longer than the challenge; the nightly sweep then removes
    it (ADR 0922)."""
    session = portal_session(request)
    if ACCOUNT_KEY not in session:
        session.set_expiry(int(CHALLENGE_LIFETIME.total_seconds()))
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": timezone.now().isoformat(),
        **extra,
    }


def take_challenge(request: HttpRequest, purpose: str) -> dict[str, str] | None:
    """The held challenge for `purpose`, removed as it is read; None when there is none, it
    was for another ceremony, or it is older than `CHALLENGE_LIFETIME`."""
    session = portal_session(request)
    held = session.pop(CHALLENGE_KEY, None)
    if not isinstance(held, dict) or held.get("purpose") != purpose:
        return None
    made = dt.datetime.fromisoformat(str(held.get("at")))
    if timezone.now() - made > CHALLENGE_LIFETIME:
        return None
    return {str(k): str(v) for k, v in held.items()}


def _descriptors(passkeys: list[PortalPasskey]) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in known],
        )
        for p in passkeys
    ]


def registration_options(
    rp: RelyingParty, account: PortalAccount, user_handle: bytes, passkeys: list[PortalPasskey]
) -> tuple[dict[str, Any], bytes]:
    """(the options for navigator.credentials.create as JSON, their challenge): a
    discoverable passkey that verifies its holder, none the account already has."""
    challenge = secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=f"{account.organisation.name} patient portal",
        user_id=user_handle,
        user_name=account.contact,
        user_display_name=account.contact,
        challenge=challenge,
        timeout=CEREMONY_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(passkeys),
    )
    return json.loads(options_to_json(options)), challenge


def authentication_options(rp: RelyingParty) -> tuple[dict[str, Any], bytes]:
    """(the options for navigator.credentials.get as JSON, their challenge): any passkey of
    this site, its holder verified; no credential listed, so no address is needed."""
    challenge = secrets.token_bytes(32)
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=CEREMONY_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return json.loads(options_to_json(options)), challenge
