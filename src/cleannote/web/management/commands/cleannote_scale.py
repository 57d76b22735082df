"""`manage.py cleannote_scale --visits N`: grow the demo clinic into a large, realistic
database for measuring pages (ADR 0832)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.web.demo_clinic import load_demo_clinic
from cleannote.web.scale_database import grow


class Command(BaseCommand):
    help = "Load the demo clinic if the database is empty, then add N visits in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visits", type=int, required=True, help="visits to add, e.g. 300000")
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument(
            "--chain",
            choices=("append", "task"),
            default="append",
            help="link the audit events as they are written (append, the default), or append "
            "them unchained and let the chaining task link them (task; ADR 0830, 0833)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        visits = options["visits"]
        if visits < 1:
            raise CommandError("--visits must be at least 1")
        started = time.monotonic()
        today = timezone.localdate()
        if not Organisation.objects.exists():
            load_demo_clinic(today=today, seed=2026, patients=30)
        organisation = Organisation.objects.order_by("pk").first()
        assert organisation is not None
        try:
            grown = grow(
                organisation,
                visits=visits,
                today=today,
                seed=options["seed"],
                chain=options["chain"],
                progress=lambda line: self.stdout.write(line, ending="\n") or self.stdout.flush(),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Added {grown.clinicians} clinicians, {grown.patients} patients, {grown.notes} "
            f"notes, {grown.appointments} appointments, {grown.claims} claims with "
            f"{grown.claim_lines} lines, {grown.remittance_files} remittance files with "
            f"{grown.postings} claim payments, and {grown.audit_events} audit events "
            f"in {seconds:.0f} s."
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh planner statistics (pages measured straight after a build would
                # otherwise be planned on the empty tables' estimates), and the visibility map
                # a running database's autovacuum keeps: without it the planner cannot use
                # index-only scans on the freshly copied tables, so pages would be measured on
                # plans production never runs. Outside a transaction, as VACUUM must be.
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                self.stdout.write(f"Database size: {cursor.fetchone()[0]}.")
