"""How the command line reports bad input: one line naming the bad value, exit status 2.

Exit statuses, the same for every command: 0 done (every visit clean), 1 findings (a visit with
an error finding, a code not billable: the answer is "no"), 2 bad input (one line names it),
3 the run stopped part way (a `--jobs` worker process died, or a bug in Cleannote: what was
written before is incomplete). A script may retry on 3, never on 1 or 2.
"""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_CRASH = 3


class WorkerCrashed(Exception):
    """A worker process ended without an answer (killed, out of memory): exit 3, one line."""


class UsageError(Exception):
    """Input the command cannot act on; `main` prints it on one line and exits 2."""


# A quoted value of more than 120 characters (no code, date or file name is that long) is cut
# to its first 60 in an error, so a hostile argument stays one short line; argparse and the
# commands quote what they refuse.
_LONG_QUOTED = re.compile(r"'([^'\n]{60})[^'\n]{61,}'")


def one_short_line(message: str) -> str:
    """An error message on one line, each very long quoted value cut short."""
    return _LONG_QUOTED.sub(r"'\1...'", " ".join(message.split("\n")))
