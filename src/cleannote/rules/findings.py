"""What the scrubber returns: claim lines a visit supports and findings against it.

The core never saves anything: callers (the CLI, the clinic app, the 837P writer) take these
values and decide what to do with them. A finding never carries PHI: it speaks of codes, line
numbers and rule ids, never of names, birth dates or member ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    fix: str
    source: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One service line as it would go on an 837P SV1 segment or a CMS-1500 line 24."""

    code: str
    units: int
    modifiers: tuple[str, ...]
    diagnosis_pointers: tuple[int, ...]
    charge: Decimal
    service_index: int


@dataclass(frozen=True, slots=True)
class ScrubResult:
    visit_id: str
    lines: tuple[ClaimLine, ...]
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)
