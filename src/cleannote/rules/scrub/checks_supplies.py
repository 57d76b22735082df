"""Dispensed supplies and equipment: bundled supplies, and the purchase or rental modifier.

The bundling itself is decided once by the scrubber from `rules.supplies` (the line is left off
the claim); this check says so, and holds a durable-equipment line to exactly one of NU (bought)
or RR (rented), the modifier the dispensed item's purchase mode gives (ADR 0821).
"""

from __future__ import annotations

from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.supplies import DME_MODIFIERS, SUPPLY_UNIT, SupplyKind, find_supply

_DME_MODS = frozenset(DME_MODIFIERS.values())


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


CHECKS = (check_bundled, check_dme_modifiers)
