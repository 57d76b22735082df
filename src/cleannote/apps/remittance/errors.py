"""Refusals of a remittance file: the message names the file, the segment and the problem, and
carries our own claim numbers and codes only, never a patient's name or member id.

A file the 835 reader refuses keeps the reader's code (ADR 0420), so a caller (a view, the API)
can tell a file that is not X12 from one that is cut short without reading the message.
"""

from __future__ import annotations

from cleannote.edi.error_codes import X12ReadErrorCode


class RemittanceError(ValueError):
    def __init__(self, subject: str, problem: str, *, code: X12ReadErrorCode | None = None) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
        self.code = code
