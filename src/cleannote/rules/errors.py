"""Errors the core raises for bad input. Each names the bad value, never PHI."""

from __future__ import annotations


class RulesError(ValueError):
    """Base for input the rules core refuses; the CLI turns these into exit 2."""


class UnknownCodeError(RulesError):
    def __init__(self, code: str) -> None:
        shown = code if len(code) <= 12 else code[:9] + "..."  # one bad argument, one short line
        super().__init__(f"unknown procedure code {shown!r}: not in Cleannote's therapy catalog")
        self.code = code


class ReferenceDataError(RulesError):
    """A reference-data file (NCCI, MUE) has a bad row; nothing from that file is loaded."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem
