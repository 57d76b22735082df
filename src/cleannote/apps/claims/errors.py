"""Refusals of claim actions, as ValueErrors whose message names the claim and the rule hit.

Messages carry internal ids, codes and statuses only, never a patient's name or member id.
"""

from __future__ import annotations

from cleannote.edi.error_codes import WriteErrorCode
from cleannote.rules.findings import Finding


class ClaimError(ValueError):
    """The action does not fit the claim, the note or the batch it was asked about.

    A refusal of the 837P writer keeps the writer's `code` (ADR 0420), so a caller can tell a
    trading-partner set-up fault from a claim to fix without reading the message."""

    def __init__(self, subject: str, problem: str, *, code: WriteErrorCode | None = None) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
        self.code = code


class ClaimRefusedError(ClaimError):
    """The scrubber found errors: no claim is created until the note (or its record) is fixed
    (`subject` names the claim when a corrected claim of it is refused).

    `findings` holds every finding, so a page can show the errors and their fixes.
    """

    def __init__(self, note_id: int, findings: tuple[Finding, ...], *, subject: str = "") -> None:
        errors = [f for f in findings if f.severity.value == "error"]
        rules = ", ".join(sorted({f.rule for f in errors}))
        super().__init__(subject or f"note {note_id}", f"{len(errors)} error finding(s): {rules}")
        self.findings = findings
