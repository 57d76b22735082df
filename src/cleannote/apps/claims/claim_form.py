"""A stored claim as the CMS-1500's `FormClaim`, through the same mapping as the 837P.

The visit, the lines and any other payer's payment come from `claim_to_send`, so the paper form
and the 837P of one claim can never bill different things: box 11b prints the carrier's claim
number the 837P sends as REF*Y4, and box 22 the replaced claim's number it sends as REF*F8
(ADR 0261). One box differs on purpose (ADR 0185): box 29 is what other payers (a primary, for
a secondary claim) already paid, never what this claim's own payer paid: the form asks the
payer for money, it does not report its answer.
"""

from __future__ import annotations

from decimal import Decimal

from cleannote.apps.claims.claim_export import claim_to_send
from cleannote.apps.claims.models import Claim
from cleannote.forms.cms1500 import FormClaim, attachment_note


def claim_to_form(claim: Claim) -> FormClaim:
    """The claim as printed: box 22 carries frequency 7 or 8 with the payer's claim number."""
    sent = claim_to_send(claim)
    return FormClaim(
        visit=sent.visit,
        lines=sent.lines,
        frequency=str(claim.frequency),
        original_reference=sent.original_reference,
        amount_paid=sum((prior.paid for prior in sent.prior_payments), Decimal("0")),
        # Box 19 carries the first paperwork note, as the 837P's first PWK (NUCC).
        additional_info=(
            attachment_note(a.report_type, a.transmission, a.control_number)
            if (a := next(iter(sent.attachments), None)) is not None
            else None
        ),
    )
