"""The scrubber: one documented visit in, the claim lines it supports and its findings out.

Order matters only in the first steps: catalog entries, minutes and units must be known before
modifiers, and modifiers before the checks that explain them. The checks themselves are
independent and each reads the shared context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from cleannote.rules.catalog import MedicareStatus, Procedure, find_procedure
from cleannote.rules.findings import ClaimLine, ScrubResult
from cleannote.rules.modifier_assignment import assign_modifiers
from cleannote.rules.ncci import MueTable, PtpTable, bundled_mue, bundled_ptp
from cleannote.rules.payer_policy import PayerPolicy, policy_for
from cleannote.rules.scrub import (
    checks_diagnoses,
    checks_documentation,
    checks_pairs,
    checks_payer,
    checks_referral,
    checks_rtm,
    checks_time,
)
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.units import TimedEntry, assign_units
from cleannote.rules.visit import Service, Visit

Check = Callable[[ScrubContext], None]

CHECKS: tuple[Check, ...] = (
    *checks_diagnoses.CHECKS,
    *checks_referral.CHECKS,
    *checks_time.CHECKS,
    *checks_documentation.CHECKS,
    *checks_pairs.CHECKS,
    *checks_payer.CHECKS,
    *checks_rtm.CHECKS,
)


def scrub(visit: Visit, ptp: PtpTable | None = None, mue: MueTable | None = None) -> ScrubResult:
    """Scrub one visit against the bundled NCCI/MUE tables unless imported ones are given."""
    policy = policy_for(visit.payer)
    procedures = tuple(find_procedure(s.code) for s in visit.services)
    minutes = tuple(s.documented_minutes for s in visit.services)
    ctx = ScrubContext(
        visit=visit,
        policy=policy,
        ptp=ptp if ptp is not None else bundled_ptp(),
        mue=mue if mue is not None else bundled_mue(),
        procedures=procedures,
        billed_codes=_billed_codes(visit, procedures, policy),
        minutes=minutes,
        units=_units(visit.services, procedures, minutes, policy, visit.rendering_provider.npi),
    )
    ctx.modifiers = assign_modifiers(
        visit, ctx.units, policy, ctx.ptp, billed_codes=ctx.billed_codes
    )
    for check in CHECKS:
        check(ctx)
    return ScrubResult(visit.id, tuple(_claim_lines(ctx)), tuple(ctx.findings))


def scrub_all(visits: Iterable[Visit]) -> Iterator[ScrubResult]:
    ptp, mue = bundled_ptp(), bundled_mue()
    for visit in visits:
        yield scrub(visit, ptp, mue)


def _billed_codes(
    visit: Visit, procedures: tuple[Procedure | None, ...], policy: PayerPolicy
) -> tuple[str, ...]:
    """Codes as billed: a payer that refuses 97014 (Medicare and its plans) gets G0283."""
    replaces = not policy.accepts_97014
    return tuple(
        p.medicare_replacement
        if replaces
        and p is not None
        and p.medicare_status is MedicareStatus.INVALID
        and p.medicare_replacement
        else s.code
        for s, p in zip(visit.services, procedures, strict=True)
    )


def _units(
    services: tuple[Service, ...],
    procedures: tuple[Procedure | None, ...],
    minutes: tuple[int | None, ...],
    policy: PayerPolicy,
    default_npi: str,
) -> tuple[int, ...]:
    """Units per service: timed codes pooled per rendering provider, untimed codes one each.

    CMS pools a day's timed minutes per provider, so services by a second provider the same
    day (their `rendering_npi`) form their own pool.
    """
    units = [0] * len(services)
    pools: dict[str, list[int]] = {}
    for index, (service, procedure) in enumerate(zip(services, procedures, strict=True)):
        if procedure is None:
            continue
        if procedure.timed:
            if minutes[index]:
                pools.setdefault(service.rendering_npi or default_npi, []).append(index)
        else:
            units[index] = _untimed_units(procedure, minutes[index])
    for indexes in pools.values():
        entries = [TimedEntry(services[i].code, minutes[i] or 0) for i in indexes]
        for i, assigned in zip(indexes, assign_units(entries, policy.unit_method), strict=True):
            units[i] = assigned
    return tuple(units)


def _untimed_units(procedure: Procedure, minutes: int | None) -> int:
    """One per service, except RTM add-on management billed per additional 20 minutes."""
    rtm = procedure.rtm
    if rtm is not None and rtm.role == "management" and procedure.unit.startswith("each"):
        floor = rtm.management_minutes_floor or 20
        return max(1, (minutes or floor) // floor)
    return 1


def _claim_lines(ctx: ScrubContext) -> Iterator[ClaimLine]:
    modifiers = {m.service_index: m.modifiers for m in ctx.modifiers}
    for index, service in enumerate(ctx.visit.services):
        if ctx.procedures[index] is None or ctx.units[index] == 0:
            continue
        yield ClaimLine(
            code=ctx.billed_codes[index],
            units=ctx.units[index],
            modifiers=modifiers.get(index, ()),
            diagnosis_pointers=service.diagnosis_pointers,
            charge=service.charge,
            service_index=index,
        )
