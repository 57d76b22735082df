"""The clearinghouse profile form: where files go and come from, never a secret (ADR 0700)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from cleannote.apps.exchange.errors import ExchangeError
from cleannote.apps.exchange.models import ClearinghouseProfile
from cleannote.apps.exchange.profile_actions import PROFILE_FIELDS, check_profile
from cleannote.apps.exchange.sftp import upload_name

GROUPS = (
    ("Clearinghouse", ("name", "is_default", "active", "transport")),
    (
        "SFTP connection",
        ("host", "port", "username", "key_path", "password_env", "host_key_fingerprint"),
    ),
    (
        "Folders and file names",
        (
            "upload_dir",
            "upload_name_pattern",
            "download_dir",
            "after_download",
            "archive_dir",
            "settle_seconds",
        ),
    ),
    ("Responses imported", ("take_999", "take_277ca", "take_271", "take_835")),
    (
        "Trading-partner identities (blank: the deployment's CLEANNOTE_EDI setting)",
        ("sender_id", "receiver_id", "receiver_name"),
    ),
)
LABELS = {
    "is_default": "Default: batches and 270 requests go through this profile",
    "active": "Polled by cleannote_exchange_poll",
    "key_path": "Private key file path",
    "password_env": "Password environment variable (its name)",
    "host_key_fingerprint": "Host key fingerprint (pinned)",
    "upload_dir": "Upload folder",
    "download_dir": "Download folder",
    "archive_dir": "Archive folder",
    "upload_name_pattern": "Upload file name",
    "settle_seconds": "Settle time (seconds)",
    "take_999": "999 acknowledgments",
    "take_277ca": "277CA claim acknowledgments",
    "take_271": "271 eligibility answers",
    "take_835": "835 remittances",
    "sender_id": "Sender id (ISA06, GS02, 1000A)",
    "receiver_id": "Receiver id (ISA08, GS03, 1000B)",
    "receiver_name": "Receiver name (1000B)",
}


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ClearinghouseProfile
        fields: ClassVar[list[str]] = list(PROFILE_FIELDS)
        labels: ClassVar[dict[str, str]] = LABELS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        transport = self.fields["transport"]
        assert isinstance(transport, forms.ChoiceField)
        transport.choices = [("outbox", "Outbox folder"), ("sftp", "SFTP")]
        for name in ("is_default", "active"):
            self.fields[name].help_text = ""  # the label says it

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in GROUPS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            check_profile(cleaned)
        except ExchangeError as exc:
            self.add_error(exc.field, exc.problem)
        pattern = cleaned.get("upload_name_pattern")
        if pattern:
            probe = ClearinghouseProfile(name=cleaned.get("name") or "profile")
            probe.upload_name_pattern = pattern
            try:
                upload_name(probe, "837P_1_CLEANNOTE_1.x12", dt.date(2026, 1, 2))
            except ExchangeError as exc:
                self.add_error("upload_name_pattern", exc.problem)
        return cleaned
