"""`manage.py cleannote_portal_cleanup [--days N]`: delete the portal sign-in links used or
expired more than N days ago (default 30) and the portal sessions past their expiry, with one
audit row of counts per clinic (ADR 0922). Run nightly; a repeated or overlapping run deletes
nothing twice. Prints counts only."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cleannote.apps.portal.cleanup import KEEP_DAYS, do_remove_spent_sign_ins


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (e.g. 30)")
    return int(text)


class Command(BaseCommand):
    help = "Delete spent portal sign-in links and expired portal sessions (run nightly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=_days,
            default=KEEP_DAYS,
            metavar="N",
            help=f"keep links used or expired within the last N days (default {KEEP_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = do_remove_spent_sign_ins(timezone.now(), options["days"])
        self.stdout.write(
            f"{removed.links} sign-in link(s) and {removed.sessions} portal session(s) deleted."
        )
