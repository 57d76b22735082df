"""When a denied claim's first-level appeal is due, from the payer's window.

The window is the payer policy table's `appeal_days` (rules/data/payer_policies.json, one row
per payer kind with its source: Medicare redetermination 120 days, 42 CFR 405.942(a); Medicare
Advantage reconsideration 65 days, 42 CFR 422.582(a); Medicaid held at 60 days, set per state;
commercial 180 days, 29 CFR 2560.503-1(h)(3)(i)), overridden per payer on its record. It counts
from the payer's determination: the remittance (835) that denied the claim. The caller gives
today (the core never reads the clock). See docs/decisions/0706.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cleannote.rules.payer_policy import PayerPolicy

# Days left from which a deadline is flagged: two weeks to gather the record, write the letter
# and send it with proof of the date.
APPEAL_WARNING_DAYS = 14


@dataclass(frozen=True, slots=True)
class AppealDeadline:
    due: dt.date
    days_left: int  # negative once the day has passed
    window_days: int

    @property
    def urgent(self) -> bool:
        """Fewer than `APPEAL_WARNING_DAYS` days left (or already past)."""
        return self.days_left < APPEAL_WARNING_DAYS

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def days_over(self) -> int:
        """Days since the last day to appeal (0 while it has not passed)."""
        return max(-self.days_left, 0)


def appeal_deadline(
    policy: PayerPolicy, determined_on: dt.date | None, today: dt.date
) -> AppealDeadline | None:
    """The last day to appeal, and the days left on `today`; None when the payer states no
    window or the claim has no determination date."""
    window = policy.appeal_days
    if window is None or determined_on is None:
        return None
    due = determined_on + dt.timedelta(days=window)
    return AppealDeadline(due=due, days_left=(due - today).days, window_days=window)


__all__ = ["APPEAL_WARNING_DAYS", "AppealDeadline", "appeal_deadline"]
