"""`manage.py cleannote_exchange_poll`: file what waits to go and fetch every profile's answers.

Run it from cron (every few minutes) or by hand; running it twice changes nothing the second
time: a filed batch is not filed again and a downloaded file is not imported again (ADR 0701).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.apps.exchange.models import ClearinghouseProfile
from cleannote.apps.exchange.polling import do_poll_profile


class Command(BaseCommand):
    help = "Upload pending 837P/270 files and download responses for each active profile."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, help="only this organisation's id")
        parser.add_argument("--profile", help="only the profile of this name")

    def handle(self, *args: Any, **options: Any) -> None:
        profiles = ClearinghouseProfile.objects.filter(active=True).select_related("organisation")
        if options["organisation"]:
            profiles = profiles.filter(organisation_id=options["organisation"])
        if options["profile"]:
            profiles = profiles.filter(name=options["profile"])
        failed = 0
        for profile in profiles.order_by("organisation_id", "name"):
            result = do_poll_profile(profile)
            label = f"{profile.organisation_id}/{profile.name}"
            if result.error:
                failed += 1
                self.stderr.write(f"{label}: {result.error}")
                continue
            download = result.download
            if download is not None and download.busy:
                self.stdout.write(f"{label}: another worker is polling it; skipped")
                continue
            new = len(download.new_files) if download else 0
            seen = download.already_seen if download else 0
            self.stdout.write(
                f"{label}: {result.uploaded} file(s) filed, {new} new file(s) downloaded, "
                f"{seen} seen before"
            )
            for problem in download.left if download else ():
                self.stderr.write(f"{label}: {problem}")
        if failed:
            raise CommandError(f"{failed} profile(s) could not be polled")
