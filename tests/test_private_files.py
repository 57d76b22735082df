"""Files with patient data are owner-only (0600), whatever the umask: one helper writes them all."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleannote.apps.exchange.clearinghouse import OutboxFolderAdapter
from cleannote.private_files import (
    make_sqlite_private,
    private_folder,
    sqlite_database_path,
    write_private,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _permissive_umask() -> Iterator[None]:
    """The usual 022 umask, under which a plain write would leave the file world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_file_is_owner_only(tmp_path):
    target = tmp_path / "claims.837"
    write_private(target, b"ISA*00")
    assert target.read_bytes() == b"ISA*00"
    assert _mode(target) == 0o600


def test_replacing_a_world_readable_file_leaves_it_owner_only(tmp_path):
    target = tmp_path / "form.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_private(target, b"new")
    assert target.read_bytes() == b"new"
    assert _mode(target) == 0o600


def test_a_failed_write_leaves_no_temporary_file_and_the_old_content(tmp_path, monkeypatch):
    target = tmp_path / "claims.837"
    target.write_bytes(b"old")

    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_private(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["claims.837"]


def test_the_outbox_writes_owner_only_files_in_an_owner_only_folder(tmp_path):
    folder = tmp_path / "var" / "outbox"
    receipt = OutboxFolderAdapter(folder).send("B000017.837", b"ISA*00")
    assert Path(receipt.reference) == folder / "B000017.837"
    assert _mode(folder / "B000017.837") == 0o600
    assert _mode(folder) == 0o700


def test_private_folder_leaves_an_existing_folder_alone(tmp_path):
    tmp_path.chmod(0o755)
    assert private_folder(tmp_path) == tmp_path
    assert _mode(tmp_path) == 0o755


def _sqlite(name: str) -> dict[str, object]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}


def test_a_new_sqlite_database_and_its_wal_files_are_owner_only(tmp_path):
    # given the startup hook ran before the first connection
    path = tmp_path / "cleannote.sqlite3"
    assert make_sqlite_private(_sqlite(str(path))) == path
    # when SQLite opens it in WAL mode and writes
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    # then the database, its write-ahead log and its shared memory are owner-only
    try:
        for name in ("cleannote.sqlite3", "cleannote.sqlite3-wal", "cleannote.sqlite3-shm"):
            assert _mode(tmp_path / name) == 0o600, name
    finally:
        connection.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "cleannote.sqlite3"
    sqlite3.connect(path).close()
    (tmp_path / "cleannote.sqlite3-wal").write_bytes(b"")
    for name in ("cleannote.sqlite3", "cleannote.sqlite3-wal"):
        (tmp_path / name).chmod(0o644)
    make_sqlite_private(_sqlite(str(path)))
    assert _mode(path) == 0o600
    assert _mode(tmp_path / "cleannote.sqlite3-wal") == 0o600


@pytest.mark.parametrize(
    "database",
    [
        {"ENGINE": "django.db.backends.postgresql", "NAME": "cleannote"},
        _sqlite(":memory:"),
        _sqlite("file:memorydb_default?mode=memory&cache=shared"),
        _sqlite(""),
    ],
    ids=["postgresql", "memory", "memory-uri", "unnamed"],
)
def test_nothing_is_created_for_other_databases(database):
    assert sqlite_database_path(database) is None
    assert make_sqlite_private(database) is None


def test_the_web_app_makes_the_configured_sqlite_database_owner_only(tmp_path, monkeypatch):
    from django.apps import apps

    path = tmp_path / "db.sqlite3"
    configured = SimpleNamespace(DATABASES={"default": _sqlite(str(path))})
    monkeypatch.setattr("cleannote.web.apps.settings", configured)
    apps.get_app_config("web").ready()
    assert _mode(path) == 0o600
