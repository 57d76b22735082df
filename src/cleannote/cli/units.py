"""`cleannote units`: how many units the documented minutes support, per code and in total.

Timed codes share the day's minutes under the chosen method; untimed codes (evaluations,
97010, G0283, 92507, ...) are one unit each and stay out of the timed pool.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cleannote.cli.errors import EXIT_OK, UsageError
from cleannote.rules.catalog import is_timed
from cleannote.rules.units import TimedEntry, assign_units
from cleannote.rules.visit import UnitMethod

_METHODS = {"cms": UnitMethod.CMS, "per-code": UnitMethod.PER_CODE}
MINUTES_IN_A_DAY = 24 * 60  # no entry, and no day's entries together, can hold more


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "units",
        help="units for CODE=MINUTES entries (CMS total-time or per-code method)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "--method",
        choices=sorted(_METHODS),
        default="cms",
        help="cms pools all timed minutes (Medicare); per-code judges each code alone",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.add_argument("entries", nargs="+", metavar="CODE=MINUTES")
    parser.set_defaults(handler=run)


def _parse_entry(text: str) -> tuple[str, int]:
    code, sep, minutes_text = text.partition("=")
    code = code.strip().upper()
    if not sep or not code:
        raise UsageError(f"units: {_shown(text)!r} is not CODE=MINUTES")
    minutes_text = minutes_text.strip()
    if not minutes_text.isascii() or not minutes_text.isdigit():
        raise UsageError(
            f"units: {code}: minutes {_shown(minutes_text)!r} is not a whole number of 0 or more"
        )
    # More than five digits is more than a day, and int() of thousands of digits is refused.
    minutes = int(minutes_text) if len(minutes_text) <= 5 else MINUTES_IN_A_DAY + 1
    if minutes > MINUTES_IN_A_DAY:
        raise UsageError(
            f"units: {code}: {_shown(minutes_text)} minutes is more than a day holds "
            f"({MINUTES_IN_A_DAY:,})"
        )
    return code, minutes


def _shown(text: str) -> str:
    """The value as typed, cut short so one bad argument stays one short line."""
    return text if len(text) <= 12 else text[:9] + "..."


def run(args: argparse.Namespace) -> int:
    method = _METHODS[args.method]
    parsed = [_parse_entry(text) for text in args.entries]
    day = sum(minutes for _, minutes in parsed)
    if day > MINUTES_IN_A_DAY:
        raise UsageError(
            f"units: the entries add up to {day:,} minutes, more than a day holds "
            f"({MINUTES_IN_A_DAY:,})"
        )
    timed_flags = [is_timed(code) for code, _ in parsed]
    timed_entries = [
        TimedEntry(code, minutes)
        for (code, minutes), timed in zip(parsed, timed_flags, strict=True)
        if timed
    ]
    timed_units = iter(assign_units(timed_entries, method))
    units = [next(timed_units) if timed else 1 for timed in timed_flags]
    total = sum(units)
    if args.json:
        lines = [
            {"code": code, "minutes": minutes, "units": n, "timed": timed}
            for (code, minutes), n, timed in zip(parsed, units, timed_flags, strict=True)
        ]
        payload = {
            "method": method.value,
            "lines": lines,
            "total_units": total,
            "timed_minutes": sum(entry.minutes for entry in timed_entries),
        }
        print(json.dumps(payload, indent=2, default=str))
    else:
        for (code, _), n in zip(parsed, units, strict=True):
            print(f"{code} {n}")
        print(f"total {total}")
    return EXIT_OK
