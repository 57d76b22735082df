"""The secret in a one-time sign-in link, and what is kept of it (ADR 0950).

The secret is 32 random bytes, URL-safe; the database keeps only its SHA-256, so a copy of
the table (a backup, a replica) signs nobody in. SHA-256 without salt is enough here: the
secret has 256 bits of entropy, so nothing can be guessed from the digest, unlike a password.
An address a patient types is compared in one form: an email lower-cased, a North American
number as its ten digits.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalised_contact(address: str) -> tuple[str, str] | None:
    """(channel, contact) for a typed email or phone number; None when it is neither."""
    address = address.strip()
    if "@" in address:
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or len(address) > 254:
            return None
        return "email", address.lower()
    digits = "".join(c for c in address if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return "sms", digits
