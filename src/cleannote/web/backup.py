"""Backing up a clinic and restoring it into a fresh database (ADR 0920).

`make_backup` writes one dated tar archive: the database (PostgreSQL through `pg_dump` in its
custom format, from an exported snapshot; SQLite through its online backup API), the folders
the settings name for files Cleannote writes (imported reference data, the clearinghouse
outbox, the text and email outboxes, the FHIR exports and whole-record archives, the clinic's
own exercise pictures and videos), and
`manifest.json`: what is inside, when it was made,
the row count of every table and each audit chain's head, all read from the same snapshot as
the dump, so they agree with it exactly however busy the clinic is.

`restore_backup` loads such an archive into the database the settings name, which must be
empty (no table holding a row) unless `replace` is given, puts the files back into the
folders the settings name here, then `check_restored` compares the row counts and chain heads
with the manifest and verifies every audit chain from its first event (ADR 0830).

Errors are `BackupError` with a sentence saying what and where; the commands print it.
Nothing here names a patient: the manifest holds table names, counts, ids and hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from cleannote.apps.audit.chain import key_fingerprint
from cleannote.apps.audit.chaining import chain_pending_events, verify_audit_chain
from cleannote.apps.audit.models import AuditChainHead, AuditEvent
from cleannote.apps.organisations.models import Organisation
from cleannote.private_files import make_private, private_folder, write_private

FORMAT = 1
MANIFEST = "manifest.json"
ENGINES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what and where."""


@dataclass(frozen=True)
class DataFolder:
    """A folder of files Cleannote writes, by the name the archive keeps it under."""

    name: str
    path: Path


def data_folders() -> list[DataFolder]:
    """Every folder the settings name for files worth keeping, in a fixed order."""
    folders = [
        DataFolder("refdata", Path(settings.DATA_DIR) / "refdata"),
        DataFolder("outbox", Path(settings.CLEANNOTE_OUTBOX_DIR)),
        DataFolder("sms-outbox", Path(settings.CLEANNOTE_SMS_OUTBOX_DIR)),
        # FHIR bulk exports and patients' whole-record archives (ADRs 0911, 0912).
        DataFolder("fhir-exports", Path(settings.CLEANNOTE_FHIR_EXPORT_DIR)),
        # The clinic's own exercise pictures and videos (ADR 0970), owner-only files.
        DataFolder("media", Path(settings.CLEANNOTE_MEDIA_DIR)),
    ]
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        folders.append(DataFolder("email-outbox", Path(settings.EMAIL_FILE_PATH)))
    return folders


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_of(folder: DataFolder) -> Iterator[tuple[str, Path]]:
    if not folder.path.is_dir():
        return
    for path in sorted(folder.path.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(folder.path).as_posix(), path


# --- what a database holds ------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_names(cursor: Any, engine: str) -> list[str]:
    if engine == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def table_counts(cursor: Any, engine: str) -> dict[str, int]:
    """The row count of every table the database holds (a DB-API cursor)."""
    counts: dict[str, int] = {}
    for table in _table_names(cursor, engine):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def chain_heads(cursor: Any) -> list[dict[str, Any]]:
    """Each audit chain's head (organisation id, sequence, last hash) and its unlinked events."""
    heads = _quote(AuditChainHead._meta.db_table)
    events = _quote(AuditEvent._meta.db_table)
    cursor.execute(f"SELECT organisation_id, sequence, last_hash FROM {heads}")
    found = {row[0]: (int(row[1]), row[2]) for row in cursor.fetchall()}
    cursor.execute(
        f"SELECT organisation_id, COUNT(*) FROM {events} WHERE sequence IS NULL "
        "GROUP BY organisation_id"
    )
    pending = {row[0]: int(row[1]) for row in cursor.fetchall()}
    return [
        {
            "organisation_id": organisation_id,
            "sequence": found.get(organisation_id, (0, ""))[0],
            "last_hash": found.get(organisation_id, (0, ""))[1],
            "pending": pending.get(organisation_id, 0),
        }
        for organisation_id in sorted(
            set(found) | set(pending), key=lambda pk: -1 if pk is None else pk
        )
    ]


def _latest_migrations(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _engine(db: BaseDatabaseWrapper) -> str:
    if db.vendor not in ENGINES:
        raise BackupError(f"The database is {db.vendor}: backups cover PostgreSQL and SQLite only.")
    return db.vendor


def _describe(db: BaseDatabaseWrapper) -> str:
    name = str(db.settings_dict["NAME"])
    if db.vendor == "sqlite":
        return f"SQLite database {Path(name).name!r}"
    host = db.settings_dict.get("HOST") or "localhost"
    return f"PostgreSQL database {name!r} on {host}"


def _open(db: BaseDatabaseWrapper) -> None:
    try:
        db.ensure_connection()
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise BackupError(
            f"Cannot open the {_describe(db)}: {first_line}. Check DATABASE_URL; a new "
            "PostgreSQL database is made with `createdb NAME`."
        ) from None


# --- PostgreSQL tools ------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools of the server's major "
            "version (Debian: apt install postgresql-client) and try again."
        )
    return found


def _pg_environment(db: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for the database, so no password appears in a command line."""
    given = db.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if given.get(key):
            env[variable] = str(given[key])
    return env


def _run_tool(arguments: list[str], env: Mapping[str, str], what: str) -> None:
    done = subprocess.run(arguments, env=dict(env), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{what} failed: {detail}")


# --- backup ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _link_pending_events() -> None:
    """Link what is waiting, so the manifest's heads cover (nearly) every event."""
    chain_pending_events(None)
    for organisation_id in Organisation.objects.order_by("pk").values_list("pk", flat=True):
        chain_pending_events(organisation_id)


def _dump_postgresql(db: BaseDatabaseWrapper, target: Path) -> dict[str, Any]:
    pg_dump = _tool("pg_dump")
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        # One snapshot for the counts, the heads and the dump: they describe the same rows.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = {
            "tables": table_counts(cursor, "postgresql"),
            "audit_chains": chain_heads(cursor),
            "migrations": _latest_migrations(cursor),
        }
        _run_tool(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _pg_environment(db),
            "pg_dump",
        )
    return facts


def _dump_sqlite(db: BaseDatabaseWrapper, target: Path) -> dict[str, Any]:
    raw = db.connection
    copy = sqlite3.connect(target)
    try:
        raw.backup(copy)
        cursor = copy.cursor()
        facts = {
            "tables": table_counts(cursor, "sqlite"),
            "audit_chains": chain_heads(cursor),
            "migrations": _latest_migrations(cursor),
        }
    finally:
        copy.close()
    return facts


def make_backup(output_dir: Path) -> BackupResult:
    """Write `cleannote-backup-<UTC time>.tar` into `output_dir`; the archive and its manifest."""
    db = connection
    engine = _engine(db)
    if engine == "postgresql":
        _tool("pg_dump")
    _open(db)
    if output_dir.exists() and not output_dir.is_dir():
        raise BackupError(f"{output_dir} is not a folder: name a folder for the archive.")
    private_folder(output_dir)
    _link_pending_events()
    made_at = timezone.now().astimezone(dt.UTC)
    stamp = made_at.strftime("%Y%m%dT%H%M%SZ")
    archive = output_dir / f"cleannote-backup-{stamp}.tar"
    if archive.exists():
        raise BackupError(f"{archive} exists already: wait a second and run the backup again.")
    with tempfile.TemporaryDirectory(prefix=".cleannote-backup-", dir=output_dir) as work:
        dump = Path(work) / DATABASE_MEMBER[engine]
        make_private(dump)
        facts = (_dump_postgresql if engine == "postgresql" else _dump_sqlite)(db, dump)
        files: list[tuple[dict[str, Any], Path]] = [
            (
                {
                    "folder": folder.name,
                    "path": relative,
                    "size": path.stat().st_size,
                    "sha256": _sha256(path),
                },
                path,
            )
            for folder in data_folders()
            for relative, path in _files_of(folder)
        ]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "made_at": made_at.isoformat(),
            "cleannote_version": _version(),
            "engine": engine,
            "database": {
                "member": dump.name,
                "size": dump.stat().st_size,
                "sha256": _sha256(dump),
            },
            "rows": sum(facts["tables"].values()),
            **facts,
            "audit_key_fingerprint": key_fingerprint(settings.CLEANNOTE_AUDIT_KEY),
            "folders": {folder.name: str(folder.path) for folder in data_folders()},
            "files": [entry for entry, _ in files],
        }
        partial = Path(work) / "archive.tar"
        make_private(partial)
        with tarfile.open(partial, "w") as tar:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            header = tarfile.TarInfo(MANIFEST)
            header.size, header.mode, header.mtime = len(body), 0o600, int(made_at.timestamp())
            tar.addfile(header, io.BytesIO(body))
            tar.add(dump, arcname=dump.name)
            for entry, path in files:
                tar.add(path, arcname=f"files/{entry['folder']}/{entry['path']}")
        os.replace(partial, archive)
    return BackupResult(archive, manifest)


def _version() -> str:
    try:
        return metadata.version("cleannote")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- restore ---------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest; a clear error for a missing file or one that is no backup."""
    if not archive.exists():
        raise BackupError(f"{archive}: no such file.")
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file: name a cleannote-backup-*.tar archive.")
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member is not None else None
    except (tarfile.TarError, KeyError, ValueError, OSError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{archive} is not a Cleannote backup (no readable {MANIFEST} of format {FORMAT})."
        )
    return manifest


def _rows_held(db: BaseDatabaseWrapper, engine: str) -> dict[str, int]:
    with db.cursor() as cursor:
        return {table: n for table, n in table_counts(cursor, engine).items() if n}


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    files_written: int
    check: list[str]


def _extract(tar: tarfile.TarFile, name: str, target: Path) -> None:
    member = tar.extractfile(name)
    if member is None:
        raise BackupError(f"The archive lacks {name}: it is damaged.")
    make_private(target)
    with target.open("wb") as stream:
        shutil.copyfileobj(member, stream, _CHUNK)


def _restore_files(
    tar: tarfile.TarFile, manifest: dict[str, Any], replace: bool
) -> list[tuple[Path, str]]:
    """Which files to write where (checked before anything is written)."""
    folders = {folder.name: folder.path for folder in data_folders()}
    plan: list[tuple[Path, str]] = []
    clashes: list[str] = []
    for entry in manifest["files"]:
        base = folders.get(entry["folder"])
        if base is None:
            raise BackupError(
                f"The archive holds files of the folder {entry['folder']!r}, which these "
                "settings do not name (e.g. CLEANNOTE_EMAIL_FILE_DIR): set it and try again."
            )
        target = base / entry["path"]
        if base.resolve() not in target.resolve().parents:
            raise BackupError(f"The archive names a file outside its folder: {entry['path']!r}.")
        if target.exists():
            if _sha256(target) == entry["sha256"]:
                continue
            if not replace:
                clashes.append(str(target))
                continue
        plan.append((target, f"files/{entry['folder']}/{entry['path']}"))
    if clashes:
        raise BackupError(
            f"{len(clashes)} file(s) exist with other contents, e.g. {clashes[0]}: restore into "
            "empty folders, or pass --replace to overwrite them."
        )
    return plan


def restore_backup(archive: Path, *, replace: bool = False) -> RestoreResult:
    """Load `archive` into the database the settings name, put its files back, and check."""
    manifest = read_manifest(archive)
    db = connection
    engine = _engine(db)
    if manifest.get("engine") != engine:
        held = ENGINES.get(str(manifest.get("engine")), str(manifest.get("engine")))
        raise BackupError(
            f"The archive holds a {held} database but DATABASE_URL names a {ENGINES[engine]} "
            f"one: restore it into a {held} database."
        )
    _open(db)
    held_rows = _rows_held(db, engine)
    if held_rows and not replace:
        example = max(held_rows, key=held_rows.__getitem__)
        raise BackupError(
            f"The {_describe(db)} is not empty: {sum(held_rows.values())} rows in "
            f"{len(held_rows)} tables (e.g. {example}). Restore into a fresh database, or pass "
            "--replace to overwrite this one."
        )
    with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory() as work:
        plan = _restore_files(tar, manifest, replace)
        dump = Path(work) / manifest["database"]["member"]
        _extract(tar, manifest["database"]["member"], dump)
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError(
                f"{archive}: the database inside does not match its manifest (damaged archive)."
            )
        if engine == "postgresql":
            _load_postgresql(db, dump)
        else:
            _load_sqlite(db, dump)
        for target, name in plan:
            private_folder(target.parent)
            member = tar.extractfile(name)
            if member is None:
                raise BackupError(f"The archive lacks {name}: it is damaged.")
            write_private(target, member.read())
    return RestoreResult(manifest, len(plan), check_restored(manifest))


def _load_postgresql(db: BaseDatabaseWrapper, dump: Path) -> None:
    pg_restore = _tool("pg_restore")
    with db.cursor() as cursor:
        has_tables = bool(_table_names(cursor, "postgresql"))
    db.close()
    arguments = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"]
    arguments += ["--single-transaction", f"--dbname={db.settings_dict['NAME']}"]
    if has_tables:
        arguments += ["--clean", "--if-exists"]
    _run_tool([*arguments, str(dump)], _pg_environment(db), "pg_restore")


def _load_sqlite(db: BaseDatabaseWrapper, dump: Path) -> None:
    source = sqlite3.connect(dump)
    try:
        source.backup(db.connection)
    finally:
        source.close()
    name = Path(str(db.settings_dict["NAME"]))
    if name.is_file():
        make_private(name)


def check_restored(manifest: dict[str, Any]) -> list[str]:
    """Compare the database with the manifest, verify every audit chain; lines to print.

    Raises BackupError naming each difference. Run right after a restore: the counts are
    compared exactly, so rows written since make it fail.
    """
    db = connection
    engine = _engine(db)
    _open(db)
    with db.cursor() as cursor:
        counts = table_counts(cursor, engine)
        heads = {head["organisation_id"]: head for head in chain_heads(cursor)}
    expected: dict[str, int] = manifest["tables"]
    problems = [
        f"table {table}: {counts.get(table, 'missing')} rows, the backup had {rows}"
        for table, rows in sorted(expected.items())
        if counts.get(table) != rows
    ]
    problems += [
        f"table {table}: not in the backup" for table in sorted(set(counts) - set(expected))
    ]
    for saved in manifest["audit_chains"]:
        chain = chain_label(saved["organisation_id"])
        now = heads.get(saved["organisation_id"])
        if now is None or (now["sequence"], now["last_hash"]) != (
            saved["sequence"],
            saved["last_hash"],
        ):
            problems.append(
                f"{chain}: head at event {now['sequence'] if now else 0}, the backup's at "
                f"{saved['sequence']} ({saved['last_hash'][:12]})"
            )
    fingerprint = key_fingerprint(settings.CLEANNOTE_AUDIT_KEY)
    if fingerprint != manifest["audit_key_fingerprint"]:
        problems.append(
            f"CLEANNOTE_AUDIT_KEY here (fingerprint {fingerprint}) is not the key the backup "
            f"was made under ({manifest['audit_key_fingerprint']}): set that key, or no chain "
            "head can be verified"
        )
    if problems:
        raise BackupError("The restored database differs from the backup: " + "; ".join(problems))
    lines = [
        f"Row counts match the backup: {sum(counts.values())} rows in {len(counts)} tables.",
        f"Audit chain heads match the backup: {len(manifest['audit_chains'])} chain(s).",
    ]
    broken = []
    for organisation_id in [
        None,
        *Organisation.objects.order_by("pk").values_list("pk", flat=True),
    ]:
        if verify_audit_chain(organisation_id, full=True):
            lookup: dict[str, object] = (
                {"organisation__isnull": True}
                if organisation_id is None
                else {"organisation_id": organisation_id}
            )
            head = AuditChainHead.objects.filter(**lookup).first()
            events = head.verified_sequence if head else 0
            lines.append(f"{chain_label(organisation_id)}: verified, {events} events")
        else:
            broken.append(chain_label(organisation_id))
    if broken:
        raise BackupError(f"Audit chain verification failed for {', '.join(broken)}.")
    return lines


def chain_label(organisation_id: int | None) -> str:
    return "site chain" if organisation_id is None else f"organisation {organisation_id}"
