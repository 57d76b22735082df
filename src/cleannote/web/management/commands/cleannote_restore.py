"""`manage.py cleannote_restore ARCHIVE`: load a backup into a fresh database, then check it.

The database DATABASE_URL names must hold no rows (`--replace` overwrites one that does); the
files go back into the folders these settings name. Afterwards the row counts and audit chain
heads are compared with the archive's manifest and every chain is verified from its first
event (ADR 0920). `--check` compares and verifies only, writing nothing but the verification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.web.backup import BackupError, check_restored, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restore a cleannote_backup archive into an empty database and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="a cleannote-backup-*.tar file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database that holds rows, and files that differ",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="restore nothing: compare this database with the archive and verify the chains",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        try:
            if options["check"]:
                lines = check_restored(read_manifest(archive))
            else:
                result = restore_backup(archive, replace=options["replace"])
                manifest = result.manifest
                self.stdout.write(
                    f"Restored the {manifest['engine']} backup made at {manifest['made_at']} "
                    f"and {result.files_written} files."
                )
                lines = result.check
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in lines:
            self.stdout.write(line)
