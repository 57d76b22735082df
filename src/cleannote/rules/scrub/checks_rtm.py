"""Remote therapeutic monitoring: device-supply tiers and periods, management time floors.

Device days and management minutes come from the service: `parameters["device_days"]` for
device-supply codes, and the block's documented minutes for management codes.
"""

from __future__ import annotations

import datetime as dt

from cleannote.rules.catalog import find_procedure
from cleannote.rules.scrub.context import ScrubContext

_PERIOD = dt.timedelta(days=30)


def _role(code: str) -> str | None:
    procedure = find_procedure(code)
    return procedure.rtm.role if procedure is not None and procedure.rtm is not None else None


def check_device_tier(ctx: ScrubContext) -> None:
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        rtm = procedure.rtm if procedure is not None else None
        if rtm is None or rtm.role != "device_supply" or rtm.device_days is None:
            continue
        days = service.parameters.get("device_days")
        if not isinstance(days, int) or isinstance(days, bool):
            continue
        low, high = rtm.device_days
        if not low <= days <= high:
            ctx.add(
                "rtm.device-tier",
                f"{service.code} covers {low}-{high} days of data; {days} were recorded.",
                f"Bill the device-supply code for the {days}-day tier instead.",
                index,
            )


def check_device_repeat(ctx: ScrubContext) -> None:
    dos = ctx.visit.date_of_service
    devices = [i for i, s in enumerate(ctx.visit.services) if _role(s.code) == "device_supply"]
    recent = [
        past.date_of_service
        for past in ctx.visit.history
        if dos - _PERIOD < past.date_of_service <= dos
        and any(_role(h.code) == "device_supply" for h in past.services)
    ]
    if len(devices) > 1 or (devices and recent):
        where = f" (also billed {max(recent).isoformat()})" if recent else ""
        ctx.add(
            "rtm.device-repeat",
            "More than one RTM device-supply code in one 30-day period" + where + ".",
            "Bill one device-supply code per 30 days of monitoring.",
            devices[-1],
        )


def check_management_minutes(ctx: ScrubContext) -> None:
    for index, procedure in enumerate(ctx.procedures):
        rtm = procedure.rtm if procedure is not None else None
        if rtm is None or rtm.role != "management" or rtm.management_minutes_floor is None:
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


def check_98979_with_98980(ctx: ScrubContext) -> None:
    dos = ctx.visit.date_of_service
    codes = {s.code for s in ctx.visit.services}
    same_month = {
        h.code
        for past in ctx.visit.history
        if (past.date_of_service.year, past.date_of_service.month) == (dos.year, dos.month)
        for h in past.services
    }
    here = codes | same_month
    if "98979" in here and "98980" in here and ({"98979", "98980"} & codes):
        index = next(i for i, s in enumerate(ctx.visit.services) if s.code in {"98979", "98980"})
        ctx.add(
            "rtm.98979-with-98980",
            "98979 and 98980 are both billed for the same calendar month.",
            "Bill 98980 (20 minutes or more) or 98979 (10-19 minutes) for the month, not both.",
            index,
        )


CHECKS = (check_device_tier, check_device_repeat, check_management_minutes, check_98979_with_98980)
