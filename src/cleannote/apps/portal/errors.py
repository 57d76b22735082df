"""Why the portal refused something, naming the field and the problem (never an address)."""

from __future__ import annotations


class PortalRefused(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
