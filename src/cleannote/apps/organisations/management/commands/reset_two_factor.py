"""`manage.py reset_two_factor USERNAME`: remove a login's authenticator from the server.

The way back in when the only owner has lost their phone and nobody in the app can remove it.
Whoever runs it has the server; the change is audited as the "system" actor (ADR 0221).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.actions import do_reset_staff_two_factor
from cleannote.apps.organisations.models import Staff


class Command(BaseCommand):
    help = "Remove a staff login's two-factor authenticator (for a lost phone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the login to reset")

    def handle(self, *args: Any, **options: Any) -> None:
        username = str(options["username"])[:150]
        staff = (
            Staff.objects.select_related("organisation", "user")
            .filter(user__username=username)
            .first()
        )
        if staff is None:
            raise CommandError("No staff login has that username.")
        if not staff.two_factor_enabled:
            self.stdout.write("That login has no two-factor authenticator; nothing changed.")
            return
        do_reset_staff_two_factor(Actor(user=None, organisation=staff.organisation), staff)
        self.stdout.write(
            "Two-factor removed. At the next sign-in the password is enough, or set-up is asked "
            "for when the organisation requires it."
        )
