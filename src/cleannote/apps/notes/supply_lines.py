"""What a note dispensed from the clinic's stock, as the visit builder bills it (ADR 0821).

The inventory app sits above notes (it reads notes and locations); the visit builder asks it
through this hook which items each note dispensed. A billable item becomes a `Service` of the
visit (its HCPCS code, NU or RR, the quantity as units, the item's charge), so the scrubber and
the claim see it; a non-billable one only carries its cost, shown on the note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cleannote.platform.hooks import Hook, no_answer
from cleannote.rules.visit import Service


@dataclass(frozen=True, slots=True)
class DispensedSupply:
    name: str
    quantity: int
    billable: bool
    hcpcs: str
    modifiers: tuple[str, ...]
    charge: Decimal  # the line: per item × quantity
    cost: Decimal


DISPENSED_SUPPLIES: Hook[[Iterable[int]], dict[int, list[DispensedSupply]]] = Hook(
    "notes.dispensed_supplies", no_answer
)


def supply_services(
    supplies: Iterable[DispensedSupply], pointers: tuple[int, ...]
) -> tuple[Service, ...]:
    """The billable dispenses as services of the visit, after the treatment blocks."""
    return tuple(
        Service(
            code=s.hcpcs,
            charge=s.charge,
            units=s.quantity,
            modifiers=s.modifiers,
            diagnosis_pointers=pointers,
        )
        for s in supplies
        if s.billable and s.hcpcs
    )
