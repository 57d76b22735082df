"""How the command line reports bad input: one line naming the bad value, exit status 2."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Input the command cannot act on; `main` prints it on one line and exits 2."""
