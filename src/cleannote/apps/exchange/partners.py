"""Who sends and receives our X12 files: the trading-partner identities of every interchange.

Settings `CLEANNOTE_EDI` (sender_id, receiver_id, receiver_name, contact_phone, usage) over the
defaults, and the organisation's default clearinghouse profile's identities over those when it
names them (ADR 0700); the 837P batches and the 270 requests both read them here (ADR 0402).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from cleannote.apps.exchange.models import ClearinghouseProfile
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


def setting_edi() -> dict[str, str]:
    """`CLEANNOTE_EDI` over the defaults: what seeds a default profile (ADR 0700)."""
    return {**DEFAULT_EDI, **getattr(settings, "CLEANNOTE_EDI", {})}


def edi_parties(
    organisation: Organisation, profile: ClearinghouseProfile | None = None
) -> EdiParties:
    """Settings `CLEANNOTE_EDI` (sender_id, receiver_id, receiver_name, contact_phone, usage)
    over the defaults; usage defaults to T (test) so a demo never files a production claim.
    The profile (by default the organisation's default one) overrides the identities it
    names; blank fields keep the setting's."""
    edi = setting_edi()
    if profile is None:
        profile = ClearinghouseProfile.objects.filter(
            organisation=organisation, is_default=True
        ).first()
    if profile is not None:
        for field in ("sender_id", "receiver_id", "receiver_name"):
            if value := getattr(profile, field):
                edi[field] = value
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
