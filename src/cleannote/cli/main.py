"""Entry point: builds the argument parser from one module per command group.

Each command module exposes `register(subparsers)`; the sub-parser it adds sets `handler`, a
function taking the parsed arguments and returning the exit status. Bad input of any kind ends
as one line on stderr and exit status 2, never a traceback. A run that stops part way (a worker
process that died, or a bug: then with its traceback) exits 3, apart from findings (1).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from cleannote.cli.errors import (
    EXIT_BAD_INPUT,
    EXIT_CRASH,
    UsageError,
    WorkerCrashed,
    one_short_line,
)
from cleannote.rules.errors import RulesError

COMMAND_MODULES = (
    "cleannote.cli.units",
    "cleannote.cli.ncci",
    "cleannote.cli.refdata",
    "cleannote.cli.codes",
    "cleannote.cli.icd",
    "cleannote.cli.edi",
    "cleannote.cli.scrub",
    "cleannote.cli.form",
    "cleannote.cli.measures",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cleannote",
        description=__doc__.splitlines()[0],
        epilog="exit status: 0 done, 1 findings (e.g. a visit with an error finding), 2 bad "
        "input, 3 the run stopped part way (a worker process died, or a bug)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        status: int = args.handler(args)
    except (UsageError, RulesError) as exc:
        print(f"cleannote: error: {one_short_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    except WorkerCrashed as exc:
        print(f"cleannote: error: {exc}", file=sys.stderr)
        return EXIT_CRASH
    except Exception:
        traceback.print_exc()
        print("cleannote: error: stopped by a bug in Cleannote (the traceback is above); "
              "the output is incomplete", file=sys.stderr)  # fmt: skip
        return EXIT_CRASH
    return status


if __name__ == "__main__":
    sys.exit(main())
