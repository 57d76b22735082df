"""Remote therapeutic monitoring: device-supply tiers and periods, management time floors.

Device days and management minutes come from the service: `parameters["device_days"]` for
device-supply codes, and the block's documented minutes for management codes.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from cleannote.rules.catalog import RtmRole, all_procedures
from cleannote.rules.rtm import (
    PERIOD_DAYS,
    TEN_MINUTE_CODE,
    TWENTY_MINUTE_CODE,
    device_supply_code,
    device_supply_tiers,
)
from cleannote.rules.scrub.context import ScrubContext

_PERIOD = dt.timedelta(days=PERIOD_DAYS)
_MANAGEMENT = RtmRole.MANAGEMENT.value


@cache
def _device_tiers() -> dict[str, tuple[str, int, int]]:
    """Device-supply code -> (family, first day, last day): the core's one RTM tier table
    (`rules/rtm.py`), keyed by code for the checks.

    History services are not resolved by the scrubber, so checks over them look codes up here
    instead of in the catalog for every past visit.
    """
    return {t.code: (t.family, t.first_day, t.last_day) for t in device_supply_tiers()}


def check_device_tier(ctx: ScrubContext) -> None:
    tiers = _device_tiers()
    if ctx.codes.isdisjoint(tiers):
        return
    for index, service in enumerate(ctx.visit.services):
        tier = tiers.get(ctx.billed_codes[index])
        if tier is None:
            continue
        days = service.parameters.get("device_days")
        if not isinstance(days, int) or isinstance(days, bool):
            continue
        family, low, high = tier
        if low <= days <= high:
            continue
        right = device_supply_code(family, days)
        ctx.add(
            "rtm.device-tier",
            f"{service.code} covers {low}-{high} days of data; {days} were recorded.",
            f"Bill {right} (the {days}-day tier) instead."
            if right
            else f"No device-supply code covers {days} days: do not bill device supply "
            "for this period.",
            index,
        )


def check_device_repeat(ctx: ScrubContext) -> None:
    tiers = _device_tiers()
    if ctx.codes.isdisjoint(tiers):
        return
    dos = ctx.visit.date_of_service
    devices = [i for i, code in enumerate(ctx.billed_codes) if code in tiers and ctx.units[i]]
    if not devices:
        return
    recent = [
        past.date_of_service
        for past in ctx.visit.history
        if dos - _PERIOD < past.date_of_service <= dos
        and any(h.code in tiers for h in past.services)
    ]
    if len(devices) > 1 or recent:
        code = ctx.visit.services[devices[-1]].code
        where = f" (one was also billed {max(recent).isoformat()})" if recent else ""
        ctx.add(
            "rtm.device-repeat",
            f"{code}: more than one RTM device-supply code in one 30-day period{where}.",
            "Bill one device-supply code per 30 days of monitoring.",
            devices[-1],
        )


@cache
def _management_codes() -> frozenset[str]:
    """Catalog codes of treatment management with a minutes floor, read once."""
    return frozenset(
        procedure.code
        for procedure in all_procedures()
        if procedure.rtm is not None
        and procedure.rtm.role == _MANAGEMENT
        and procedure.rtm.management_minutes_floor is not None
    )


def check_management_minutes(ctx: ScrubContext) -> None:
    if ctx.codes.isdisjoint(_management_codes()):
        return
    for index, procedure in enumerate(ctx.procedures):
        rtm = procedure.rtm if procedure is not None else None
        if rtm is None or rtm.role != _MANAGEMENT or rtm.management_minutes_floor is None:
            continue
        minutes = ctx.minutes[index]
        if minutes is None or minutes < rtm.management_minutes_floor:
            code = ctx.visit.services[index].code
            ctx.add(
                "rtm.management-minutes",
                f"{code} needs at least {rtm.management_minutes_floor} minutes of treatment "
                f"management this month; {minutes if minutes is not None else 'none'} "
                "documented.",
                "Document the management minutes (and the interactive contact), or bill "
                "the code the time supports.",
                index,
            )


_FIRST_MANAGEMENT = frozenset({TEN_MINUTE_CODE, TWENTY_MINUTE_CODE})


def check_98979_with_98980(ctx: ScrubContext) -> None:
    if ctx.codes.isdisjoint(_FIRST_MANAGEMENT):
        return
    services = ctx.visit.services
    here = [i for i, s in enumerate(services) if s.code in _FIRST_MANAGEMENT]
    if not here:
        return
    dos = ctx.visit.date_of_service
    month = {services[i].code for i in here}
    month.update(
        h.code
        for past in ctx.visit.history
        if (past.date_of_service.year, past.date_of_service.month) == (dos.year, dos.month)
        for h in past.services
        if h.code in _FIRST_MANAGEMENT
    )
    if month == _FIRST_MANAGEMENT:
        ctx.add(
            "rtm.98979-with-98980",
            f"{services[here[-1]].code}: 98979 and 98980 are both billed for the same "
            "calendar month.",
            "Bill 98980 (20 minutes or more) or 98979 (10-19 minutes) for the month, not both.",
            here[-1],
        )


CHECKS = (check_device_tier, check_device_repeat, check_management_minutes, check_98979_with_98980)
