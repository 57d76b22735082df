"""Refusals of the messaging actions, each naming the field and what is wrong (never PHI)."""

from __future__ import annotations


class MessageRefused(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class SenderRefused(Exception):
    """A sender would not take the message (ADR 0672). `kind` says what in plain words without
    the address or the body; `bad_address` is true when the address itself was refused, so the
    way forward is to fix it on the chart, not to try again as it is."""

    def __init__(self, kind: str, *, bad_address: bool = False) -> None:
        super().__init__(kind)
        self.kind = kind
        self.bad_address = bad_address
