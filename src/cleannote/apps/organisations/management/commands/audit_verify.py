"""`manage.py audit_verify`: check every audit chain, the site chain included (ADR 0211).

Prints one line per chain saying whether it holds and against which anchor and key it was
checked; exits 1 when any chain is broken. Names organisations by id only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cleannote.apps.audit.selectors import check_chain
from cleannote.apps.organisations.models import Organisation


class Command(BaseCommand):
    help = "Verify every audit chain and its anchored head."

    def handle(self, *args: Any, **options: Any) -> None:
        chains: list[tuple[str, Organisation | None]] = [("site chain", None)]
        chains += [(f"organisation {o.pk}", o) for o in Organisation.objects.order_by("pk")]
        broken = 0
        anchor = ""
        for label, organisation in chains:
            check = check_chain(organisation)
            anchor = (
                f"{check.anchor_kind}, key {check.key_source} (fingerprint {check.key_fingerprint})"
            )
            if check.chain_break is None:
                self.stdout.write(f"{label}: intact, {check.events} events")
            else:
                broken += 1
                self.stdout.write(
                    f"{label}: broken at event {check.chain_break.sequence}: "
                    f"{check.chain_break.problem}"
                )
        self.stdout.write(f"Heads checked against the anchor: {anchor}.")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken")
