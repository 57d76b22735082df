"""The only writers of portal passkeys (ADR 0952): a signed-in patient adds one (the
registration ceremony's answer, checked by py_webauthn) or removes one; anyone signs in with
one (the authentication ceremony's answer). Each is one transaction with its audit row, as the
account ("portal account 12"); a refused passkey sign-in on a known passkey is audited as a
failed sign-in of its account, as a wrong password is.

The answers come from the browser and are checked here, never trusted: the challenge is the
one the portal session held, the origin and relying party id are this site's, the holder was
verified on the device, the passkey belongs to the account whose user handle the answer
carries, and its signature counter (where the device keeps one) went up.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.portal.actions import ACCOUNT, finish_sign_in, portal_actor
from cleannote.apps.portal.errors import PortalRefused
from cleannote.apps.portal.models import PortalAccount, PortalPasskey
from cleannote.apps.portal.passkeys import RelyingParty

PASSKEY = "portal_passkey"
NAME_LENGTH = PortalPasskey._meta.get_field("name").max_length or 60
# What the browser's answer may fail with besides the library's own errors: bad base64url,
# a field of the wrong type, a truncated structure.
_UNREADABLE = (WebAuthnException, ValueError, TypeError, KeyError, IndexError)


class PasskeyProblem:
    NAME = f"Give the passkey a name (at most {NAME_LENGTH} characters), e.g. My phone."
    NOT_ADDED = (
        "Your device's passkey could not be checked, so it was not added. Try again; if it "
        "keeps failing, your browser or device may not support passkeys."
    )
    ALREADY = "This passkey is already added."
    STALE = "The passkey request ran out of time or was already used. Try again."
    UNKNOWN = (
        "This passkey is not known to this portal (it may have been removed). Sign in with a "
        "link, then add it again."
    )
    REFUSED = "The passkey could not be checked, so you are not signed in. Try again."
    NOT_YOURS = "No such passkey on your account."


def new_user_handle() -> str:
    """A WebAuthn user handle: 32 random bytes, base64url, never derived from an address."""
    return bytes_to_base64url(secrets.token_bytes(32))


def do_add_passkey(
    actor: Actor,
    account: PortalAccount,
    *,
    name: str,
    credential: dict[str, Any],
    challenge: bytes,
    user_handle: str,
    rp: RelyingParty,
) -> PortalPasskey:
    """Keep the passkey the patient's device just made (its answer to the registration
    options whose challenge and user handle the session held), under the name they gave."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise PortalRefused("name", PasskeyProblem.NAME)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except _UNREADABLE:
        raise PortalRefused("passkey", PasskeyProblem.NOT_ADDED) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        holder = PortalAccount.objects.select_for_update().get(pk=account.pk)
        if holder.passkey_user_handle and holder.passkey_user_handle != user_handle:
            raise PortalRefused("passkey", PasskeyProblem.STALE)
        if PortalPasskey.objects.filter(credential_id=credential_id).exists():
            raise PortalRefused("passkey", PasskeyProblem.ALREADY)
        if not holder.passkey_user_handle:
            holder.passkey_user_handle = user_handle
            holder.save(update_fields=["passkey_user_handle"])
            account.passkey_user_handle = user_handle
        passkey = PortalPasskey.objects.create(
            account=holder,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[t.value for t in parsed.response.transports or []],
            name=name,
            created_at=timezone.now(),
        )
        do_record_audit_event(
            actor, AuditAction.CREATE, PASSKEY, passkey.pk, reason="added a passkey"
        )
    return passkey


@transaction.atomic
def do_remove_passkey(actor: Actor, account: PortalAccount, passkey_id: int) -> None:
    """Remove one of the account's own passkeys: it signs nobody in from now on."""
    removed, _ = PortalPasskey.objects.filter(pk=passkey_id, account=account).delete()
    if not removed:
        raise PortalRefused("passkey", PasskeyProblem.NOT_YOURS)
    do_record_audit_event(
        actor, AuditAction.DELETE, PASSKEY, passkey_id, reason="removed a passkey"
    )


def _failed(passkey: PortalPasskey, ip_address: str | None, why: str) -> PortalRefused:
    do_record_audit_event(
        portal_actor(passkey.account, ip_address),
        AuditAction.SIGN_IN_FAILED,
        ACCOUNT,
        passkey.account_id,
        reason=f"passkey {passkey.pk}: {why}",
    )
    return PortalRefused("passkey", PasskeyProblem.REFUSED)


def do_sign_in_by_passkey(
    credential: dict[str, Any], challenge: bytes, rp: RelyingParty, ip_address: str | None
) -> PortalAccount:
    """The account whose passkey answered the sign-in challenge; refused (and, for a known
    passkey, audited as a failed sign-in) when the answer does not check out."""
    try:
        parsed = parse_authentication_credential_json(credential)
    except _UNREADABLE:
        raise PortalRefused("passkey", PasskeyProblem.REFUSED) from None
    passkey = (
        PortalPasskey.objects.filter(credential_id=parsed.id)
        .select_related("account__organisation")
        .first()
    )
    if passkey is None:
        raise PortalRefused("passkey", PasskeyProblem.UNKNOWN)
    handle = parsed.response.user_handle
    if not handle or bytes_to_base64url(handle) != passkey.account.passkey_user_handle:
        raise _failed(passkey, ip_address, "the answer names another account")
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except _UNREADABLE as error:
        # The library's reason names no person: a wrong challenge, origin, signature or counter.
        raise _failed(passkey, ip_address, str(error)[:120]) from None
    with transaction.atomic():
        # The counter moves only from the value just checked: two answers racing with the same
        # counter sign in one.
        moved = PortalPasskey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
            sign_count=verified.new_sign_count, last_used_at=timezone.now()
        )
        if not moved:
            raise PortalRefused("passkey", PasskeyProblem.REFUSED)
        return finish_sign_in(passkey.account, ip_address, "by a passkey")
