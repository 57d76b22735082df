"""The eligibility answer shown on each appointment (ADR 0633).

Eligibility sits above scheduling, so the schedule asks `coverage_badges` for a badge per
appointment and eligibility answers at start-up (ADR 0401); the badge carries everything the
schedule shows, the link included, so no scheduling template knows eligibility's models.
Without eligibility the answer is empty and the schedule shows "not checked".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from cleannote.platform.hooks import Hook, no_answer


@dataclass(frozen=True, slots=True)
class CoverageBadge:
    """`tone` is good, warn or bad (the badge colour); `note` says why a check was not sent or
    what to do about a reject; `url` opens the full answer."""

    label: str
    tone: str
    url: str
    visits_left: int | None = None
    service: str = ""
    copay: Decimal | None = None
    authorization_required: bool | None = None
    other_payer: str = ""
    medicare_advantage: bool = False
    note: str = ""
    for_this_visit: bool = True


# {appointment id: its badge} for (appointment id, patient id) pairs of one organisation, in
# a fixed number of queries whatever the number of appointments.
coverage_badges: Hook[[int, Iterable[tuple[int, int]]], Mapping[int, CoverageBadge]] = Hook(
    "scheduling.coverage_badges", no_answer
)
