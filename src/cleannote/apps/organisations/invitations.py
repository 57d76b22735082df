"""One-time invitation links: Django's password-reset token, salted for invitations (ADR 0220).

The token signs the login's id, its password hash, its last sign-in and the time it was made,
with the secret key. Setting a password changes the hash, so a link works once; issuing a new
link sets a fresh unusable password, so earlier links stop working; a link older than
`PASSWORD_RESET_TIMEOUT` (Django's default: three days) is refused. Nothing is stored.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "cleannote.apps.organisations.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_uid(user: AbstractBaseUser) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_from_uid(uid: str) -> int | None:
    """The login id a link's uid part names, or None when it is not one."""
    try:
        text = urlsafe_base64_decode(uid).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
