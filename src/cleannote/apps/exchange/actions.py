"""The exchange's one writer: control numbers, allocated under a row lock (ADR 0112, 0402).

Claims (837P batches) and eligibility (270 requests) both number their interchanges here, so
neither imports the other. The caller's transaction holds the lock until it commits.
"""

from __future__ import annotations

from cleannote.apps.exchange.models import ControlNumberCounter
from cleannote.apps.organisations.models import Organisation


def next_control_number(organisation: Organisation, sender_id: str) -> int:
    """Allocate under a row lock: never reused, safe with any number of workers (ADR 0112)."""
    ControlNumberCounter.objects.get_or_create(organisation=organisation, sender_id=sender_id)
    counter = ControlNumberCounter.objects.select_for_update().get(
        organisation=organisation, sender_id=sender_id
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
