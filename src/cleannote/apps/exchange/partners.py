"""Who sends and receives our X12 files: the trading-partner identities of every interchange.

Settings `CLEANNOTE_EDI` (sender_id, receiver_id, receiver_name, contact_phone, usage) over the
defaults; the 837P batches and the 270 requests both read them here (ADR 0402).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from cleannote.apps.organisations.models import Organisation
from cleannote.edi.x12_837p import Receiver, Submitter

DEFAULT_EDI = {
    "sender_id": "CLEANNOTE",
    "receiver_id": "CLEARINGHOUSE",
    "receiver_name": "CLEARINGHOUSE",
    "contact_phone": "2175550100",
    "usage": "T",
}


@dataclass(frozen=True, slots=True)
class EdiParties:
    submitter: Submitter
    receiver: Receiver
    usage: str


def edi_parties(organisation: Organisation) -> EdiParties:
    """Settings `CLEANNOTE_EDI` (sender_id, receiver_id, receiver_name, contact_phone, usage)
    over the defaults; usage defaults to T (test) so a demo never files a production claim."""
    edi = {**DEFAULT_EDI, **getattr(settings, "CLEANNOTE_EDI", {})}
    return EdiParties(
        submitter=Submitter(
            name=organisation.name,
            id=edi["sender_id"],
            contact_name=organisation.name,
            contact_phone=edi["contact_phone"],
        ),
        receiver=Receiver(name=edi["receiver_name"], id=edi["receiver_id"]),
        usage=edi["usage"],
    )
