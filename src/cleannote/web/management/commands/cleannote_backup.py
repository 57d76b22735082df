"""`manage.py cleannote_backup`: one dated archive of the database and the data folders.

PostgreSQL through `pg_dump` (custom format), SQLite through its online backup API, both while
the clinic runs; the manifest inside holds the row counts and the audit chains' heads
(ADR 0920). Restore with `manage.py cleannote_restore ARCHIVE`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.web.backup import BackupError, chain_label, make_backup


class Command(BaseCommand):
    help = "Back up the database and the data folders into one dated archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="folder for the archive (default: backups under CLEANNOTE_DATA_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output_dir"] or Path(settings.DATA_DIR) / "backups"
        try:
            result = make_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        chains = ", ".join(
            f"{chain_label(c['organisation_id'])} at event {c['sequence']}"
            for c in manifest["audit_chains"]
        )
        self.stdout.write(
            f"Backed up {manifest['rows']} rows in {len(manifest['tables'])} tables "
            f"({manifest['engine']}) and {len(manifest['files'])} files to {result.path}"
        )
        self.stdout.write(f"Audit chain heads: {chains or 'none'}.")
