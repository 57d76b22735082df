"""Backup and restore (ADR 0920): the demo clinic backed up, restored into a new database.

The restore runs as `manage.py cleannote_restore` in its own process, as an owner would run it,
against a new database: a new SQLite file, or on PostgreSQL (CI's second run) a new database
beside the test one. The restored database holds the same patients, the same row counts and
chain heads as the manifest, and its audit chains verify from their first event. Bad input
(a missing file, no backup, the other engine's backup, a database with rows, no pg_dump)
ends in one sentence, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cleannote.apps.audit.models import AuditChainHead
from cleannote.apps.exercises import media as exercise_media
from cleannote.apps.patients.models import Patient
from cleannote.web.backup import read_manifest
from cleannote.web.demo_clinic import load_demo_clinic

REPO = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"
PATIENT_ROWS = "SELECT id, last_name, first_name, birth_date FROM patients_patient ORDER BY id"


def _folders(root: Path) -> dict[str, str]:
    return {
        "CLEANNOTE_DATA_DIR": str(root),
        "CLEANNOTE_OUTBOX_DIR": str(root / "outbox"),
        "CLEANNOTE_SMS_OUTBOX_DIR": str(root / "sms-outbox"),
        "CLEANNOTE_FHIR_EXPORT_DIR": str(root / "fhir-exports"),
        "CLEANNOTE_MEDIA_DIR": str(root / "media"),
    }


def _new_database(tmp_path: Path) -> tuple[str, Any]:
    """A URL for a new, empty database, and a function reading its patients."""
    given = connection.settings_dict
    if not POSTGRES:
        path = tmp_path / "restored.sqlite3"

        def read_sqlite() -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as restored:
                return [tuple(map(str, row)) for row in restored.execute(PATIENT_ROWS)]

        return f"sqlite:///{path}", read_sqlite
    import psycopg

    name = f"{given['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    host, port, user = given["HOST"] or "127.0.0.1", given["PORT"] or 5432, given["USER"]
    password = f":{given['PASSWORD']}" if given.get("PASSWORD") else ""

    def read_postgres() -> list[tuple[Any, ...]]:
        with psycopg.connect(
            host=host, port=port, user=user, password=given.get("PASSWORD") or None, dbname=name
        ) as restored:
            return [tuple(map(str, row)) for row in restored.execute(PATIENT_ROWS)]

    return f"postgres://{user}{password}@{host}:{port}/{name}", read_postgres


def _drop_new_database() -> None:
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}_restored"')


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_new_database_with_the_same_patients_and_a_verified_chain(
    settings, tmp_path
):
    # given the demo clinic (small), a file in the outbox and in the reference data folder,
    # and a clinic's exercise video in the media folder, stored as the exercises app stores it
    source = tmp_path / "source"
    settings.DATA_DIR = source
    settings.CLEANNOTE_OUTBOX_DIR = source / "outbox"
    settings.CLEANNOTE_SMS_OUTBOX_DIR = source / "sms-outbox"
    settings.CLEANNOTE_FHIR_EXPORT_DIR = source / "fhir-exports"
    settings.CLEANNOTE_MEDIA_DIR = source / "media"
    (source / "outbox" / "batches").mkdir(parents=True)
    (source / "outbox" / "batches" / "837p-1.x12").write_bytes(b"ISA*00*~")
    load_demo_clinic(today=dt.date(2026, 3, 16), patients=3)
    (source / "refdata" / "ncci").mkdir(parents=True)
    (source / "refdata" / "ncci" / "manifest.json").write_text("{}")
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    kind, problem = exercise_media.check(video)
    assert kind is not None, problem
    media_path = exercise_media.store(7, video, kind)
    patients = [
        tuple(map(str, row))
        for row in Patient.objects.order_by("id").values_list(
            "id", "last_name", "first_name", "birth_date"
        )
    ]
    # when it is backed up
    out = io.StringIO()
    call_command("cleannote_backup", "--output-dir", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("cleannote-backup-*.tar")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = read_manifest(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["patients_patient"] == len(patients)
    # (the demo's booking confirmations are texts in the sms outbox, ADR 0940)
    held = {(f["folder"], f["path"]) for f in manifest["files"]}
    assert {f for f in held if f[0] != "sms-outbox"} == {
        ("outbox", "batches/837p-1.x12"),
        ("refdata", "ncci/manifest.json"),
        ("media", media_path),
    }
    assert [c["sequence"] > 0 for c in manifest["audit_chains"]].count(True) == 2
    # then the backed-up database itself checks out against the manifest
    checked = io.StringIO()
    call_command("cleannote_restore", str(archive), "--check", stdout=checked)
    assert "Row counts match the backup" in checked.getvalue()
    # and it refuses to restore over a database that holds rows
    with pytest.raises(CommandError, match=r"is not empty: \d+ rows in \d+ tables"):
        call_command("cleannote_restore", str(archive))

    # when it is restored, in another process, into a new database and new folders
    url, read_patients = _new_database(tmp_path)
    target = tmp_path / "target"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "REDIS_URL")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        CLEANNOTE_AUDIT_KEY=settings.CLEANNOTE_AUDIT_KEY,
        CLEANNOTE_TIME_ZONE=settings.TIME_ZONE,
        **_folders(target),
    )
    env.pop("CLEANNOTE_DEBUG", None)
    env.pop("CLEANNOTE_EMAIL_FILE_DIR", None)
    try:
        done = subprocess.run(
            [sys.executable, "manage.py", "cleannote_restore", str(archive)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        # then the restore checked the counts and the heads and verified every chain
        assert done.returncode == 0, done.stderr
        assert "Row counts match the backup" in done.stdout
        assert "Audit chain heads match the backup: 3 chain(s)." in done.stdout
        assert done.stdout.count(": verified, ") == 3
        # and the restored database shows the same patients, and the files are back
        assert read_patients() == patients
        assert (target / "outbox" / "batches" / "837p-1.x12").read_bytes() == b"ISA*00*~"
        assert (target / "refdata" / "ncci" / "manifest.json").read_text() == "{}"
        # and the exercise video is back byte for byte, owner-only as the app wrote it
        restored = target / "media" / media_path
        assert restored.read_bytes() == video
        assert oct(restored.stat().st_mode & 0o777) == "0o600"
        assert oct(restored.parent.stat().st_mode & 0o777) == "0o700"
    finally:
        _drop_new_database()

    # when a chain head's row is gone from the backed-up database afterwards
    AuditChainHead.objects.filter(organisation__isnull=False).order_by("pk").first().delete()
    # then a check names the table and the chain that differ from the backup
    with pytest.raises(CommandError) as refused:
        call_command("cleannote_restore", str(archive), "--check", stdout=io.StringIO())
    assert "table audit_auditchainhead" in str(refused.value)
    assert "head at event 0" in str(refused.value)


def _archive(path: Path, manifest: dict[str, Any] | None) -> Path:
    with tarfile.open(path, "w") as tar:
        if manifest is not None:
            body = json.dumps(manifest).encode()
            entry = tarfile.TarInfo("manifest.json")
            entry.size = len(body)
            tar.addfile(entry, io.BytesIO(body))
    return path


@pytest.mark.django_db
def test_restore_refuses_bad_input_in_a_sentence(tmp_path):
    other = "sqlite" if POSTGRES else "postgresql"
    cases = [
        (tmp_path / "missing.tar", "missing.tar: no such file."),
        (_archive(tmp_path / "empty.tar", None), "is not a Cleannote backup"),
        (
            _archive(tmp_path / "other.tar", {"format": 1, "engine": other}),
            "The archive holds a (SQLite|PostgreSQL) database but DATABASE_URL names a",
        ),
    ]
    for path, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("cleannote_restore", str(path))
    (tmp_path / "notes.txt").write_text("not a tar")
    with pytest.raises(CommandError, match="is not a Cleannote backup"):
        call_command("cleannote_restore", str(tmp_path / "notes.txt"))


@pytest.mark.django_db
def test_a_missing_pg_dump_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    if not POSTGRES:
        from cleannote.web.backup import BackupError, _tool

        with pytest.raises(BackupError, match="pg_dump is not on PATH: install"):
            _tool("pg_dump")
        return
    with pytest.raises(CommandError, match="pg_dump is not on PATH: install"):
        call_command("cleannote_backup", "--output-dir", str(tmp_path), stdout=io.StringIO())
