"""The day the claims are made, as the commands take it: `--as-of YYYY-MM-DD`, else today.

The core never reads the clock: `date.future-service` and `payer.timely-filing` judge the date
of service against this day, which the command passes in. Naming it makes a run repeatable (the
examples' outcomes are stated as of a day) and lets a biller ask "what if this goes out on the
1st?".
"""

from __future__ import annotations

import argparse
import datetime as dt

from cleannote.cli.refdata import iso_date_argument


def today() -> dt.date:
    """The machine's local date: the one place the command line reads the clock for a claim."""
    return dt.datetime.now().astimezone().date()


def add_as_of_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=iso_date_argument,
        metavar="YYYY-MM-DD",
        help="the day the claims are made, for the future-date and timely-filing rules "
        "(default today)",
    )


def claim_day(args: argparse.Namespace) -> dt.date:
    as_of: dt.date | None = getattr(args, "as_of", None)
    return as_of or today()
