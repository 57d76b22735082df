"""Files that hold patient data are readable and writable by their owner only (mode 0600).

One helper for every such file Cleannote writes: the command line's CMS-1500 PDFs and 837P
files, the clearinghouse outbox, the SQLite database and its WAL and shared-memory files. The
mode is set on the file descriptor before any byte is written, whatever the process umask, so
no other account on the machine can read a claim even for a moment.

`write_private` writes atomically (a temporary file in the target's folder, fsynced, then
renamed over the target): a reader never sees half a file, and a failed write leaves the old
file as it was. Writing to something that is not a regular file (`-o /dev/stdout`, a pipe)
writes straight into it and leaves its mode alone.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

OWNER_ONLY = 0o600
OWNER_ONLY_FOLDER = 0o700
# SQLite's companions of a database file; SQLite creates them with the database file's mode.
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def write_private(target: Path | str, data: bytes) -> None:
    """Write `data` to `target` atomically with mode 0600."""
    target = Path(target)
    if target.exists() and not target.is_file():
        with target.open("wb") as stream:
            stream.write(data)
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), OWNER_ONLY)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) as owner-only when missing; leave an existing one be."""
    folder.mkdir(mode=OWNER_ONLY_FOLDER, parents=True, exist_ok=True)
    return folder


def make_private(path: Path) -> None:
    """Create `path` empty with mode 0600 when missing, else set its mode to 0600."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, OWNER_ONLY)
    try:
        if stat.S_IMODE(os.fstat(descriptor).st_mode) != OWNER_ONLY:
            os.fchmod(descriptor, OWNER_ONLY)
    finally:
        os.close(descriptor)


def sqlite_database_path(database: Mapping[str, object]) -> Path | None:
    """The file of a Django SQLite database setting; None for another engine or in memory."""
    name = database.get("NAME")
    if not str(database.get("ENGINE", "")).endswith("sqlite3") or not name:
        return None
    text = str(name)
    if text == ":memory:" or "mode=memory" in text or text.startswith("file:"):
        return None
    return Path(text)


def make_sqlite_private(database: Mapping[str, object]) -> Path | None:
    """Before the first connection: create the SQLite file owner-only (SQLite then gives its
    WAL and shared-memory files the same mode) and tighten files an older version left 0644."""
    path = sqlite_database_path(database)
    if path is None or not path.parent.is_dir():
        return None  # another engine, or a folder SQLite itself will report missing
    make_private(path)
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            make_private(companion)
    return path
