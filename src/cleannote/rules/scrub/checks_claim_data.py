"""What the claim itself must carry beyond the documented services: the initial treatment date
Medicare needs on spinal manipulation, street addresses where the 837P allows no PO box, and
the carrier's claim number and a work accident on property-and-casualty claims (ADR 0321).

These are the gates in front of the 837P writer's refusals (cleannote.edi.x12_837p), so a
clinic fixes the case or the location before a batch, not after a rejected file
(docs/decisions/0262-claim-data-findings.md).
"""

from __future__ import annotations

from cleannote.rules.addresses import is_po_box, same_place
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import AccidentKind, PayerKind

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


# Auto and workers' compensation carriers: the 837P sends their claim number as REF*Y4.
PROPERTY_CASUALTY = frozenset(
    {PayerKind.AUTO_PIP, PayerKind.AUTO_MEDPAY, PayerKind.AUTO_LIABILITY, PayerKind.WORKERS_COMP}
)
_PAYER_WORDS = {
    PayerKind.AUTO_PIP: "auto PIP",
    PayerKind.AUTO_MEDPAY: "auto MedPay",
    PayerKind.AUTO_LIABILITY: "auto liability",
    PayerKind.WORKERS_COMP: "workers' compensation",
}
_ACCIDENT_WORDS = {
    AccidentKind.AUTO: "an auto accident",
    AccidentKind.OTHER: "an accident of kind other",
}


def check_claim_number(ctx: ScrubContext) -> None:
    """An auto or workers' compensation claim carries the carrier's claim number (REF*Y4)."""
    payer = ctx.visit.payer
    if payer.kind in PROPERTY_CASUALTY and not (payer.claim_number or "").strip():
        ctx.add(
            "payer.claim-number-missing",
            f"The claim goes to an {_PAYER_WORDS[payer.kind]} carrier without the carrier's "
            "claim number.",
            "Enter the carrier's claim number for this accident on the case (insurer claim "
            "number); it goes on the claim as REF*Y4 / box 11b.",
        )


def check_workers_comp_accident(ctx: ScrubContext) -> None:
    """Workers' compensation pays for a work injury: the case's accident is employment-related.
    A case with no accident at all is `payer.accident-details`."""
    visit = ctx.visit
    accident = visit.accident
    if visit.payer.kind is not PayerKind.WORKERS_COMP or accident is None:
        return
    if accident.kind is not AccidentKind.EMPLOYMENT:
        ctx.add(
            "payer.wc-not-employment",
            "The claim goes to a workers' compensation carrier, but the case records "
            f"{_ACCIDENT_WORDS[accident.kind]}, not an employment-related one.",
            "Mark the accident as employment-related if the injury happened at work; otherwise "
            "bill the patient's health plan or the liability carrier instead.",
        )


CHECKS = (
    check_initial_treatment_date,
    check_billing_address,
    check_service_facility_address,
    check_claim_number,
    check_workers_comp_accident,
)
