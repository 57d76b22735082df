"""What the scrubber returns: claim lines a visit supports and findings against it.

The core never saves anything: callers (the CLI, the clinic app, the 837P writer) take these
values and decide what to do with them. A finding never carries PHI: it speaks of codes, line
numbers and rule ids, never of names, birth dates or member ids.

The three are frozen `msgspec` structs rather than frozen dataclasses: a scrub makes several
lines and findings per visit, and a struct is built in compiled code, about six times faster
than a frozen dataclass's `__init__` (docs/decisions/0300). They compare, hash, print and pickle
alike; change one with `msgspec.structs.replace`. They hold no cycles, so the garbage collector
need not track them (`gc=False`).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import msgspec


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(msgspec.Struct, frozen=True, gc=False):
    rule: str
    severity: Severity
    message: str
    fix: str
    source: str
    line: int | None = None


class ClaimLine(msgspec.Struct, frozen=True, gc=False):
    """One service line as it would go on an 837P SV1 segment or a CMS-1500 line 24."""

    code: str
    units: int
    modifiers: tuple[str, ...]
    diagnosis_pointers: tuple[int, ...]
    charge: Decimal
    service_index: int


class ScrubResult(msgspec.Struct, frozen=True, gc=False):
    visit_id: str
    lines: tuple[ClaimLine, ...]
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)
