"""Refusals of eligibility actions: the message names the check, file or segment and the
problem, never a patient's name or member id.

A refusal of the 270 writer or the 271 reader keeps the core's `code` (ADR 0420), so a caller
can tell a file that is not X12 from one cut short, or a set-up fault, without the message.
"""

from __future__ import annotations

from cleannote.edi.error_codes import WriteErrorCode, X12ReadErrorCode


class EligibilityError(ValueError):
    def __init__(
        self,
        subject: str,
        problem: str,
        *,
        code: WriteErrorCode | X12ReadErrorCode | None = None,
    ) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
        self.code = code
