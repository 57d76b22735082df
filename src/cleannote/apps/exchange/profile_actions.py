"""Writing clearinghouse profiles (owner only), and the default profile the setting seeds.

`CLEANNOTE_EDI` was the one trading partner of a deployment; an organisation without profiles
gets a default one named "default" (outbox transport, identity fields blank so they keep
following the setting) the first time its profiles are listed or polled (ADR 0700).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exchange.errors import ExchangeError, require_capability
from cleannote.apps.exchange.models import ClearinghouseProfile, Transport
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.roles import Capability

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
PROFILE_FIELDS = (
    "name",
    "is_default",
    "active",
    "transport",
    "host",
    "port",
    "username",
    "key_path",
    "password_env",
    "host_key_fingerprint",
    "upload_dir",
    "download_dir",
    "archive_dir",
    "upload_name_pattern",
    "take_999",
    "take_277ca",
    "take_271",
    "take_835",
    "after_download",
    "settle_seconds",
    "sender_id",
    "receiver_id",
    "receiver_name",
)


def ensure_default_profile(organisation: Organisation) -> ClearinghouseProfile:
    """The organisation's default profile, seeded from the setting when it has none."""
    existing = ClearinghouseProfile.objects.filter(
        organisation=organisation, is_default=True
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        profile, _ = ClearinghouseProfile.objects.get_or_create(
            organisation=organisation,
            name="default",
            defaults={"is_default": True, "transport": Transport.OUTBOX},
        )
    return profile


def check_profile(values: dict[str, Any]) -> None:
    """What an SFTP profile cannot work without; an ExchangeError naming the field."""
    if values.get("transport") != Transport.SFTP:
        return
    name = values.get("name") or "profile"
    for required in ("host", "username", "host_key_fingerprint"):
        if not values.get(required):
            raise ExchangeError(
                name, f"{required.replace('_', ' ')} is required for SFTP", field=required
            )
    if not values.get("key_path") and not values.get("password_env"):
        raise ExchangeError(
            name, "SFTP needs a key file path or a password variable name", field="key_path"
        )
    if values.get("password_env") and not _ENV_NAME.fullmatch(values["password_env"]):
        raise ExchangeError(
            name,
            "password variable must be the name of an environment variable, not a password",
            field="password_env",
        )
    if not str(values["host_key_fingerprint"]).startswith("SHA256:"):
        raise ExchangeError(
            name,
            "host key fingerprint must be SHA256:… as ssh-keygen prints",
            field="host_key_fingerprint",
        )


@transaction.atomic
def do_save_profile(
    actor: Actor, profile: ClearinghouseProfile | None, values: dict[str, Any]
) -> ClearinghouseProfile:
    """Create or update a profile of the actor's organisation; one default at a time."""
    subject = f"clearinghouse profile {values.get('name') or (profile.name if profile else '')}"
    require_capability(
        actor, subject, Capability.MANAGE_CLEARINGHOUSE,
        "only the owner manages clearinghouse profiles",
    )  # fmt: skip
    if profile is not None and profile.organisation_id != actor.organisation.pk:
        raise ExchangeError(subject, "belongs to another organisation")
    check_profile(values)
    target = profile or ClearinghouseProfile(organisation=actor.organisation)
    for name in PROFILE_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    if target.is_default:
        ClearinghouseProfile.objects.filter(
            organisation=actor.organisation, is_default=True
        ).exclude(pk=target.pk).update(is_default=False)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ExchangeError(subject, "another profile has this name") from None
    action = AuditAction.CREATE if profile is None else AuditAction.UPDATE
    do_record_audit_event(actor, action, "clearinghouse_profile", target.pk)
    return target
