"""Refusals of a remittance file: the message names the file, the segment and the problem, and
carries our own claim numbers and codes only, never a patient's name or member id."""

from __future__ import annotations


class RemittanceError(ValueError):
    def __init__(self, subject: str, problem: str) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
