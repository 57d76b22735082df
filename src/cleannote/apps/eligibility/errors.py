"""Refusals of eligibility actions: the message names the check, file or segment and the
problem, never a patient's name or member id."""

from __future__ import annotations


class EligibilityError(ValueError):
    def __init__(self, subject: str, problem: str) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
