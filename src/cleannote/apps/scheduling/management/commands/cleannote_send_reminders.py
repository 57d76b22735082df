"""`manage.py cleannote_send_reminders`: queue and send the appointment reminders now due in
every clinic with reminders on (ADR 0641). Run it hourly (cron, a systemd timer); a run repeated
or overlapping queues nothing twice and sends nothing twice. Sends run in-process, or on the RQ
worker when REDIS_URL is set. Prints counts only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cleannote.apps.scheduling.reminders import send_reminders


class Command(BaseCommand):
    help = "Queue and send the appointment reminders now due (run hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_reminders()
        self.stdout.write(
            f"{counts['clinics']} clinic(s) with reminders on; {counts['reminders']} reminder(s) "
            f"due, {counts['to_send']} sent on to the outbox's task."
        )
