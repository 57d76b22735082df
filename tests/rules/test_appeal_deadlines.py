"""A denied claim's appeal is due a payer-kind window after the determination, overridable per
payer; fewer than 14 days left is flagged (ADR 0706)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.appeal_deadlines import appeal_deadline
from cleannote.rules.payer_policy import default_policy, policy_with_overrides
from cleannote.rules.visit import PayerKind

DENIED_ON = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("kind", "window"),
    [(PayerKind.MEDICARE, 120), (PayerKind.MEDICARE_ADVANTAGE, 65), (PayerKind.MEDICAID, 60),
     (PayerKind.COMMERCIAL, 180), (PayerKind.AUTO_PIP, None), (PayerKind.AUTO_MEDPAY, None),
     (PayerKind.AUTO_LIABILITY, None), (PayerKind.WORKERS_COMP, None),
     (PayerKind.SELF_PAY, None)],
)  # fmt: skip
def test_the_appeal_windows_by_payer_kind(kind, window) -> None:
    assert default_policy(kind).appeal_days == window


# (payer kind, overrides, today, due, days left, flagged)
@pytest.mark.parametrize(
    ("kind", "overrides", "today", "due", "left", "urgent"),
    [
        pytest.param(PayerKind.MEDICARE, {}, dt.date(2026, 3, 10), dt.date(2026, 6, 30), 112,
                     False, id="medicare-120-days"),
        pytest.param(PayerKind.MEDICARE, {}, dt.date(2026, 6, 16), dt.date(2026, 6, 30), 14,
                     False, id="near-miss-14-left-not-flagged"),
        pytest.param(PayerKind.MEDICARE, {}, dt.date(2026, 6, 17), dt.date(2026, 6, 30), 13,
                     True, id="13-left-flagged"),
        pytest.param(PayerKind.MEDICARE, {}, dt.date(2026, 7, 2), dt.date(2026, 6, 30), -2,
                     True, id="passed"),
        pytest.param(PayerKind.MEDICARE_ADVANTAGE, {}, DENIED_ON, dt.date(2026, 5, 6), 65,
                     False, id="medicare-advantage-65"),
        pytest.param(PayerKind.COMMERCIAL, {"appeal_days": 90}, dt.date(2026, 5, 25),
                     dt.date(2026, 5, 31), 6, True, id="payer-override-90"),
    ],
)  # fmt: skip
def test_the_deadline_and_days_left(kind, overrides, today, due, left, urgent) -> None:
    deadline = appeal_deadline(policy_with_overrides(kind, **overrides), DENIED_ON, today)
    assert deadline is not None
    assert (deadline.due, deadline.days_left, deadline.urgent) == (due, left, urgent)


def test_no_window_or_no_determination_gives_no_deadline() -> None:
    assert appeal_deadline(default_policy(PayerKind.AUTO_PIP), DENIED_ON, DENIED_ON) is None
    assert appeal_deadline(default_policy(PayerKind.MEDICARE), None, DENIED_ON) is None
