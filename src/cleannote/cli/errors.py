"""How the command line reports bad input: one line naming the bad value, exit status 2."""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Input the command cannot act on; `main` prints it on one line and exits 2."""


# A quoted value of more than 120 characters (no code, date or file name is that long) is cut
# to its first 60 in an error, so a hostile argument stays one short line; argparse and the
# commands quote what they refuse.
_LONG_QUOTED = re.compile(r"'([^'\n]{60})[^'\n]{61,}'")


def one_short_line(message: str) -> str:
    """An error message on one line, each very long quoted value cut short."""
    return _LONG_QUOTED.sub(r"'\1...'", " ".join(message.split("\n")))
