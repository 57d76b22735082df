"""`cleannote edi 837`: scrub visit-format files and write the clean visits as one 837P.

A visit with an error finding is refused: it is named on stderr with its error rules and left
out of the file, and the exit status is 1. A file or visit that cannot be read is reported the
same way with exit status 2; the other visits are still written. The clock is read here, never
in the writer, and control numbers come from `--control` (the clinic app allocates them from
its database instead).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from cleannote.cli.claim_day import add_as_of_argument, claim_day
from cleannote.cli.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError
from cleannote.cli.refdata import data_dir_from_env
from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import ClaimToSend, write_837p
from cleannote.private_files import write_private
from cleannote.rules.findings import Severity
from cleannote.rules.ncci import active_tables
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import read_visits

PROGRESS_EVERY = 10_000


def register_837(commands: Any) -> None:
    parser = commands.add_parser(
        "837",
        help="scrub visit files and write the clean visits as one 837P",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="visit files, folders or -")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    parser.add_argument(
        "--control", type=int, default=1, help="ISA13/GS06/first ST02 control number (default 1)"
    )
    parser.add_argument("--sender-id", default="CLEANNOTE", help="ISA06/GS02 and 1000A id")
    parser.add_argument("--sender-name", default="CLEANNOTE", help="1000A submitter name")
    parser.add_argument("--contact-name", default="BILLING OFFICE", help="1000A PER contact")
    parser.add_argument("--contact-phone", default="2175550100", help="1000A PER phone")
    parser.add_argument("--receiver-id", default="CLEARINGHOUSE", help="ISA08/GS03 and 1000B id")
    parser.add_argument("--receiver-name", default="CLEARINGHOUSE", help="1000B receiver name")
    parser.add_argument(
        "--usage", choices=("P", "T"), default="T", help="ISA15: P production, T test (default)"
    )
    add_as_of_argument(parser)
    parser.set_defaults(handler=run_837)


def run_837(args: argparse.Namespace) -> int:
    ptp, mue = active_tables(data_dir_from_env())
    as_of = claim_day(args)  # the file's creation date (BHT04)
    claims: list[ClaimToSend] = []
    refused = bad = 0
    for count, item in enumerate(read_visits(args.paths, stdin=sys.stdin), start=1):
        if count % PROGRESS_EVERY == 0:
            print(f"cleannote: {count} visits read", file=sys.stderr)
        if item.error is not None:
            bad += 1
            print(f"cleannote: error: {item.error}", file=sys.stderr)
            continue
        if item.visit is None:
            continue
        result = scrub(item.visit, ptp, mue, as_of)
        if not result.clean:
            refused += 1
            errors = [f for f in result.findings if f.severity is Severity.ERROR]
            print(
                f"cleannote: visit {result.visit_id} refused: "
                f"{', '.join(sorted({f.rule for f in errors}))}",
                file=sys.stderr,
            )
            for finding in errors:
                print(f"  {finding.rule}: {finding.message}", file=sys.stderr)
            continue
        claims.append(ClaimToSend(visit=item.visit, lines=result.lines))
    if claims:
        _write(args, claims)
    else:
        print("cleannote: no clean visit: no 837P written", file=sys.stderr)
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if refused or not claims else EXIT_OK


def _created(args: argparse.Namespace) -> dt.datetime:
    """The file's creation time (ISA09/GS04/BHT04): now, on the `--as-of` day when given."""
    now = dt.datetime.now().astimezone()
    return now if args.as_of is None else dt.datetime.combine(args.as_of, now.timetz())


def _write(args: argparse.Namespace, claims: list[ClaimToSend]) -> None:
    if args.control < 1:
        raise UsageError(f"--control {args.control}: must be a positive number")
    data = write_837p(
        claims,
        submitter=Submitter(
            name=args.sender_name,
            id=args.sender_id,
            contact_name=args.contact_name,
            contact_phone=args.contact_phone,
        ),
        receiver=Receiver(name=args.receiver_name, id=args.receiver_id),
        control=ControlNumbers(args.control, args.control, args.control),
        created=_created(args),
        usage=args.usage,
    )
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_private(args.output, data)
    except OSError as exc:
        raise UsageError(f"cannot write {str(args.output)!r}: {exc.strerror}") from None
    print(f"cleannote: wrote {len(claims)} claims to {args.output}", file=sys.stderr)
