"""Time and units: is every timed service's time documented, possible, and worth its units?"""

from __future__ import annotations

from cleannote.rules.ncci import Mue
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.units import UNIT_MINUTES
from cleannote.rules.visit import UnitMethod, minute_of_day

_LINE_MUE = 1


def check_time_documented(ctx: ScrubContext) -> None:
    services = ctx.visit.services
    for index in ctx.timed:
        service = services[index]
        if service.start is not None and service.end is not None:
            if service.end < service.start:
                ctx.add(
                    "time.end-before-start",
                    f"{service.code}: the block stops at {service.end:%H:%M}, "
                    f"before it starts at {service.start:%H:%M}.",
                    "Correct the start or stop time of this block.",
                    index,
                )
            elif service.minutes is not None:
                span = minute_of_day(service.end) - minute_of_day(service.start)
                if span != service.minutes:
                    ctx.add(
                        "time.minutes-mismatch",
                        f"{service.code}: stamped {span} minutes but {service.minutes} "
                        "minutes entered; units use the stamped time.",
                        "Correct the start/stop times or the minutes so they agree.",
                        index,
                    )
        elif service.minutes is None:
            ctx.add(
                "time.missing",
                f"{service.code} is billed per 15 minutes but has no start and stop time "
                "and no minutes.",
                "Stamp the start and stop of this block, or enter its minutes.",
                index,
            )


def check_overlap(ctx: ScrubContext) -> None:
    """One provider cannot furnish two one-on-one timed services in the same minutes."""
    blocks: dict[str, list[tuple[int, int, int]]] = {}
    default_npi = ctx.visit.rendering_provider.npi
    services = ctx.visit.services
    for index in ctx.timed:
        service = services[index]
        began, ended = service.start, service.end
        if began is None or ended is None or ended < began:
            continue
        npi = service.rendering_npi or default_npi
        block = (began.hour * 60 + began.minute, ended.hour * 60 + ended.minute, index)
        spans = blocks.get(npi)
        if spans is None:
            blocks[npi] = [block]
        else:
            spans.append(block)
    for spans in blocks.values():
        if len(spans) == 1:
            continue
        spans.sort()
        # Compare each block with the latest-ending block before it, not only its neighbour:
        # a long block can overlap several that follow it.
        _start, latest_end, latest_index = spans[0]
        for start, end, index in spans[1:]:
            if start < latest_end:
                earlier = ctx.visit.services[latest_index].code
                ctx.add(
                    "time.overlap",
                    f"{ctx.visit.services[index].code} starts at {start // 60:02d}:"
                    f"{start % 60:02d}, before {earlier} (service {latest_index + 1}) stops; "
                    "the same provider cannot bill both for the overlapping minutes.",
                    "Correct the times so the blocks do not overlap, or record the second "
                    "block under the provider who furnished it.",
                    index,
                )
            if end > latest_end:
                latest_end, latest_index = end, index


def check_units(ctx: ScrubContext) -> None:
    services, procedures, units = ctx.visit.services, ctx.procedures, ctx.units
    for index in range(len(services)):
        procedure = procedures[index]
        if procedure is None:
            continue
        service = services[index]
        supported = units[index]
        billed = service.units
        if billed is not None and billed > supported and not _tie_swapped(ctx, index):
            method = _method_name(ctx)
            ctx.add(
                "units.unsupported",
                f"{service.code}: {billed} units billed but the documented minutes "
                f"support {supported} under the {method} method.",
                f"Bill {supported} unit(s), or document the missing time.",
                index,
            )
        minutes = ctx.minutes[index]
        if procedure.timed and supported == 0 and minutes is not None:
            # Missing or impossible times are time.missing / time.end-before-start.
            method = _method_name(ctx)
            ctx.add(
                "units.zero",
                f"{service.code}: {minutes} minutes earn no unit under the "
                f"{method} method; it stays in the note but is not billed.",
                "Nothing to bill; if more time was spent, correct the block's times.",
                index,
            )


def _method_name(ctx: ScrubContext) -> str:
    """The payer's unit method as a finding names it; wanted only when one is added."""
    return ctx.policy.unit_method.value.replace("_", "-")


def _tie_swapped(ctx: ScrubContext, index: int) -> bool:
    """Whether billing one unit more here is CMS's free choice between equal leftovers.

    Under the total-time method the day's last units go to the largest leftover minutes; when
    two codes' leftovers are equal, CMS lets the clinic bill the unit on either (BPM 100-04
    Ch.5 §20.2, the 20 + 20 minutes example), so an export that chose the other code is not
    overbilling as long as that code gave the unit up.
    """
    if ctx.policy.unit_method is not UnitMethod.CMS:
        return False
    services = ctx.visit.services
    billed, minutes = services[index].units, ctx.minutes[index]
    if billed != ctx.units[index] + 1 or not minutes or minutes % UNIT_MINUTES == 0:
        return False
    default_npi = ctx.visit.rendering_provider.npi
    npi = services[index].rendering_npi or default_npi
    for other, (service, procedure) in enumerate(zip(services, ctx.procedures, strict=True)):
        other_minutes = ctx.minutes[other]
        if (
            other != index
            and procedure is not None
            and procedure.timed
            and (service.rendering_npi or default_npi) == npi
            and other_minutes is not None
            and other_minutes % UNIT_MINUTES == minutes % UNIT_MINUTES
            and service.units == ctx.units[other] - 1
        ):
            return True
    return False


def check_mue(ctx: ScrubContext) -> None:
    """Line MUEs (MAI 1) judge each line; date-of-service MUEs (MAI 2, 3) the day's total."""
    day: dict[str, tuple[int, int, Mue]] = {}
    on = ctx.visit.date_of_service
    mue_for = ctx.mue.mue_for
    codes, units_of, procedures = ctx.billed_codes, ctx.units, ctx.procedures
    for index in range(len(codes)):
        units = units_of[index]
        if not units or procedures[index] is None:
            continue
        code = codes[index]
        counted = day.get(code)
        if counted is not None:  # a date-of-service MUE already found for this code
            total, first, mue = counted
            day[code] = (total + units, first, mue)
            continue
        found = mue_for(code, on)
        if found is None:
            continue
        if found.adjudication_indicator == _LINE_MUE:
            if units > found.value:
                _add_mue(ctx, code, units, found, "on one line", index)
            continue
        day[code] = (units, index, found)
    for code, (total, first, mue) in day.items():
        if total > mue.value:
            _add_mue(ctx, code, total, mue, "on one day", first)


def _add_mue(ctx: ScrubContext, code: str, units: int, mue: Mue, where: str, line: int) -> None:
    """An MUE from a CMS file (or a bundled row believed) is an error; one from a Cleannote
    default or a low-confidence row is a warning that says so (ADR 0320)."""
    limit = mue.value
    if mue.confirmed:
        rule, message = "units.mue", f"{code}: {units} units {where} exceed the MUE of {limit}."
    else:
        rule = "units.mue-unconfirmed"
        message = (
            f"{code}: {units} units {where} exceed Cleannote's bundled limit of {limit} "
            f"({mue.provenance}: import the CMS MUE file)."
        )
    ctx.add(
        rule,
        message,
        f"Bill at most {limit} unit(s) of {code}, or appeal with records if more was truly "
        "medically necessary.",
        line,
        row=mue.provenance,
    )


CHECKS = (check_time_documented, check_overlap, check_units, check_mue)
