"""How a built batch leaves us: a clearinghouse adapter takes a file name and its bytes.

`OutboxFolderAdapter` writes into a folder (setting `CLEANNOTE_OUTBOX_DIR`, default var/outbox)
that a clearinghouse's own client, an rsync job or a person picks up. It writes to a hidden
temporary file in the same folder, fsyncs it and renames it into place, so a reader never sees
half a file, and writing the same batch twice leaves one file (the name is the batch's). The
files hold patient data: they are owner-only (0600), and a folder it creates is 0700.

An SFTP adapter has the same shape (ADR 0113): `SftpAdapter(host, port, username, key_path,
remote_dir, known_hosts)` would upload to `remote_dir/.name.part` and rename to `name` once the
upload is complete (most clearinghouses poll for complete names), verify the remote size, and
return the remote path as the receipt. It is not written yet because no trading partner is set
up; it needs a network library (paramiko or asyncssh) that the core must never import.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from cleannote.private_files import private_folder, write_private

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")


@dataclass(frozen=True, slots=True)
class FilingReceipt:
    """What the adapter can prove it did: where the file went and when."""

    reference: str
    at: dt.datetime


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
