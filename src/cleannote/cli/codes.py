"""`cleannote codes`: look up the therapy procedure and modifier catalogs from the command line.

A biller or clinician asking "is 97035 timed, what is its MUE, what must my note say" gets the
same answer the scrubber uses, with the source of every fact.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cleannote.cli.action_groups import add_action_group
from cleannote.cli.errors import EXIT_OK
from cleannote.rules.catalog import Procedure, all_procedures, procedure
from cleannote.rules.modifiers import Modifier, all_modifiers


def register(subparsers: Any) -> None:
    actions = add_action_group(
        subparsers, "codes", __doc__, help="the therapy procedure and modifier catalogs"
    )

    listing = actions.add_parser("list", help="every procedure code, one per line")
    listing.add_argument("--json", action="store_true", help="print JSON with every attribute")
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="every attribute of one procedure code")
    show.add_argument("code", metavar="CODE")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.set_defaults(handler=run_show)

    mods = actions.add_parser("modifiers", help="the modifier catalog")
    mods.add_argument("--json", action="store_true", help="print JSON instead of text")
    mods.set_defaults(handler=run_modifiers)


def procedure_as_dict(p: Procedure) -> dict[str, Any]:
    """A procedure as plain JSON values, in the field order of data/procedures.json."""
    return {
        "code": p.code,
        "descriptor": p.descriptor,
        "timed": p.timed,
        "unit": p.unit,
        "disciplines": sorted(d.value for d in p.disciplines),
        "medicare_therapy": p.medicare_therapy.value,
        "medicare_status": p.medicare_status.value,
        "medicare_replacement": p.medicare_replacement,
        "mue": p.mue,
        "documentation": [d.value for d in p.documentation],
        "needs_justification": p.needs_justification,
        "guidance": p.guidance,
        "rtm": None
        if p.rtm is None
        else {
            "role": p.rtm.role,
            "family": p.rtm.family,
            "device_days": None if p.rtm.device_days is None else list(p.rtm.device_days),
            "management_minutes_floor": p.rtm.management_minutes_floor,
        },
        "sources": list(p.sources),
    }


def modifier_as_dict(m: Modifier) -> dict[str, Any]:
    return {
        "code": m.code,
        "meaning": m.meaning,
        "applies_when": m.applies_when,
        "kind": m.kind.value,
        "sources": list(m.sources),
    }


def run_list(args: argparse.Namespace) -> int:
    procedures = all_procedures()
    if args.json:
        _print_json([procedure_as_dict(p) for p in procedures])
        return EXIT_OK
    rows = [("CODE", "TIMED/UNIT", "DISCIPLINES", "MEDICARE", "STATUS", "MUE", "DESCRIPTOR")]
    rows += [
        (
            p.code,
            f"{'timed' if p.timed else 'untimed'}/{p.unit}",
            ",".join(sorted(d.value for d in p.disciplines)),
            p.medicare_therapy.value,
            p.medicare_status.value
            + (f"->{p.medicare_replacement}" if p.medicare_replacement else ""),
            str(p.mue),
            p.descriptor,
        )
        for p in procedures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    p = procedure(args.code)
    if args.json:
        _print_json(procedure_as_dict(p))
        return EXIT_OK
    data = procedure_as_dict(p)
    print(f"{p.code}  {p.descriptor}")
    print(f"  timed: {'yes' if p.timed else 'no'} ({p.unit})")
    print(f"  disciplines: {', '.join(data['disciplines'])}")
    print(f"  Medicare therapy code: {p.medicare_therapy.value}")
    status = p.medicare_status.value
    if p.medicare_replacement:
        status += f" (bill {p.medicare_replacement} instead)"
    print(f"  Medicare status: {status}")
    print(f"  MUE per day: {p.mue}")
    justify = "yes" if p.needs_justification else "no"
    print(f"  note must say why skilled care was needed: {justify}")
    print(f"  documentation: {', '.join(data['documentation'])}")
    if p.rtm is not None:
        rtm = ", ".join(f"{k}={v}" for k, v in data["rtm"].items() if v is not None)
        print(f"  remote monitoring: {rtm}")
    print(f"  guidance: {p.guidance}")
    print("  sources:")
    for source in p.sources:
        print(f"    - {source}")
    return EXIT_OK


def run_modifiers(args: argparse.Namespace) -> int:
    modifiers = all_modifiers()
    if args.json:
        _print_json([modifier_as_dict(m) for m in modifiers])
        return EXIT_OK
    kind_width = max(len(m.kind.value) for m in modifiers)
    for m in modifiers:
        print(f"{m.code:<3} {m.kind.value:<{kind_width}}  {m.meaning}")
    return EXIT_OK


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))
