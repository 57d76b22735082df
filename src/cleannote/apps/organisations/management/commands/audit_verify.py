"""`manage.py audit_verify`: check every audit chain, the site chain included (ADR 0211).

Links each chain's pending events, then verifies it from the event the last verification
reached (`--full`: from the first event), the same task the audit page queues (ADR 0830), and
keeps the result for that page. Prints one line per chain saying whether it holds and against
which anchor and key it was checked; exits 1 when any chain is broken. Names organisations by
id only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.apps.audit.chain import ANCHOR_KIND, key_fingerprint
from cleannote.apps.audit.chaining import verify_audit_chain
from cleannote.apps.audit.models import AuditChainHead
from cleannote.apps.organisations.models import Organisation


class Command(BaseCommand):
    help = "Verify every audit chain and its anchored head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="walk every chain from its first event, not from where the last check ended",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chains: list[tuple[str, int | None]] = [("site chain", None)]
        chains += [
            (f"organisation {pk}", pk)
            for pk in Organisation.objects.order_by("pk").values_list("pk", flat=True)
        ]
        broken = 0
        for label, organisation_id in chains:
            verify_audit_chain(organisation_id, options["full"])
            heads = AuditChainHead.objects.filter(
                **(
                    {"organisation__isnull": True}
                    if organisation_id is None
                    else {"organisation_id": organisation_id}
                )
            )
            head = heads.first()
            if head is None or not head.verified_problem:
                events = head.verified_sequence if head is not None else 0
                self.stdout.write(f"{label}: intact, {events} events")
            else:
                broken += 1
                self.stdout.write(
                    f"{label}: broken at event {head.verified_break_sequence}: "
                    f"{head.verified_problem}"
                )
        key = settings.CLEANNOTE_AUDIT_KEY
        self.stdout.write(
            f"Heads checked against the anchor: {ANCHOR_KIND}, key "
            f"{settings.CLEANNOTE_AUDIT_KEY_SOURCE} (fingerprint {key_fingerprint(key)})."
        )
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken")
