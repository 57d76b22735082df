"""A stored claim as the CMS-1500's `FormClaim`, through the same mapping as the 837P.

The lines and any other payer's payment come from `claim_to_send`, so the paper form and the
837P of one claim can never bill different things. Two boxes differ from the 837P on purpose
(ADR 0185): the visit keeps the snapshot's property-and-casualty claim number for box 11b
(`claim_visit` swaps it for the payer's claim number, which the form prints in box 22 instead),
and box 29 is what other payers (a primary, for a secondary claim) already paid, never what
this claim's own payer paid: the form asks the payer for money, it does not report its answer.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.claims.models import Claim, Frequency
from cleannote.forms.cms1500 import FormClaim
from cleannote.rules.visit_format import parse_visit


def claim_to_form(claim: Claim) -> FormClaim:
    """The claim as printed: box 22 carries frequency 7 or 8 with the payer's claim number."""
    sent = claim_to_send(claim)
    snapshot = parse_visit(claim.visit, source=f"claim {claim.pk}")
    resubmission = claim.frequency != Frequency.ORIGINAL
    return FormClaim(
        visit=replace(sent.visit, payer=snapshot.payer),
        lines=sent.lines,
        frequency=str(claim.frequency),
        original_reference=(claim.payer_claim_number or None) if resubmission else None,
        amount_paid=sum((prior.paid for prior in sent.prior_payments), Decimal("0")),
    )
