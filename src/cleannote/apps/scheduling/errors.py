"""Refusals of scheduling actions; messages carry internal ids only."""

from __future__ import annotations


class SchedulingError(ValueError):
    def __init__(self, subject: str, problem: str) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
