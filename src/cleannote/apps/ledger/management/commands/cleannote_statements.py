"""`manage.py cleannote_statements`: the nightly dunning steps (ADR 0760).

For each organisation, a paid balance stops its sequence, a payment plan pauses it, and a step
whose day has come sends its statement (one run, one PDF to print) or flags the patient for a
collections review. On the clinic's statement cycle day it also makes the batch run (ADR
0763). A cron job or systemd timer runs it each night; running it twice on the
same day does nothing more. `--day` runs it as of another day (catching up, or a test).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cleannote.apps.ledger.tasks import run_dunning_steps
from cleannote.apps.organisations.models import Organisation
from cleannote.platform.tasks import enqueue


class Command(BaseCommand):
    help = "Run the statements' dunning steps due today, per organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", type=int, action="append", help="only this organisation id"
        )
        parser.add_argument("--day", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["day"]) if options["day"] else timezone.localdate()
        except ValueError:
            raise CommandError("--day: give a date as YYYY-MM-DD") from None
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(pk__in=options["organisation"])
            missing = set(options["organisation"]) - set(organisations.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no organisation with id {', '.join(map(str, missing))}")
        for organisation in organisations:
            queued = enqueue(run_dunning_steps, organisation.pk, day.isoformat())
            if queued.job_id:
                self.stdout.write(f"organisation {organisation.pk}: queued job {queued.job_id}")
                continue
            result: dict[str, Any] = queued.result  # type: ignore[assignment]
            self.stdout.write(
                f"organisation {organisation.pk}: {result['statements']} dunning statement(s)"
                + (
                    f", {result['batch_statements']} on the statement cycle"
                    if result.get("batch")
                    else ""
                )
            )
