"""`manage.py cleannote_demo`: load the demo clinic into an empty database, print the logins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cleannote.web.demo_clinic import DEMO_PASSWORD, DEMO_USERS, load_demo_clinic


class Command(BaseCommand):
    help = "Load the demo clinic (only when the database has no organisation) and print logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="date the demo's last visits fall on (YYYY-MM-DD); default: today",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--patients", type=int, default=30, help="patients in the clinic")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today {options['today']!r}: expected YYYY-MM-DD") from exc
        summary = load_demo_clinic(today=today, seed=options["seed"], patients=options["patients"])
        if summary is None:
            self.stdout.write("The database already has an organisation: demo not loaded.")
        else:
            self.stdout.write(
                f"Loaded the demo clinic: {summary.patients} patients, {summary.notes} notes, "
                f"{summary.staff} staff in {summary.organisations} organisations."
            )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role}")
