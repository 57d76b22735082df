"""Time and units: is every timed service's time documented, possible, and worth its units?"""

from __future__ import annotations

import datetime as dt
import itertools

from cleannote.rules.scrub.context import ScrubContext


def _minute_of_day(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def check_time_documented(ctx: ScrubContext) -> None:
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if procedure is None or not procedure.timed:
            continue
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
                span = _minute_of_day(service.end) - _minute_of_day(service.start)
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
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if procedure is None or not procedure.timed:
            continue
        if service.start is None or service.end is None or service.end < service.start:
            continue
        npi = service.rendering_npi or default_npi
        blocks.setdefault(npi, []).append(
            (_minute_of_day(service.start), _minute_of_day(service.end), index)
        )
    for spans in blocks.values():
        spans.sort()
        for (_start_a, end_a, index_a), (start_b, _end_b, index_b) in itertools.pairwise(spans):
            if start_b < end_a:
                code_a = ctx.visit.services[index_a].code
                code_b = ctx.visit.services[index_b].code
                ctx.add(
                    "time.overlap",
                    f"{code_b} starts at {start_b // 60:02d}:{start_b % 60:02d}, before "
                    f"{code_a} (service {index_a + 1}) stops; the same provider cannot "
                    "bill both for the overlapping minutes.",
                    "Correct the times so the blocks do not overlap, or record the second "
                    "block under the provider who furnished it.",
                    index_b,
                )


def check_units(ctx: ScrubContext) -> None:
    method = ctx.policy.unit_method.value.replace("_", "-")
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if procedure is None:
            continue
        supported = ctx.units[index]
        if service.units is not None and service.units > supported:
            ctx.add(
                "units.unsupported",
                f"{service.code}: {service.units} units billed but the documented minutes "
                f"support {supported} under the {method} method.",
                f"Bill {supported} unit(s), or document the missing time.",
                index,
            )
        if procedure.timed and supported == 0 and ctx.minutes[index]:
            ctx.add(
                "units.zero",
                f"{service.code}: {ctx.minutes[index]} minutes earn no unit under the "
                f"{method} method; it stays in the note but is not billed.",
                "Nothing to bill; if more time was spent, correct the block's times.",
                index,
            )


def check_mue(ctx: ScrubContext) -> None:
    totals: dict[str, tuple[int, int]] = {}
    for index, code in enumerate(ctx.billed_codes):
        units = ctx.units[index]
        if units:
            total, _first = totals.get(code, (0, index))
            totals[code] = (total + units, _first if total else index)
    for code, (total, first_index) in totals.items():
        mue = ctx.mue.mue_for(code, ctx.visit.date_of_service)
        if mue is not None and total > mue.value:
            ctx.add(
                "units.mue",
                f"{code}: {total} units on one day exceed the MUE of {mue.value}.",
                f"Bill at most {mue.value} unit(s) of {code}, or appeal with records if "
                "more was truly medically necessary.",
                first_index,
            )


CHECKS = (check_time_documented, check_overlap, check_units, check_mue)
