"""What the claim itself must carry beyond the documented services: the initial treatment date
Medicare needs on spinal manipulation, and street addresses where the 837P allows no PO box.

These are the gates in front of the 837P writer's refusals (cleannote.edi.x12_837p), so a
clinic fixes the case or the location before a batch, not after a rejected file
(docs/decisions/0262-claim-data-findings.md).
"""

from __future__ import annotations

from cleannote.rules.addresses import is_po_box, same_place
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import PayerKind

# Spinal manipulation (chiropractic manipulative treatment of the spine); extraspinal 98943
# is not covered by Medicare at all (medicare.98943-noncovered).
SPINAL_MANIPULATION_CODES = frozenset({"98940", "98941", "98942"})


def check_initial_treatment_date(ctx: ScrubContext) -> None:
    visit = ctx.visit
    if visit.initial_treatment is not None or visit.payer.kind is not PayerKind.MEDICARE:
        return
    for index, service in enumerate(visit.services):
        if service.code in SPINAL_MANIPULATION_CODES:
            ctx.add(
                "medicare.initial-treatment-date",
                f"{service.code} is billed to Medicare without the initial treatment date.",
                "Enter the date this course of treatment began on the case (initial treatment "
                "date); it goes on the claim as DTP*454 / box 15 qualifier 454.",
                index,
            )
            return


def check_billing_address(ctx: ScrubContext) -> None:
    provider = ctx.visit.billing_provider
    if is_po_box(provider.address):
        ctx.add(
            "address.billing-po-box",
            "The billing provider address is a PO box; the 837P needs a street address there.",
            "Give the organisation or this location a street address; the PO box is then sent "
            "as the pay-to address.",
        )


def check_service_facility_address(ctx: ScrubContext) -> None:
    visit = ctx.visit
    facility = visit.service_facility
    if facility is None or same_place(facility.address, visit.billing_provider.address):
        return
    digits = "".join(ch for ch in facility.address.zip if ch.isdigit())
    if is_po_box(facility.address) or len(digits) != 9:
        ctx.add(
            "address.service-facility",
            "The visit's location is not the billing address, so the claim names it (837P "
            "2310C), and there it needs a street address with the nine-digit ZIP+4.",
            "Correct the location's address: a street address and its ZIP+4.",
        )


CHECKS = (check_initial_treatment_date, check_billing_address, check_service_facility_address)
