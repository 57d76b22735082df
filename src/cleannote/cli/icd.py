"""`cleannote icd`: whether diagnosis codes can go on a claim, and which pairs Excludes1 forbids.

The first run in a process loads the ICD-10-CM tabular, which takes a few seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from cleannote.cli.action_groups import add_action_group
from cleannote.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from cleannote.rules.icd10 import ProblemKind, check, excludes1_conflict

_CHECK_EPILOG = (
    "exit status: 0 when every code is valid and billable, 1 when any is not "
    "(retired, 7th character or placeholder X missing, not billable, unknown, malformed), "
    "2 on a usage error"
)
_EXCLUDES_EPILOG = (
    "exit status: 0 when the two codes may be reported together, 1 when an Excludes1 note "
    "forbids it, 2 when a code is malformed or not in the code set"
)


def register(subparsers: Any) -> None:
    actions = add_action_group(subparsers, "icd", __doc__, help="check ICD-10-CM diagnosis codes")

    check_parser = actions.add_parser(
        "check",
        help="is each CODE valid and billable; if not, why and what to use instead",
        description="Is each CODE valid and billable; if not, why and what to use instead.",
        epilog=_CHECK_EPILOG,
    )
    check_parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    check_parser.add_argument("codes", nargs="+", metavar="CODE")
    check_parser.set_defaults(handler=run_check)

    excludes_parser = actions.add_parser(
        "excludes",
        help="does an Excludes1 note forbid reporting the two codes together",
        description="Does an Excludes1 note forbid reporting the two codes together?",
        epilog=_EXCLUDES_EPILOG,
    )
    excludes_parser.add_argument("first", metavar="CODE")
    excludes_parser.add_argument("second", metavar="CODE")
    excludes_parser.set_defaults(handler=run_excludes)


def run_check(args: argparse.Namespace) -> int:
    results = [check(code) for code in args.codes]
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in results], indent=2, default=str))
    else:
        for result in results:
            shown = result.code or repr(result.code)
            if result.valid:
                print(f"{shown}  valid  billable  {result.description}")
            else:
                print(f"{shown}  invalid  {result.advice}")
    return EXIT_OK if all(r.valid for r in results) else EXIT_FINDINGS


def run_excludes(args: argparse.Namespace) -> int:
    for code in (args.first, args.second):
        kind = check(code).problem_kind
        if kind in (ProblemKind.MALFORMED, ProblemKind.UNKNOWN):
            raise UsageError(f"icd excludes: {code!r} is not an ICD-10-CM code")
    first, second = check(args.first).code, check(args.second).code
    note = excludes1_conflict(first, second)
    if note is None:
        print(f"{first} + {second}  no Excludes1 conflict")
        return EXIT_OK
    print(f"{first} + {second}  Excludes1: {note}")
    return EXIT_FINDINGS
