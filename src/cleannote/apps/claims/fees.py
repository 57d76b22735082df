"""Pricing claim lines from a location's fee schedule.

Fees are per unit (ADR 0111): a line's charge is the unit amount times the units the scrubber
assigned, so 3 units of 97110 at $65 charge $195. A schedule for the claim's payer wins over
the location's general schedule; among several in force on the date, the newest start wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from msgspec.structs import replace

from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, FeeSchedule, FeeScheduleEntry
from cleannote.apps.organisations.models import Location
from cleannote.rules.findings import ClaimLine
from cleannote.rules.supplies import find_supply


def fee_schedule_for(location: Location, payer_id: str, day: dt.date) -> FeeSchedule | None:
    schedules = FeeSchedule.objects.filter(
        Q(payer_id="") | Q(payer_id=payer_id),
        location=location,
        effective_from__lte=day,
    ).filter(Q(effective_through__isnull=True) | Q(effective_through__gte=day))
    candidates = sorted(
        schedules, key=lambda s: (s.payer_id == payer_id, s.effective_from, s.pk), reverse=True
    )
    return candidates[0] if candidates else None


@dataclass
class FeeBook:
    """Fee schedules and their fees as read so far in one request, so the charge queue prices a
    thousand claims in a few queries per schedule and date, not two per claim. Only for the
    length of one transaction (a schedule edited later is read afresh by the next request)."""

    schedules: dict[tuple[int, str, dt.date], FeeSchedule | None] = field(default_factory=dict)
    fees: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    def schedule(self, location: Location, payer_id: str, day: dt.date) -> FeeSchedule | None:
        key = (location.pk, payer_id, day)
        if key not in self.schedules:
            self.schedules[key] = fee_schedule_for(location, payer_id, day)
        return self.schedules[key]

    def fees_of(self, schedule: FeeSchedule) -> dict[str, Decimal]:
        """The schedule's per-unit amounts of unmodified codes."""
        if schedule.pk not in self.fees:
            self.fees[schedule.pk] = dict(
                schedule.entries.filter(modifier="").values_list("code", "amount")
            )
        return self.fees[schedule.pk]


def price_lines(
    location: Location,
    payer_id: str,
    day: dt.date,
    lines: tuple[ClaimLine, ...],
    book: FeeBook | None = None,
) -> tuple[ClaimLine, ...]:
    """The lines with `charge` = per-unit fee × units; refuses a code the schedule lacks.
    A supply dispensed from the clinic's stock keeps the item's charge it came with (ADR 0821).
    `book` keeps schedules read for earlier claims of the same request."""
    book = book or FeeBook()
    schedule = book.schedule(location, payer_id, day)
    if schedule is None:
        raise ClaimError(
            f"location {location.pk}", f"no fee schedule in force on {day.isoformat()}"
        )
    fees = book.fees_of(schedule)
    supplies = {line.code for line in lines if find_supply(line.code) is not None}
    missing = sorted({line.code for line in lines} - set(fees) - supplies)
    if missing:
        raise ClaimError(f"fee schedule {schedule.pk}", f"has no fee for {', '.join(missing)}")
    return tuple(
        line if line.code in supplies else replace(line, charge=fees[line.code] * line.units)
        for line in lines
    )


def contracted_rates(schedule: FeeSchedule | None) -> dict[tuple[str, str], Decimal]:
    """The schedule's contracted per-unit amounts by (code, modifier) (ADR 0720)."""
    if schedule is None:
        return {}
    entries = FeeScheduleEntry.objects.filter(schedule=schedule, contracted_amount__isnull=False)
    return {
        (code, modifier): amount
        for code, modifier, amount in entries.values_list("code", "modifier", "contracted_amount")
        if amount is not None
    }


def contracted_rate(
    contracted: dict[tuple[str, str], Decimal], code: str, modifiers: Iterable[str]
) -> Decimal | None:
    """The rate for the first of the line's modifiers the contract names, else the code's."""
    for modifier in modifiers:
        if (code, modifier) in contracted:
            return contracted[(code, modifier)]
    return contracted.get((code, ""))


def expected_allowed(claim: Claim) -> dict[int, Decimal]:
    """Per claim line id, the contracted rate × units of the payer's contract in force on the
    date of service; lines without a contracted rate are left out."""
    rates = contracted_rates(
        fee_schedule_for(claim.location, claim.payer_id, claim.date_of_service)
    )
    out: dict[int, Decimal] = {}
    for line in claim.lines.all():
        rate = contracted_rate(rates, line.code, line.modifiers)
        if rate is not None:
            out[line.pk] = rate * line.units
    return out
