"""Refusals of the messaging actions, each naming the field and what is wrong (never PHI)."""

from __future__ import annotations


class MessageRefused(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
