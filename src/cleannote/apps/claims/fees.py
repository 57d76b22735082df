"""Pricing claim lines from a location's fee schedule.

Fees are per unit (ADR 0111): a line's charge is the unit amount times the units the scrubber
assigned, so 3 units of 97110 at $65 charge $195. A schedule for the claim's payer wins over
the location's general schedule; among several in force on the date, the newest start wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from msgspec.structs import replace

from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, FeeSchedule, FeeScheduleEntry
from cleannote.apps.organisations.models import Location
from cleannote.rules.findings import ClaimLine


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


def price_lines(
    location: Location, payer_id: str, day: dt.date, lines: tuple[ClaimLine, ...]
) -> tuple[ClaimLine, ...]:
    """The lines with `charge` = per-unit fee × units; refuses a code the schedule lacks."""
    schedule = fee_schedule_for(location, payer_id, day)
    if schedule is None:
        raise ClaimError(
            f"location {location.pk}", f"no fee schedule in force on {day.isoformat()}"
        )
    fees: dict[str, Decimal] = dict(
        schedule.entries.filter(code__in={line.code for line in lines}, modifier="").values_list(
            "code", "amount"
        )
    )
    missing = sorted({line.code for line in lines} - set(fees))
    if missing:
        raise ClaimError(f"fee schedule {schedule.pk}", f"has no fee for {', '.join(missing)}")
    return tuple(replace(line, charge=fees[line.code] * line.units) for line in lines)


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
