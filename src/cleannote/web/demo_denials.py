"""The demo's denial: one claim of a signed note, sent and denied by the payer (CARC 50, not
medically necessary), assigned to the biller and appealed, all through the actions, so the
denials worklist, the denial's history, its appeal packet and A/R aging have something to show
(ADR 0730)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    LineOutcome,
    do_change_claim_status,
    do_create_claim_from_note,
    do_mark_ready,
    do_record_adjudication,
)
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.remittance.denial_actions import do_appeal_denial, do_assign_denial
from cleannote.rules.visit import PayerKind


def load_demo_denial(organisation: Organisation, today: dt.date) -> Claim | None:
    """Deny and appeal the newest signed, unbilled health-plan note (three weeks old or more) a
    claim can be made from; None when the demo has no such note (a small demo)."""
    biller = Staff.objects.filter(organisation=organisation, user__username="demo-biller").first()
    if biller is None:
        return None
    actor = Actor(user=biller.user, organisation=organisation)
    notes = (
        Note.objects.filter(
            patient__organisation=organisation,
            status=NoteStatus.SIGNED,
            claims__isnull=True,
            case__coverage__kind__in=(PayerKind.MEDICARE, PayerKind.COMMERCIAL),
        )
        .filter(date_of_service__lt=today - dt.timedelta(days=20))
        .order_by("-date_of_service", "id")[:20]
    )
    for note in notes:
        try:
            claim = do_create_claim_from_note(actor, note)
        except ClaimError:
            continue  # the scrubber refuses it: try the next note
        do_mark_ready(actor, claim)
        # Sent on paper, not in a batch: the demo leaves no 837P file for a clearinghouse poll.
        do_change_claim_status(actor, claim, ClaimStatus.IN_BATCH, reason="sent on paper (demo)")
        lines = {
            line.number: LineOutcome(paid=Decimal(0), adjustments=(("CO", "50", line.charge),))
            for line in claim.lines.all()
        }
        claim = do_record_adjudication(
            actor, claim, adjudicated_on=note.date_of_service + dt.timedelta(days=14),
            payer_claim_number=f"DEMO{claim.pk:08d}", lines=lines, paid=Decimal(0),
            payer_denied=True,
        )  # fmt: skip
        do_assign_denial(actor, claim, biller, note="medical necessity denial: appeal")
        do_appeal_denial(actor, claim, note="appeal letter and records sent")
        return claim
    return None
