"""A command with actions of its own (`cleannote icd check`, `cleannote refdata show`): the
command is described by the first line of its module's docstring, and one of its actions must
be named (argparse then lists them). Every such command group registers the same way, here."""

from __future__ import annotations

import argparse
from typing import Any


def add_action_group(
    subparsers: Any, name: str, doc: str | None, *, help: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Register command `name`; returns its actions, for `add_parser` of each action (the one
    named is `<name>_command` in the parsed arguments)."""
    parser = subparsers.add_parser(
        name, help=help, description=doc.splitlines()[0] if doc else None
    )
    actions: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest=f"{name}_command", metavar="ACTION"
    )
    actions.required = True
    return actions
