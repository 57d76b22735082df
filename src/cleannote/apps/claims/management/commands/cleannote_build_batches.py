"""`manage.py cleannote_build_batches`: the nightly run of ready claims into batches.

Every ready claim of each organisation goes into one 837P per payer, filed in the outbox (or
left for `cleannote_exchange_poll` with an SFTP clearinghouse). A cron job or systemd timer
runs it each night (README). Each organisation's run is a task: in this process by default, on
the RQ workers when REDIS_URL is set. A second run finds no ready claim and builds nothing
(ADR 0711).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.apps.claims.tasks import build_ready_batches
from cleannote.apps.organisations.models import Organisation
from cleannote.platform.tasks import enqueue


class Command(BaseCommand):
    help = "Build one 837P batch per payer of every ready claim, per organisation, and file it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", type=int, action="append", help="only this organisation id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(pk__in=options["organisation"])
            missing = set(options["organisation"]) - set(organisations.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no organisation with id {', '.join(map(str, missing))}")
        for organisation in organisations:
            queued = enqueue(build_ready_batches, organisation.pk)
            if queued.job_id:
                self.stdout.write(f"organisation {organisation.pk}: queued job {queued.job_id}")
                continue
            result: dict[str, Any] = queued.result  # type: ignore[assignment]
            self.stdout.write(
                f"organisation {organisation.pk}: {len(result['batches'])} batch(es) of "
                f"{result['claims']} claim(s), {len(result['skipped'])} left out"
            )
