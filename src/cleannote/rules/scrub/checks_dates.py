"""Dates that contradict each other: what happened before a visit must be dated before it, and
the visit itself cannot lie after the day the claim file is made
(docs/decisions/0311-date-contradiction-rules.md).

The core never reads the clock: the creation date comes from the caller as `ScrubContext.as_of`
(the command line passes today's date, the clinic app the clinic's local date); without it the
future-date rule does not run. Messages give day counts, never the dates themselves.
"""

from __future__ import annotations

import datetime as dt

from cleannote.rules.catalog import TherapyDesignation
from cleannote.rules.scope_of_practice import Act, act_of_code
from cleannote.rules.scrub.context import ScrubContext

_NOT_THERAPY = TherapyDesignation.NEVER
_EVALUATION = Act.EVALUATION


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def check_claim_dates_before_service(ctx: ScrubContext) -> None:
    """The accident (DTP*439, box 14/15) and initial treatment (DTP*454, box 15) dates the
    claim carries precede the service."""
    visit = ctx.visit
    dos = visit.date_of_service
    dated: list[tuple[str, dt.date]] = []
    if visit.accident is not None and visit.accident.date is not None:
        dated.append(("accident date", visit.accident.date))
    if visit.initial_treatment is not None:
        dated.append(("initial treatment date", visit.initial_treatment))
    for what, day in dated:
        if day > dos:
            ctx.add(
                "date.after-service",
                f"The {what} is {_days((day - dos).days)} after the date of service.",
                f"Correct the {what} on the case, or the visit's date of service.",
            )


def check_referral_window(ctx: ScrubContext) -> None:
    """A payer that requires a referral pays only visits inside its window: from the referral's
    date to its expiry (the expiry is `referral.expired`)."""
    referral = ctx.visit.referral
    if referral is None or not ctx.policy.referral_required:
        return
    dos = ctx.visit.date_of_service
    if referral.date > dos:
        ctx.add(
            "referral.not-yet-valid",
            f"The referral is dated {_days((referral.date - dos).days)} after this visit: the "
            "payer requires one, and none covered the visit when it took place.",
            "Attach the referral that was in force on the date of service, or ask the referrer "
            "for an order covering it (a later order does not reach back).",
        )


def check_plan_before_service(ctx: ScrubContext) -> None:
    """A payer that pays therapy only under a plan of care pays no treatment before the plan.

    An initial evaluation is exempt: it is what writes the plan, which may be dated later.
    """
    plan = ctx.visit.plan_of_care
    if plan is None or not ctx.policy.plan_of_care_certification_required:
        return
    dos = ctx.visit.date_of_service
    if plan.start <= dos:
        return
    if all(
        p is None or p.medicare_therapy is _NOT_THERAPY or act_of_code(p.code) is _EVALUATION
        for p in ctx.procedures
    ):
        return
    ctx.add(
        "poc.after-service",
        f"The plan of care starts {_days((plan.start - dos).days)} after this visit; the payer "
        "pays treatment only under a plan in force on the date of service.",
        "Correct the plan's start date if it was written earlier, or attach the plan that was "
        "in force on the date of service.",
    )


def check_service_not_in_future(ctx: ScrubContext) -> None:
    as_of = ctx.as_of
    dos = ctx.visit.date_of_service
    if as_of is not None and dos > as_of:
        ctx.add(
            "date.future-service",
            f"The date of service is {_days((dos - as_of).days)} after the day this claim is made.",
            "Correct the date of service, or bill the visit after it has taken place.",
        )


CHECKS = (
    check_claim_dates_before_service,
    check_referral_window,
    check_plan_before_service,
    check_service_not_in_future,
)
