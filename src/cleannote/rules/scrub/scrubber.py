"""The scrubber: one documented visit in, the claim lines it supports and its findings out.

Order matters only in the first steps: catalog entries, minutes and units must be known before
modifiers, and modifiers before the checks that explain them. The checks themselves are
independent and each reads the shared context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from cleannote.rules.catalog import MedicareStatus, Procedure, find_procedure
from cleannote.rules.findings import ClaimLine, ScrubResult
from cleannote.rules.modifier_assignment import assign_modifiers, ncci_pairs
from cleannote.rules.ncci import MueTable, PtpTable, bundled_mue, bundled_ptp
from cleannote.rules.payer_policy import PayerPolicy, policy_for
from cleannote.rules.scrub import (
    checks_chart,
    checks_claim_data,
    checks_claim_format,
    checks_dates,
    checks_diagnoses,
    checks_documentation,
    checks_lines,
    checks_msp,
    checks_pairs,
    checks_patient,
    checks_payer,
    checks_referral,
    checks_rtm,
    checks_scope,
    checks_supplies,
    checks_time,
    checks_timely_filing,
)
from cleannote.rules.scrub.context import Replacement, ScrubContext
from cleannote.rules.supplies import SUPPLY_UNIT, bundled_into, supply_procedure
from cleannote.rules.units import units_for_minutes
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
    *checks_claim_data.CHECKS,
    *checks_claim_format.CHECKS,
    *checks_msp.CHECKS,
    *checks_scope.CHECKS,
    *checks_patient.CHECKS,
    *checks_dates.CHECKS,
    *checks_lines.CHECKS,
    *checks_chart.CHECKS,
    *checks_timely_filing.CHECKS,
    *checks_supplies.CHECKS,
)
_INVALID = MedicareStatus.INVALID


def scrub(
    visit: Visit,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    as_of: dt.date | None = None,
    replaces: Replacement | None = None,
    prior_remitted_on: dt.date | None = None,
) -> ScrubResult:
    """Scrub one visit against the bundled NCCI/MUE tables unless imported ones are given.

    `as_of` is the day the claim is made (the caller's today: the core never reads the clock);
    a date of service after it is `date.future-service`. Without it that rule does not run.
    `replaces` says the claim made replaces one the payer took (timely filing then follows the
    payer's corrected-claim rule). `prior_remitted_on` is the prior payer's remittance date
    for a claim billing a payer after another (timely filing may count from it, ADR 0705).
    """
    policy = policy_for(visit.payer)
    services = visit.services
    procedures, minutes, billed_codes, timed, named = _resolve(services, policy)
    units = _units(services, procedures, minutes, policy, visit.rendering_provider.npi)
    ptp = ptp if ptp is not None else bundled_ptp()
    ctx = ScrubContext(
        visit=visit,
        policy=policy,
        ptp=ptp,
        mue=mue if mue is not None else bundled_mue(),
        procedures=procedures,
        billed_codes=billed_codes,
        minutes=minutes,
        timed=timed,
        units=units,
        codes=named,
        pair_edits=ncci_pairs(billed_codes, units, ptp, visit.date_of_service),
        as_of=as_of,
        replaces=replaces,
        prior_remitted_on=prior_remitted_on,
        bundled_supplies=_bundled_supplies(services, procedures, billed_codes, units, policy),
    )
    ctx.modifiers = assign_modifiers(
        visit,
        units,
        policy,
        ptp,
        billed_codes=billed_codes,
        procedures=procedures,
        pair_edits=ctx.pair_edits,
        skip_kx_without_threshold=True,  # checks_payer reports payer.kx-threshold-unknown
    )
    for check in CHECKS:
        check(ctx)
    return ScrubResult(visit.id, _claim_lines(ctx), tuple(ctx.findings))


def scrub_all(visits: Iterable[Visit], as_of: dt.date | None = None) -> Iterator[ScrubResult]:
    ptp, mue = bundled_ptp(), bundled_mue()
    for visit in visits:
        yield scrub(visit, ptp, mue, as_of)


def _resolve(
    services: tuple[Service, ...], policy: PayerPolicy
) -> tuple[
    tuple[Procedure | None, ...],
    tuple[int | None, ...],
    tuple[str, ...],
    tuple[int, ...],
    frozenset[str],
]:
    """Per service, in one pass: its catalog entry, its `Service.documented_minutes` (the
    property's arithmetic, inlined) and its code as billed: a payer that refuses 97014
    (Medicare and its plans) gets G0283; the indexes of the timed services; and every code the
    visit names (documented, as the catalog spells it, and as billed)."""
    procedures: list[Procedure | None] = []
    minutes: list[int | None] = []
    codes: list[str] = []
    timed: list[int] = []
    named: set[str] = set()
    replace = not policy.accepts_97014
    for index, service in enumerate(services):
        code = service.code
        named.add(code)
        procedure = find_procedure(code) or supply_procedure(code)
        procedures.append(procedure)
        if procedure is not None:
            named.add(procedure.code)
            if procedure.timed:
                timed.append(index)
        start, end = service.start, service.end
        if start is not None and end is not None:
            span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            minutes.append(span if span >= 0 else None)
        else:
            minutes.append(service.minutes)
        if (
            replace
            and procedure is not None
            and procedure.medicare_status is _INVALID
            and procedure.medicare_replacement
        ):
            code = procedure.medicare_replacement
            named.add(code)
        codes.append(code)
    return tuple(procedures), tuple(minutes), tuple(codes), tuple(timed), frozenset(named)


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
    for index, procedure in enumerate(procedures):
        if procedure is None:
            continue
        if procedure.timed:
            if minutes[index]:
                npi = services[index].rendering_npi or default_npi
                pool = pools.get(npi)
                if pool is None:
                    pools[npi] = [index]
                else:
                    pool.append(index)
        elif procedure.unit == SUPPLY_UNIT:
            units[index] = services[index].units or 1  # the quantity dispensed
        elif procedure.rtm is None:
            units[index] = 1
        else:
            units[index] = _untimed_units(procedure, minutes[index])
    method = policy.unit_method
    for indexes in pools.values():
        pooled = [minutes[i] or 0 for i in indexes]
        assigned = units_for_minutes([services[i].code for i in indexes], pooled, method)
        for i, count in zip(indexes, assigned, strict=True):
            units[i] = count
    return tuple(units)


def _bundled_supplies(
    services: tuple[Service, ...],
    procedures: tuple[Procedure | None, ...],
    codes: tuple[str, ...],
    units: tuple[int, ...],
    policy: PayerPolicy,
) -> tuple[tuple[int, str, str], ...]:
    """(service index, the code it is paid within, the table row's source) for each supply
    the payer pays within another line billed the same day (`rules.supplies`, ADR 0821)."""
    if not policy.bundles_supplies:
        return ()
    supply_lines = [
        i for i, p in enumerate(procedures) if p is not None and p.unit == SUPPLY_UNIT and units[i]
    ]
    if not supply_lines:
        return ()
    billed = [codes[i] for i, p in enumerate(procedures) if p is not None and units[i]]
    found = []
    for index in supply_lines:
        hit = bundled_into(services[index].code, billed)
        if hit is not None:
            found.append((index, hit[0], hit[1].source))
    return tuple(found)


def _untimed_units(procedure: Procedure, minutes: int | None) -> int:
    """One per service, except RTM add-on management billed per additional 20 minutes."""
    rtm = procedure.rtm
    if rtm is not None and rtm.role == "management" and procedure.unit.startswith("each"):
        floor = rtm.management_minutes_floor or 20
        return max(1, (minutes or floor) // floor)
    return 1


def _claim_lines(ctx: ScrubContext) -> tuple[ClaimLine, ...]:
    units, codes, procedures = ctx.units, ctx.billed_codes, ctx.procedures
    modifiers = ctx.modifiers  # one entry per service, in service order
    bundled = {index for index, _into, _source in ctx.bundled_supplies}
    return tuple(
        [
            ClaimLine(
                codes[index],
                units[index],
                modifiers[index].modifiers,
                service.diagnosis_pointers,
                service.charge,
                index,
            )
            for index, service in enumerate(ctx.visit.services)
            if procedures[index] is not None and units[index] != 0 and index not in bundled
        ]
    )
