"""`manage.py cleannote_expire_holds`: lapse every waitlist offer's hold whose time ran out
(ADR 0670), so the slot can be offered to the next patient. Run it hourly (cron, a systemd
timer) or nightly; a repeated or overlapping run lapses nothing twice. A booking over a
lapsed hold lapses it too, so the sweep is tidiness, not correctness. Prints a count only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cleannote.apps.scheduling.waitlist_actions import do_expire_holds


class Command(BaseCommand):
    help = "Release the waitlist holds whose offer time ran out (run hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = do_expire_holds(timezone.now())
        self.stdout.write(f"{lapsed} hold(s) lapsed.")
