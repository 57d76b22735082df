"""Timely filing: a payer denies a claim made after its filing limit, counted in days from the
date of service (docs/decisions/0370-timely-filing.md).

The limit is the payer record's figure when the clinic set one (`Payer.timely_filing_days`),
else its kind's default (`PayerPolicy.timely_filing_days`: Medicare one calendar year, Medicaid
12 months; None where the contract or state law decides). The day the claim is made comes from
the caller as `ScrubContext.as_of` (the core never reads the clock); without it, or without a
limit, these rules do not run. Messages give day counts, never the dates themselves.

A replacement claim (frequency 7, `ScrubContext.replaces`) is judged by the payer's
corrected-claim rule when it has one (`PayerPolicy.corrected_claim_days`, counted from the
payer's determination of the claim replaced: Medicare's one-year reopening), else by the
original limit from the date of service (docs/decisions/0391).

A claim to a payer after another (secondary, tertiary: `ScrubContext.prior_remitted_on`) is in
time within the payer's window after the prior payer's remittance
(`PayerPolicy.after_prior_payer_days`) or its limit from the date of service, whichever ends
later, and is judged by that one (docs/decisions/0705).
"""

from __future__ import annotations

import datetime as dt

from cleannote.rules.scrub.context import ScrubContext

# Days before the limit from which the scrub warns: two weekly billing runs, time to send the
# claim, see a clearinghouse or payer rejection (999/277CA) and send it again corrected.
TIMELY_FILING_WARNING_DAYS = 14
RULE_TIMELY_FILING = "payer.timely-filing"
"""The error: late for the claim, not for the note (the note page shows it; signing goes on)."""


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def check_timely_filing(ctx: ScrubContext) -> None:
    as_of, policy, replaced = ctx.as_of, ctx.policy, ctx.replaces
    if as_of is None:
        return
    if replaced is not None and policy.corrected_claim_days is not None:
        if replaced.determined_on is None:
            return  # the payer has not decided the claim replaced: its count has not begun
        elapsed = (as_of - replaced.determined_on).days
        since = "the payer's determination of the claim it replaces"
        _judge(ctx, elapsed, policy.corrected_claim_days, since, "corrected-claim limit")
        return
    if replaced is None and _after_prior_payer(ctx, as_of):
        return
    if policy.timely_filing_days is None:
        return
    elapsed = (as_of - ctx.visit.date_of_service).days
    if elapsed < 0:
        return  # a service after the claim's day is date.future-service
    note = " (it states no corrected-claim rule)" if replaced is not None else ""
    _judge(ctx, elapsed, policy.timely_filing_days, "the date of service", "filing limit", note)


def _after_prior_payer(ctx: ScrubContext, as_of: dt.date) -> bool:
    """Judge a claim that follows a prior payer by the window after that payer's remittance,
    when the payer has one and it ends no sooner than the date-of-service limit; False when
    the date-of-service limit is the one to judge by."""
    remitted, window = ctx.prior_remitted_on, ctx.policy.after_prior_payer_days
    if remitted is None or window is None:
        return False
    limit = ctx.policy.timely_filing_days
    by_service = ctx.visit.date_of_service + dt.timedelta(days=limit) if limit else None
    if by_service is not None and remitted + dt.timedelta(days=window) < by_service:
        return False
    elapsed = (as_of - remitted).days
    if elapsed >= 0:
        since = "the prior payer's remittance"
        _judge(ctx, elapsed, window, since, "filing limit after another payer")
    return True


def _judge(
    ctx: ScrubContext, elapsed: int, limit: int, since: str, name: str, note: str = ""
) -> None:
    claim = "The corrected claim" if ctx.replaces is not None else "The claim"
    if elapsed > limit:
        ctx.add(
            RULE_TIMELY_FILING,
            f"{claim} is made {_days(elapsed)} after {since}, {_days(elapsed - limit)} past "
            f"this payer's {name} of {_days(limit)}{note}.",
            "If the claim was sent in time before (a rejection or a lost claim), send that proof "
            "with it or ask the payer for an exception; if the payer record's limit is wrong, "
            "correct it in the payer directory.",
        )
    elif limit - elapsed <= TIMELY_FILING_WARNING_DAYS:
        left = limit - elapsed
        ctx.add(
            "payer.timely-filing-soon",
            (f"{_days(left)} left" if left else "This is the last day")
            + f" of this payer's {name} of {_days(limit)} from {since}{note}.",
            "Send this claim in the next batch, and work any rejection the same day.",
        )


CHECKS = (check_timely_filing,)
