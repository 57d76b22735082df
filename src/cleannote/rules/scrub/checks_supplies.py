"""Dispensed supplies and equipment: bundled supplies, and the purchase or rental modifier.

The bundling itself is decided once by the scrubber from `rules.supplies` (the line is left off
the claim); this check says so, and holds a durable-equipment line to exactly one of NU (bought)
or RR (rented), the modifier the dispensed item's purchase mode gives (ADR 0821). A Medicare
rental line also carries the month of the rental, KH, KI or KJ (`rules.dme_rentals`, ADR 0823).
"""

from __future__ import annotations

from cleannote.rules.dme_rentals import RENTAL, month_rows, rental_month
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.supplies import DME_MODIFIERS, SUPPLY_UNIT, SupplyKind, find_supply
from cleannote.rules.visit import PayerKind

_DME_MODS = frozenset(DME_MODIFIERS.values())
_RENTAL_FIX = (
    "Bill the month from the rental on the note's supplies (Inventory, rentals): it sets RR "
    "and the month's modifier; take this line off the note."
)


def check_bundled(ctx: ScrubContext) -> None:
    for index, into, source in ctx.bundled_supplies:
        code = ctx.visit.services[index].code
        ctx.add(
            "supply.bundled",
            f"{code} is paid within {into} by this payer: it is not billed on a line of its "
            "own, and its cost stays on the visit.",
            "Nothing to do. If this payer's contract pays supplies apart, turn off "
            "'Bundles supplies' in the payer's policy settings.",
            index,
            row=source,
        )


def check_dme_modifiers(ctx: ScrubContext) -> None:
    for index, procedure in enumerate(ctx.procedures):
        if procedure is None or procedure.unit != SUPPLY_UNIT or not ctx.units[index]:
            continue
        service = ctx.visit.services[index]
        supply = find_supply(service.code)
        if supply is None:
            continue
        asked = {m.strip().upper() for m in service.modifiers} & _DME_MODS
        if supply.kind is SupplyKind.DME and len(asked) != 1:
            ctx.add(
                "supply.dme-modifier",
                f"{service.code} is durable medical equipment: the line needs NU (bought) or "
                f"RR (rented), exactly one; it has {', '.join(sorted(asked)) or 'neither'}.",
                "Set the item's purchase mode (purchase or rental) on the inventory item and "
                "dispense it again.",
                index,
            )
        elif supply.kind is not SupplyKind.DME and asked:
            ctx.add(
                "supply.dme-modifier",
                f"{service.code} is not durable medical equipment: "
                f"{', '.join(sorted(asked))} does not belong on its line.",
                "Clear the purchase mode on the inventory item and dispense it again.",
                index,
            )


def _months_of(modifier: str) -> str:
    spans = [(r.first, r.last) for r in month_rows() if r.modifier == modifier]
    return ", ".join(f"month {a}" if a == b else f"months {a}-{b}" for a, b in spans)


def _month_choices() -> str:
    return ", ".join(
        f"{r.modifier} ({_months_of(r.modifier)}{' of a capped rental' if r.capped_only else ''})"
        for r in month_rows()
    )


def check_rental_month(ctx: ScrubContext) -> None:
    """A Medicare rental line (RR) names its month: KH the first, KI the second and third, KJ
    the fourth to fifteenth of a capped-rental item; exactly one, and KJ only where the table
    makes the item a capped rental (`rules.dme_rentals`). Other payers take RR alone."""
    if ctx.visit.payer.kind is not PayerKind.MEDICARE:
        return
    month_mods = {row.modifier: row for row in month_rows()}
    for index, service in enumerate(ctx.visit.services):
        asked = [m.strip().upper() for m in service.modifiers]
        if RENTAL not in asked:
            continue
        named = sorted({m for m in asked if m in month_mods})
        code = service.code.strip().upper()
        if len(named) != 1:
            ctx.add(
                "supply.rental-month",
                f"{code} is rented to a Medicare patient (RR): the line needs the rental "
                f"month's modifier, exactly one of {_month_choices()}; it has "
                f"{', '.join(named) or 'none'}.",
                _RENTAL_FIX,
                index,
            )
            continue
        row = month_mods[named[0]]
        line = rental_month(code, row.first, medicare=True)
        if line.modifiers != (RENTAL, row.modifier):
            why = line.refused or (
                "Cleannote's table bills it for capped-rental items only, and this is not one"
            )
            ctx.add(
                "supply.rental-month",
                f"{code} rented to a Medicare patient carries {row.modifier} "
                f"({_months_of(row.modifier)}): {why}",
                _RENTAL_FIX,
                index,
                row=line.source or row.source,
            )


CHECKS = (check_bundled, check_dme_modifiers, check_rental_month)
