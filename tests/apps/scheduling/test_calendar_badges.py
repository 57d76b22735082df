"""A grid card's badges drawn in Python (`calendar_grid.badge_drawer`, ADR 0674) are the bytes
`_appointment_badges.html` gives inside a grid, for every combination the template draws:
eligibility answers in each shape, the reminder's reply, forward flags, and markup in every
text a person or a payer wrote (escaped the same way)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.scheduling.calendar_grid import Card, CardLinks, badge_drawer
from cleannote.apps.scheduling.coverage_badges import CoverageBadge
from cleannote.apps.scheduling.models import Appointment
from cleannote.platform.clock import HourCycle
from cleannote.rules.findings import Severity
from cleannote.rules.forward_view import Flag, FlagKind, Remedy

REPLIED = dt.datetime(2027, 3, 2, 19, 5, tzinfo=dt.UTC)
DAY = dt.date(2027, 3, 4)
FLAGS = (
    Flag(FlagKind.PROGRESS_REPORT, Severity.WARNING, "Visit 10 <needs> a report", DAY,
         Remedy.PLAN_PROGRESS_REPORT, 7),
    Flag(FlagKind.PLAN_ENDED, Severity.ERROR, 'Plan "ended" & gone', DAY, Remedy.RECERTIFY_PLAN, 7),
)  # fmt: skip
BADGES = {
    "none": None,
    "plain": CoverageBadge(label="Active", tone="good", url="/eligibility/1/"),
    "everything": CoverageBadge(
        label="Active <PT>",
        tone="warn",
        url="/eligibility/2/?a=1&b=2",
        visits_left=7,
        service="PT & OT",
        copay=Decimal("17.6"),
        authorization_required=True,
        medicare_advantage=True,
        note='Ask about "MA" <plan>',
        for_this_visit=False,
    ),
    "zero left, no copay": CoverageBadge(
        label="Active", tone="bad", url="/e/", visits_left=0, service="PT", copay=Decimal("0")
    ),
}
REPLIES = {"none": ("", None), "confirmed": ("confirmed", REPLIED),
           "cancelled": ("cancelled", REPLIED), "no time": ("confirmed", None)}  # fmt: skip


@pytest.mark.parametrize("cycle", [HourCycle.H12, HourCycle.H24])
@pytest.mark.parametrize("flags", [(), FLAGS[:1], FLAGS], ids=["no flags", "one", "two"])
@pytest.mark.parametrize("reply", list(REPLIES), ids=list(REPLIES))
@pytest.mark.parametrize("badge", list(BADGES), ids=list(BADGES))
def test_python_badges_are_the_templates_bytes(badge: str, reply: str, flags: Any, cycle) -> None:
    answer, at = REPLIES[reply]
    appointment = Appointment(pk=41, patient_reply=answer, patient_replied_at=at)
    card = Card(appointment)
    if BADGES[badge] is not None:
        card.extra["coverage"] = BADGES[badge]
    if flags:
        card.extra["flags"] = flags
    links = CardLinks(
        cycle=cycle,
        may_move=True,
        may_write=True,
        appointment_prefix=reverse("scheduling:appointment", args=[1]).removesuffix("1/"),
    )
    with timezone.override("America/Chicago"):
        expected = get_template("scheduling/_appointment_badges.html").render(
            {"card": card, "hour_cycle": cycle.value, "in_grid": True}
        )
        assert badge_drawer(links)(card) == expected
