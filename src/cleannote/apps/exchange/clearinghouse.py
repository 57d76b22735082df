"""How a built batch leaves us: a clearinghouse adapter takes a file name and its bytes.

`OutboxFolderAdapter` writes into a folder (setting `CLEANNOTE_OUTBOX_DIR`, default var/outbox)
that a clearinghouse's own client, an rsync job or a person picks up. It writes to a hidden
temporary file in the same folder, fsyncs it and renames it into place, so a reader never sees
half a file, and writing the same batch twice leaves one file (the name is the batch's). The
files hold patient data: they are owner-only (0600), and a folder it creates is 0700.

`exchange.sftp.SftpAdapter` has the same shape (ADR 0113, 0700): it uploads to
`upload_dir/.name.part`, checks the size and renames it to the final name. `adapter_for(profile)`
picks the adapter a clearinghouse profile names; `adapter_from_settings()` is the outbox folder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils import timezone

from cleannote.apps.exchange.errors import ExchangeError
from cleannote.private_files import private_folder, write_private

if TYPE_CHECKING:
    from cleannote.apps.exchange.models import ClearinghouseProfile

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")


@dataclass(frozen=True, slots=True)
class FilingReceipt:
    """What the adapter can prove it did: where the file went and when."""

    reference: str
    at: dt.datetime


def safe_file_name(name: str, *, subject: str) -> str:
    """`name` when it is a plain file name (no folder, not hidden), else an ExchangeError."""
    if not _SAFE_NAME.fullmatch(name):
        raise ExchangeError(subject, f"file name {name!r} is not a plain file name")
    return name


class ClearinghouseAdapter(Protocol):
    def send(self, batch_file_name: str, content: bytes) -> FilingReceipt: ...


class OutboxFolderAdapter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, batch_file_name: str, content: bytes) -> FilingReceipt:
        if not _SAFE_NAME.fullmatch(batch_file_name):
            raise ValueError(f"batch file name {batch_file_name!r} is not a plain file name")
        target = private_folder(self.folder) / batch_file_name
        write_private(target, content)
        return FilingReceipt(reference=str(target), at=timezone.now())


def adapter_from_settings() -> ClearinghouseAdapter:
    folder = Path(getattr(settings, "CLEANNOTE_OUTBOX_DIR", settings.DATA_DIR / "outbox"))
    return OutboxFolderAdapter(folder)


def adapter_for(profile: ClearinghouseProfile | None) -> ClearinghouseAdapter:
    """The adapter a profile names: SFTP, or the outbox folder (also with no profile)."""
    if profile is not None and profile.transport == "sftp":
        from cleannote.apps.exchange.sftp import SftpAdapter  # paramiko only when used

        return SftpAdapter(profile)
    return adapter_from_settings()


def filing_adapter_for(profile: ClearinghouseProfile | None) -> ClearinghouseAdapter | None:
    """The adapter a request or task files through at once for this profile: the outbox
    folder, or None for an SFTP profile: the file waits for `cleannote_exchange_poll`, so no
    request waits on a clearinghouse's server (ADR 0700)."""
    if profile is not None and profile.transport == "sftp":
        return None
    return adapter_for(profile)


def filing_adapter(organisation_id: int) -> ClearinghouseAdapter | None:
    """`filing_adapter_for` the organisation's default profile (270 requests, and batches
    built before routes, ADR 0707)."""
    from cleannote.apps.exchange.models import ClearinghouseProfile

    profile = ClearinghouseProfile.objects.filter(
        organisation_id=organisation_id, is_default=True
    ).first()
    return filing_adapter_for(profile)
