"""`cleannote form cms1500`: scrub visits and print the clean ones on CMS-1500 (02/12) forms.

A visit with an error finding would be denied, so it is not printed: its errors go to stderr
as `scrub` would report them and the exit status is 1. Unreadable input, or a claim the form
cannot carry (an identifier too long for its box), is reported on one line and exits 2. Every
other visit is still printed, all into one PDF.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from cleannote.cli.claim_day import today
from cleannote.cli.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError
from cleannote.cli.refdata import data_dir_from_env, iso_date_argument
from cleannote.forms.cms1500 import (
    FormClaim,
    FormError,
    FormMode,
    check_form_claim,
    form_pages,
    render_cms1500,
)
from cleannote.private_files import write_private
from cleannote.rules.findings import ScrubResult, Severity
from cleannote.rules.ncci import active_tables
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import read_visits

DEFAULT_OUTPUT = "claims-cms1500.pdf"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    form = commands.add_parser("form", help="paper claim forms from visits")
    kinds = form.add_subparsers(dest="form_command", metavar="FORM", required=True)
    parser = kinds.add_parser(
        "cms1500",
        help="scrub visits and print the clean ones on CMS-1500 (02/12) forms, one PDF",
        description="Read visit-format files (.json, .jsonl), folders, or - for stdin; scrub "
        "each visit; print the clean ones. Exit 0 when every visit was printed, 1 when any "
        "was refused for error findings, 2 on bad input.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "-o",
        "--output",
        default=DEFAULT_OUTPUT,
        metavar="FILE",
        help=f"PDF to write (default {DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--data-only",
        action="store_true",
        help="print only the data, aligned for pre-printed red forms",
    )
    parser.add_argument(
        "--date",
        type=iso_date_argument,
        default=None,
        metavar="YYYY-MM-DD",
        help="signature date for box 31 (default today)",
    )
    parser.set_defaults(handler=_cms1500)


def _cms1500(args: argparse.Namespace) -> int:
    printed_on: date = args.date or today()
    ptp, mue = active_tables(data_dir_from_env())
    claims: list[FormClaim] = []
    refused = bad_input = False
    for item in read_visits(args.paths, stdin=sys.stdin):
        if item.error is not None:
            print(f"cleannote: error: {item.error}", file=sys.stderr)
            bad_input = True
            continue
        if item.visit is None:
            continue
        result = scrub(item.visit, ptp, mue, printed_on)
        if not result.clean:
            _report_refusal(result)
            refused = True
            continue
        claim = FormClaim(item.visit, result.lines)
        try:
            check_form_claim(claim)
        except FormError as error:
            print(f"cleannote: error: {error}", file=sys.stderr)
            bad_input = True
            continue
        claims.append(claim)
    if claims:
        mode = FormMode.DATA_ONLY if args.data_only else FormMode.FULL
        pdf = render_cms1500(claims, mode=mode, printed_on=printed_on)
        try:
            write_private(args.output, pdf)
        except OSError as exc:
            raise UsageError(f"cannot write {str(args.output)!r}: {exc.strerror}") from None
        pages = sum(len(form_pages(c, printed_on=printed_on)) for c in claims)
        print(f"{args.output}: {len(claims)} claims on {pages} pages ({mode.value})")
    else:
        print("no clean visits: no form written", file=sys.stderr)
    if bad_input:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if refused else EXIT_OK


def _report_refusal(result: ScrubResult) -> None:
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    print(
        f"visit {result.visit_id}: NOT CLEAN ({len(errors)} errors): not printed",
        file=sys.stderr,
    )
    for finding in errors:
        where = f" [service {finding.line + 1}]" if finding.line is not None else ""
        print(f"  {finding.rule}{where}: {finding.message}", file=sys.stderr)
        print(f"    fix: {finding.fix}", file=sys.stderr)
