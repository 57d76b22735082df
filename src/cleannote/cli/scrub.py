"""`cleannote scrub`: scrub visit-format files and report claim lines and findings.

Output streams: each visit is read, scrubbed and printed before the next is read, so a
million-visit file runs in constant memory. Bad input never stops the batch: the visit or file
that could not be read is reported (exit 2) and every other visit is still scrubbed. With
`--jobs N` the visits are scrubbed by N worker processes (`scrub_jobs.py`), same output; a
worker that dies stops the run with exit 3, never 1 (which means error findings).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from cleannote.cli.claim_day import add_as_of_argument, claim_day
from cleannote.cli.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK
from cleannote.cli.refdata import data_dir_from_env
from cleannote.rules.findings import Finding, ScrubResult, Severity
from cleannote.rules.ncci import MueTable, PtpTable, active_tables
from cleannote.rules.scrub.rule_catalog import all_rules
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import ReadItem, VisitFormatError, read_visits

_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_MAX_JOBS = 64  # more processes than this never helps a clinic's machine; a typo is refused

# One visit's report as printed: whether it is clean, and its JSON object or text block.
Report = tuple[bool, str]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "scrub",
        help="scrub visits: claim lines and every finding that would deny the claim",
        description="Scrub visit-format files (.json, .jsonl), folders, or - for stdin. "
        "Exit 0 when every visit is clean, 1 when any has an error finding, 2 on bad input, 3 "
        "when the run stopped part way (a --jobs worker process died, or a bug).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_as_of_argument(parser)
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="scrub in N processes, same output in the same order (0 or auto: one per CPU; "
        "default 1)",
    )
    parser.set_defaults(handler=_scrub)
    rules = commands.add_parser("rules", help="the scrub rule catalog")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="COMMAND", required=True)
    listing = rules_commands.add_parser("list", help="every rule with its source and why")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_rules_list)


def _jobs(text: str) -> int:
    """`--jobs`: 0 to _MAX_JOBS processes, or auto (0: one per CPU)."""
    if text == "auto":
        return 0
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and int(text) <= _MAX_JOBS):
        raise argparse.ArgumentTypeError(
            f"expected a number of processes from 0 to {_MAX_JOBS}, or auto"
        )
    return int(text)


def _scrub(args: argparse.Namespace) -> int:
    data_dir = data_dir_from_env()
    ptp, mue = active_tables(data_dir)  # in every case, so a broken data folder is said first
    errors: list[VisitFormatError] = []
    any_error = False
    out = sys.stdout
    as_of = claim_day(args)  # the day the claims are made (the core never reads the clock)
    jobs = args.jobs or os.cpu_count() or 1
    if jobs == 1:
        items = read_visits(args.paths, stdin=sys.stdin)
        any_error = _write(
            reports(items, errors, ptp, mue, as_of, as_json=args.json), errors, args.json, out
        )
    else:
        from cleannote.cli.scrub_jobs import reports_in_processes  # multiprocessing when asked

        with reports_in_processes(
            args.paths,
            sys.stdin,
            errors,
            jobs=jobs,
            data_dir=data_dir,
            as_of=as_of,
            as_json=args.json,
        ) as in_order:
            any_error = _write(in_order, errors, args.json, out)
    for error in errors:
        print(f"cleannote: error: {error}", file=sys.stderr)
    if errors:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any_error else EXIT_OK


def _results(
    items: Iterable[ReadItem],
    errors: list[VisitFormatError],
    ptp: PtpTable,
    mue: MueTable,
    as_of: dt.date | None = None,
) -> Iterator[ScrubResult]:
    for item in items:
        if item.error is not None:
            errors.append(item.error)
        elif item.visit is not None:
            yield scrub(item.visit, ptp, mue, as_of)


def reports(
    items: Iterable[ReadItem],
    errors: list[VisitFormatError],
    ptp: PtpTable,
    mue: MueTable,
    as_of: dt.date | None,
    *,
    as_json: bool,
) -> Iterator[Report]:
    """Each visit's report in input order; what could not be read is appended to `errors`.
    `--jobs N` workers call this too, so their output is the same byte for byte."""
    for result in _results(items, errors, ptp, mue, as_of):
        if as_json:
            yield result.clean, json.dumps(result_to_dict(result))
        else:
            text = io.StringIO()
            _write_text(result, text)
            yield result.clean, text.getvalue()


def _write(
    visit_reports: Iterable[Report], errors: list[VisitFormatError], as_json: bool, out: TextIO
) -> bool:
    """Write the reports (and, as JSON, the errors after them); True when any is not clean."""
    if as_json:
        return _write_json(visit_reports, errors, out)
    any_error = False
    for clean, text in visit_reports:
        any_error |= not clean
        out.write(text)
    return any_error


def result_to_dict(result: ScrubResult) -> dict[str, object]:
    return {
        "id": result.visit_id,
        "clean": result.clean,
        "lines": [
            {
                "code": line.code,
                "units": line.units,
                "modifiers": list(line.modifiers),
                "diagnosis_pointers": list(line.diagnosis_pointers),
                "charge": str(line.charge),
            }
            for line in result.lines
        ],
        "findings": [_finding_dict(f) for f in result.findings],
    }


def _finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "line": finding.line,
        "message": finding.message,
        "fix": finding.fix,
        "source": finding.source,
    }


def _write_json(
    visit_reports: Iterable[Report], errors: list[VisitFormatError], out: TextIO
) -> bool:
    any_error = False
    out.write('{"visits": [')
    for count, (clean, text) in enumerate(visit_reports):
        any_error |= not clean
        out.write(("," if count else "") + "\n  " + text)
    out.write("\n],\n")
    error_rows = [
        {
            "source": e.source,
            "line": e.line,
            "visit_id": e.visit_id,
            "field": e.field,
            "message": str(e),
        }
        for e in errors
    ]
    out.write('"errors": ' + json.dumps(error_rows, indent=2) + "}\n")
    return any_error


def _write_text(result: ScrubResult, out: TextIO) -> None:
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in _SEVERITY_ORDER}
    state = "clean" if result.clean else "NOT CLEAN"
    out.write(
        f"visit {result.visit_id}: {state} ({counts[Severity.ERROR]} errors, "
        f"{counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} notes)\n"
    )
    for line in result.lines:
        modifiers = ",".join(line.modifiers) or "-"
        pointers = ",".join(str(p) for p in line.diagnosis_pointers) or "-"
        out.write(
            f"  {line.code:<6} x{line.units:<2} mod {modifiers:<12} dx {pointers:<8} "
            f"${line.charge}\n"
        )
    for severity in _SEVERITY_ORDER:
        group = [f for f in result.findings if f.severity is severity]
        if not group:
            continue
        out.write(f"  {severity.value}s:\n")
        for finding in group:
            where = f" [service {finding.line + 1}]" if finding.line is not None else ""
            out.write(f"    {finding.rule}{where}: {finding.message}\n")
            out.write(f"      fix: {finding.fix}\n")
    out.write("\n")


def _rules_list(args: argparse.Namespace) -> int:
    rules = all_rules()
    if args.json:
        rows = [
            {
                "id": r.id,
                "severity": r.severity.value,
                "title": r.title,
                "source": r.source,
                "why": r.why,
            }
            for r in rules
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for r in rules:
        print(f"{r.id:<30} {r.severity.value:<8} {r.title}")
        print(f"{'':<30} source: {r.source}")
        print(f"{'':<30} why: {r.why}")
    return EXIT_OK
