"""`manage.py cleannote_eligibility_tomorrow`: ask about the next clinic day's appointments.

A cron job or systemd timer runs it once each afternoon (README). Each organisation's run is a
task: in this process by default, on the RQ workers when REDIS_URL is set. Running it twice
sends nothing twice (ADR 0633).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cleannote.apps.eligibility.tasks import check_next_clinic_day
from cleannote.apps.organisations.models import Organisation
from cleannote.platform.request_params import parse_date
from cleannote.platform.tasks import enqueue


class Command(BaseCommand):
    help = "Send 270s for the next clinic day's appointments, one batch per organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", type=int, action="append", help="only this organisation id"
        )
        parser.add_argument(
            "--today", help="the clinic's date to count from (YYYY-MM-DD); default: today"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            parsed = parse_date(options["today"])
            if parsed is None:
                raise CommandError(f"--today {options['today']!r} is not a date YYYY-MM-DD")
            today = parsed
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(pk__in=options["organisation"])
            missing = set(options["organisation"]) - set(organisations.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no organisation with id {', '.join(map(str, missing))}")
        for organisation in organisations:
            queued = enqueue(check_next_clinic_day, organisation.pk, today.isoformat())
            if queued.job_id:
                self.stdout.write(f"organisation {organisation.pk}: queued job {queued.job_id}")
                continue
            result: dict[str, Any] = queued.result  # type: ignore[assignment]
            self.stdout.write(
                f"organisation {organisation.pk}: {result['day']}: "
                f"{len(result['asked'])} asked, {len(result['skipped'])} carrier(s) skipped, "
                f"{result['fresh']} still fresh"
            )
