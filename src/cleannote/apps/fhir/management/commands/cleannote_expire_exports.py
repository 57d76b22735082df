"""`manage.py cleannote_expire_exports`: delete the files of every FHIR bulk export past its
expiry (`CLEANNOTE_FHIR_EXPORT_TTL_HOURS` after it finished, ADR 0913) and what cancelled or
failed ones left. Run nightly; a second run removes nothing twice. Prints a count only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cleannote.apps.fhir.bulk_export import do_remove_expired_exports


class Command(BaseCommand):
    help = "Delete the files of FHIR bulk exports past their expiry (run nightly)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = do_remove_expired_exports(timezone.now())
        self.stdout.write(f"{removed} export(s) expired.")
