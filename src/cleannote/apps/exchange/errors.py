"""Refusals of the exchange: a message naming the profile (or file) and what went wrong.

Messages carry profile names, hosts, file names and steps, never a file's content.
"""

from __future__ import annotations


class ExchangeError(ValueError):
    """Talking to a clearinghouse failed, or a profile or file does not fit the request."""

    def __init__(self, subject: str, problem: str, *, field: str | None = None) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
        self.field = field  # the profile field a form shows the problem on, if one
