"""The exchange's writers: control numbers, allocated under a row lock (ADR 0112, 0402), the
envelope of an outgoing interchange, and filing a stored file with the clearinghouse once.

Claims (837P batches) and eligibility (270 requests) both number, write and file their
interchanges here, so neither imports the other. The caller's transaction holds the lock until
it commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exchange.clearinghouse import ClearinghouseAdapter
from cleannote.apps.exchange.models import ClearinghouseProfile, ControlNumberCounter
from cleannote.apps.exchange.partners import EdiParties, edi_parties
from cleannote.apps.organisations.models import Organisation
from cleannote.edi.envelope import ControlNumbers


def next_control_number(organisation: Organisation, sender_id: str) -> int:
    """Allocate under a row lock: never reused, safe with any number of workers (ADR 0112)."""
    ControlNumberCounter.objects.get_or_create(organisation=organisation, sender_id=sender_id)
    counter = ControlNumberCounter.objects.select_for_update().get(
        organisation=organisation, sender_id=sender_id
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@dataclass(frozen=True, slots=True)
class Envelope:
    """One outgoing interchange's envelope: who sends it to whom, its number and its time."""

    parties: EdiParties
    number: int
    created: dt.datetime

    def write(self, writer: Callable[..., bytes], items: Iterable[Any]) -> bytes:
        """`writer` (`write_837p`, `write_270`) over `items` inside this envelope; the writer's
        `X12WriteError` goes to the caller, which says what was refused."""
        return writer(
            items,
            submitter=self.parties.submitter,
            receiver=self.parties.receiver,
            control=ControlNumbers(self.number, self.number, self.number),
            created=timezone.localtime(self.created),
            usage=self.parties.usage,
        )

    def stored(self, content: bytes) -> dict[str, Any]:
        """The fields every stored outgoing file keeps: its text, sha256, number and time."""
        return {
            "content": content.decode("ascii"),
            "sha256": hashlib.sha256(content).hexdigest(),
            "control_number": self.number,
            "created_at": self.created,
        }


def open_envelope(
    organisation: Organisation,
    *,
    at: dt.datetime | None = None,
    profile: ClearinghouseProfile | None = None,
) -> Envelope:
    """The trading partners (of `profile`, by default the default one) and a fresh control
    number (under the caller's transaction)."""
    parties = edi_parties(organisation, profile)
    number = next_control_number(organisation, parties.submitter.id)
    return Envelope(parties, number, at or timezone.now())


class OutgoingFile(Protocol):
    """A stored outgoing file (a claims `Batch`, an eligibility 270 `EligibilityFile`)."""

    pk: Any
    file_name: str
    content: str
    filed_at: Any
    receipt: str

    def save(self, *, update_fields: list[str]) -> None: ...


def do_file_with_clearinghouse(
    actor: Actor, locked: OutgoingFile, adapter: ClearinghouseAdapter, *, entity: str
) -> None:
    """Send a file the caller holds locked and not yet filed; keep the receipt and audit it as
    an export of `entity` (ADR 0113)."""
    receipt = adapter.send(locked.file_name, locked.content.encode("ascii"))
    locked.filed_at = receipt.at
    locked.receipt = receipt.reference[:300]
    locked.save(update_fields=["filed_at", "receipt"])
    do_record_audit_event(actor, AuditAction.EXPORT, entity, locked.pk)
