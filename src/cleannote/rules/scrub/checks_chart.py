"""What the chart says about the visit: diagnosis onsets, the authorization's window and limits,
and the evidence behind the plan of care's certification (docs/decisions/0520).

The clinic app passes these from the chart (case diagnoses with onset dates, the referral's
authorization with its visits and units used on signed notes, the plan's certification record);
another system may send them in the visit format. Messages give day counts and codes, never a
patient's dates.
"""

from __future__ import annotations

import datetime as dt

from cleannote.rules.catalog import DocElement, TherapyDesignation
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import AuthorizedServices, Certification, CertificationKind

CERTIFY_WITHIN_DAYS = 30
"""Initial certification: signed within 30 days of the first treatment day (the evaluation
counts), CMS 100-02 Ch.15 §220.1.3; the signed-order exception's plan is sent within as many."""
RECERTIFY_EVERY_DAYS = 90
"""A certification covers at most 90 days (CMS 100-02 Ch.15 §220.1.3 B)."""
SIGNED_ORDER_SINCE = dt.date(2025, 1, 1)
"""The signed-order exception applies to plans from this day (CY 2025 PFS final rule)."""
_NOT_THERAPY = TherapyDesignation.NEVER


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def check_diagnosis_onsets(ctx: ScrubContext) -> None:
    """An onset (box 14, DTP*431) after the date of service contradicts the visit."""
    dos = ctx.visit.date_of_service
    for dx in ctx.visit.diagnosis_onsets:
        if dx.onset > dos:
            ctx.add(
                "dx.onset-after-service",
                f"The onset of {dx.code} is {_days((dx.onset - dos).days)} after the date of "
                "service.",
                f"Correct the onset date of {dx.code} on the case's diagnoses, or the visit's "
                "date of service.",
            )


def check_authorization(ctx: ScrubContext) -> None:
    """The authorization's window covers the visit, and each code group it limits has visits
    and units left for what this visit bills."""
    auth = ctx.visit.authorization
    if auth is None:
        return
    dos = ctx.visit.date_of_service
    label = f" {auth.number}" if auth.number else ""
    if auth.start is not None and dos < auth.start:
        ctx.add(
            "auth.outside-window",
            f"The authorization{label} starts {_days((auth.start - dos).days)} after this visit.",
            "Attach the authorization in force on the date of service, or correct its dates.",
        )
    elif auth.end is not None and dos > auth.end:
        ctx.add(
            "auth.outside-window",
            f"The authorization{label} ended {_days((dos - auth.end).days)} before this visit.",
            "Renew the authorization (a new one that follows this one) before billing.",
        )
    for group in auth.services:
        _check_group(ctx, group, label)


def _check_group(ctx: ScrubContext, group: AuthorizedServices, label: str) -> None:
    codes = set(group.codes)
    services = ctx.visit.services
    billed = ctx.billed_codes
    lines = [
        i
        for i in range(len(services))
        if not codes or services[i].code in codes or billed[i] in codes
    ]
    if not lines:
        return
    named = ", ".join(group.codes) if group.codes else "all codes"
    if group.visits is not None and group.visits_used >= group.visits:
        ctx.add(
            "auth.visits-used-up",
            f"The authorization{label} allows {group.visits} visits for {named}; signed notes "
            f"used {group.visits_used}, so this visit is not covered.",
            "Renew the authorization (more visits from the payer or referrer) before billing.",
        )
    if group.units is not None:
        units = sum(ctx.units[i] for i in lines)
        if units and group.units_used + units > group.units:
            left = max(group.units - group.units_used, 0)
            ctx.add(
                "auth.units-used-up",
                f"This visit bills {units} units of {named}; the authorization{label} has "
                f"{left} of {group.units} left.",
                "Renew the authorization (more units) or bill only the units left.",
                line=lines[0],
            )


def _under_plan(ctx: ScrubContext) -> bool:
    """Therapy billed under the plan: not only initial evaluations, which write it."""
    therapy = [
        p for p in ctx.procedures if p is not None and p.medicare_therapy is not _NOT_THERAPY
    ]
    return not all(DocElement.HISTORY in p.documentation for p in therapy)


def check_certification(ctx: ScrubContext) -> None:
    """The evidence behind the certification: signed in time or late with a reason, the
    signed-order exception's conditions, and recertification at least every 90 days."""
    plan = ctx.visit.plan_of_care
    if plan is None or not ctx.policy.plan_of_care_certification_required:
        return
    if not _under_plan(ctx):
        return
    cert = plan.certification
    if cert is not None:
        problem = certification_problem(plan.start, cert)
        if problem is not None:
            ctx.add(*problem)
    if not (plan.certified or cert is not None):
        return  # poc.not-certified says so
    dos = ctx.visit.date_of_service
    day = (dos - plan.start).days
    lapsed = plan.certified_through is not None and dos > plan.certified_through
    if day >= RECERTIFY_EVERY_DAYS and not lapsed:
        ctx.add(
            "poc.recertification-due",
            f"This visit is {_days(day + 1)} into the plan's certification; a certification "
            f"covers at most {RECERTIFY_EVERY_DAYS} days.",
            "Recertify the plan of care (revise it and record the physician's signature).",
        )


def certification_problem(start: dt.date, cert: Certification) -> tuple[str, str, str] | None:
    """(rule id, message, fix) when `cert` does not certify a plan starting on `start`, else
    None. The clinic's certification form asks the same before it records one."""
    if cert.kind is CertificationKind.SIGNED:
        if cert.signed_on is None:
            return (
                "poc.certification-late",
                "The certification is recorded as signed but without the signature date.",
                "Record the date the physician or NPP signed the plan.",
            )
        late = (cert.signed_on - start).days
        if late > CERTIFY_WITHIN_DAYS:
            return (
                "poc.certification-late",
                f"The plan was signed {_days(late)} after it started; the initial "
                f"certification is due within {CERTIFY_WITHIN_DAYS} days.",
                "Record it as a delayed certification with the reason for the delay.",
            )
        return None
    if cert.kind is CertificationKind.DELAYED:
        if cert.signed_on is None or not (cert.delay_reason or "").strip():
            missing = "the physician's signature date" if cert.signed_on is None else "the reason"
            return (
                "poc.delayed-incomplete",
                f"The delayed certification lacks {missing}.",
                "Record the physician's or NPP's signature date and why it came late.",
            )
        return None
    problem = _signed_order_problem(start, cert.order_signed_on, cert.sent_on)
    if problem is None:
        return None
    return (
        "poc.signed-order-unmet",
        f"Certification by the signed order {problem}.",
        "Send the plan to the orderer and record it, or record the physician's signature on "
        "the plan.",
    )


def _signed_order_problem(
    start: dt.date, order_on: dt.date | None, sent_on: dt.date | None
) -> str | None:
    if start < SIGNED_ORDER_SINCE:
        return "applies only to plans from 2025-01-01"
    if order_on is None:
        return "needs the signed order's date"
    if sent_on is None:
        return "needs evidence the plan was sent to the orderer"
    if (sent_on - start).days > CERTIFY_WITHIN_DAYS:
        return (
            f"needs the plan sent within {CERTIFY_WITHIN_DAYS} days; it was sent "
            f"{_days((sent_on - start).days)} after the plan started"
        )
    return None


CHECKS = (check_diagnosis_onsets, check_authorization, check_certification)
