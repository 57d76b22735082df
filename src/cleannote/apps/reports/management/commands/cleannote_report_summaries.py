"""`manage.py cleannote_report_summaries`: refresh the reports' daily summaries (ADR 0850) of
every organisation. Run it nightly (cron, a systemd timer, an RQ worker); each run recounts
the last closed days (`--days`, default 14) and every older day whose notes changed since the
last run; the first run, or `--all`, recounts every day. Each run also recounts the year's
Medicare therapy charges per case (ADR 0861). Two runs at once take turns per organisation,
and a rerun writes the same rows. Prints counts only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.reports.summaries import RECENT_DAYS, refresh_organisation


class Command(BaseCommand):
    help = "Refresh the reports' daily summaries (run nightly; --all rebuilds every day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="recount every day")
        parser.add_argument(
            "--days", type=int, default=RECENT_DAYS, help="closed days recounted every run"
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="the day the run counts as today (e.g. 2026-03-16; default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            self.stderr.write("--days must be 1 or more")
            raise SystemExit(2)
        today = options["today"] or timezone.localdate()
        for organisation in Organisation.objects.order_by("pk"):
            written = refresh_organisation(
                organisation, today, rebuild=options["all"], days=options["days"]
            )
            self.stdout.write(f"organisation {organisation.pk}: {written} summary row(s).")
