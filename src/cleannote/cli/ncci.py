"""`cleannote ncci CODE CODE` and `cleannote ncci mue CODE`: the edit in force on a date.

Reads the active tables: the last `cleannote refdata import` under $CLEANNOTE_DATA_DIR/refdata,
else the therapy subset bundled with Cleannote. Finding no edit is an answer, not an error (exit 0);
a code neither the therapy catalog nor those tables know is bad input (exit 2).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from typing import Any

from cleannote.cli.errors import EXIT_OK, UsageError
from cleannote.cli.refdata import data_dir_from_env, iso_date_argument
from cleannote.rules.catalog import find_procedure
from cleannote.rules.ncci import (
    ADJUDICATION_INDICATOR_MEANING,
    MODIFIER_INDICATOR_MEANING,
    UNDATED,
    Mue,
    MueTable,
    PtpEdit,
    PtpTable,
    active_tables,
    looks_like_hcpcs,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ncci",
        help="the NCCI PTP edit between two codes, or `ncci mue CODE`, in force on a date",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.add_argument(
        "--date",
        type=iso_date_argument,
        metavar="YYYY-MM-DD",
        help="date of service (default: today)",
    )
    parser.add_argument("codes", nargs="+", metavar="CODE", help="CODE CODE, or mue CODE")
    parser.set_defaults(handler=run)


def _code(text: str, ptp: PtpTable, mue: MueTable) -> str:
    """A code the answer can speak for: shaped like CPT/HCPCS and known to the therapy catalog
    or to the tables in use. Any other code gets exit 2, as `units` and `codes` give it, not
    "no edit in force", which would read as an all-clear for a typing error."""
    code = text.strip().upper()
    if not looks_like_hcpcs(code):
        raise UsageError(f"ncci: {text[:12]!r} is not a CPT/HCPCS code")
    if (
        find_procedure(code) is None
        and not any(m.code == code for m in mue)
        and not any(code in (e.column1, e.column2) for e in ptp)
    ):
        raise UsageError(
            f"ncci: unknown procedure code {code!r}: not in Cleannote's therapy catalog "
            "nor in the NCCI tables in use"
        )
    return code


def run(args: argparse.Namespace) -> int:
    on: date = args.date or datetime.now(UTC).astimezone().date()
    words: list[str] = args.codes
    ptp, mue_table = active_tables(data_dir_from_env())
    if words[0].lower() == "mue":
        if len(words) != 2:
            raise UsageError("ncci mue: expected exactly one CODE")
        code = _code(words[1], ptp, mue_table)
        _print_mue(code, on, mue_table.mue_for(code, on), as_json=args.json)
        return EXIT_OK
    if len(words) != 2:
        raise UsageError(f"ncci: expected two codes, got {len(words)}")
    first, second = _code(words[0], ptp, mue_table), _code(words[1], ptp, mue_table)
    _print_edit(first, second, on, ptp.edit_for(first, second, on), as_json=args.json)
    return EXIT_OK


def _edit_json(edit: PtpEdit) -> dict[str, Any]:
    return {
        "column1": edit.column1,
        "column2": edit.column2,
        "modifier_indicator": edit.modifier_indicator,
        "modifier_meaning": MODIFIER_INDICATOR_MEANING[edit.modifier_indicator],
        "pre_1996": edit.pre_1996,
        "effective": edit.effective.isoformat(),
        "deletion": edit.deletion.isoformat() if edit.deletion else None,
        "rationale": edit.rationale,
        "source": edit.source,
        "confidence": edit.confidence,
    }


def _print_edit(first: str, second: str, on: date, edit: PtpEdit | None, *, as_json: bool) -> None:
    if as_json:
        payload = {
            "codes": [first, second],
            "date": on.isoformat(),
            "edit": _edit_json(edit) if edit else None,
        }
        print(json.dumps(payload, indent=2, default=str))
        return
    if edit is None:
        print(f"no edit in force between {first} and {second} on {on.isoformat()}")
        return
    deletion = edit.deletion.isoformat() if edit.deletion else "none"
    print(f"NCCI PTP edit in force on {on.isoformat()}")
    print(f"  column 1:   {edit.column1}")
    print(f"  column 2:   {edit.column2}")
    print(
        f"  modifier:   {edit.modifier_indicator} "
        f"({MODIFIER_INDICATOR_MEANING[edit.modifier_indicator]})"
    )
    print(f"  effective:  {edit.effective.isoformat()}   deletion: {deletion}")
    print(f"  rationale:  {edit.rationale}")
    print(f"  source:     {edit.source} (confidence {edit.confidence})")


def _print_mue(code: str, on: date, mue: Mue | None, *, as_json: bool) -> None:
    if as_json:
        entry = None
        if mue is not None:
            entry = {
                "code": mue.code,
                "value": mue.value,
                "adjudication_indicator": mue.adjudication_indicator,
                "adjudication_meaning": ADJUDICATION_INDICATOR_MEANING[mue.adjudication_indicator],
                "effective": None if mue.effective == UNDATED else mue.effective.isoformat(),
                "deletion": mue.deletion.isoformat() if mue.deletion else None,
                "rationale": mue.rationale,
                "source": mue.source,
                "confidence": mue.confidence,
            }
        print(json.dumps({"code": code, "date": on.isoformat(), "mue": entry}, indent=2))
        return
    if mue is None:
        print(f"no MUE in force for {code} on {on.isoformat()}")
        return
    effective = "not dated" if mue.effective == UNDATED else mue.effective.isoformat()
    print(f"MUE in force for {code} on {on.isoformat()}")
    print(f"  units:      {mue.value}")
    print(
        f"  indicator:  {mue.adjudication_indicator} "
        f"({ADJUDICATION_INDICATOR_MEANING[mue.adjudication_indicator]})"
    )
    print(f"  effective:  {effective}")
    print(f"  rationale:  {mue.rationale}")
    print(f"  source:     {mue.source} (confidence {mue.confidence})")
