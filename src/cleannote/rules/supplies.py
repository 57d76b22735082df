"""Supplies and durable equipment a clinic dispenses from a note, as the scrubber bills them.

One table (`data/supplies.json`) says which HCPCS Level II codes Cleannote bills as supplies,
what kind each is, and which supplies a payer that bundles supplies (`PayerPolicy.
bundles_supplies`, on by default for Medicare, its plans and Medicaid; a clinic's payer
override turns it either way) pays within a service billed the same day. The inventory app
checks an item's code against it, the visit carries each billable dispense as a `Service`
whose `units` are the quantity, and the scrubber reads the same table for the line: its
units, its purchase or rental modifier, and whether it is bundled (ADR 0821).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from cleannote.rules.catalog import MedicareStatus, Procedure, TherapyDesignation
from cleannote.rules.visit import Discipline

SUPPLY_UNIT = "each item dispensed"
ANY_SERVICE = "*"


class SupplyKind(StrEnum):
    SUPPLY = "supply"  # used up: electrodes, tape, packs
    DME = "dme"  # durable medical equipment: bought (NU) or rented (RR)
    ORTHOTIC = "orthotic"  # braces and splints (L-codes), bought


class DmeMode(StrEnum):
    PURCHASE = "purchase"
    RENTAL = "rental"


# The one modifier a DME line carries for how the patient has it (HCPCS NU / RR).
DME_MODIFIERS: dict[DmeMode, str] = {DmeMode.PURCHASE: "NU", DmeMode.RENTAL: "RR"}


@dataclass(frozen=True, slots=True)
class Supply:
    code: str
    kind: SupplyKind
    descriptor: str
    source: str


@dataclass(frozen=True, slots=True)
class BundlingRow:
    supply: str
    with_codes: frozenset[str]  # `ANY_SERVICE` for any other billed line
    source: str


@cache
def _table() -> tuple[dict[str, Supply], dict[str, BundlingRow]]:
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("supplies.json").read_text("utf-8")
    )
    supplies = {
        e["code"]: Supply(e["code"], SupplyKind(e["kind"]), e["descriptor"], e["source"])
        for e in raw["supplies"]
    }
    rows: dict[str, BundlingRow] = {}
    for e in raw["bundling"]:
        if e["supply"] not in supplies:
            raise ValueError(f"supplies.json: bundling row for {e['supply']}, not a supply")
        rows[e["supply"]] = BundlingRow(e["supply"], frozenset(e["with"]), e["source"])
    return supplies, rows


def find_supply(code: str) -> Supply | None:
    """The table's supply for a HCPCS code, None when Cleannote does not bill it as a supply."""
    return _table()[0].get(code.strip().upper())


def all_supplies() -> tuple[Supply, ...]:
    return tuple(sorted(_table()[0].values(), key=lambda s: s.code))


def dme_modifier(kind: SupplyKind, mode: DmeMode | None) -> str | None:
    """NU or RR for durable medical equipment by how the patient has it; None for the rest.
    A DME item with no mode has no modifier, and the scrubber reports it."""
    if kind is not SupplyKind.DME or mode is None:
        return None
    return DME_MODIFIERS[mode]


def bundled_into(code: str, other_billed: Iterable[str]) -> tuple[str, BundlingRow] | None:
    """The billed code a supply is paid within under the bundling table, with the row, or None.
    `other_billed` are the visit's other billed codes (a supply never bundles into itself)."""
    row = _table()[1].get(code)
    if row is None:
        return None
    for other in other_billed:
        if other == code or find_supply(other) is not None:
            continue
        if ANY_SERVICE in row.with_codes or other in row.with_codes:
            return other, row
    return None


@cache
def supply_procedure(code: str) -> Procedure | None:
    """The scrubber's catalog entry for a supply code: untimed, never therapy, counted per item
    dispensed, furnished by any discipline; None for a code the table does not hold."""
    found = find_supply(code)
    if found is None:
        return None
    return Procedure(
        code=found.code,
        descriptor=found.descriptor,
        timed=False,
        unit=SUPPLY_UNIT,
        add_on_to=(),
        disciplines=frozenset(Discipline),
        medicare_therapy=TherapyDesignation.NEVER,
        medicare_status=MedicareStatus.PAYABLE,
        medicare_replacement=None,
        mue=99,
        documentation=(),
        needs_justification=False,
        guidance="Dispensed from the clinic's stock; the quantity is the units.",
        rtm=None,
        sources=(found.source,),
    )
