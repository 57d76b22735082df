"""Timely filing: a payer denies a claim made after its filing limit, counted in days from the
date of service (docs/decisions/0370-timely-filing.md).

The limit is the payer record's figure when the clinic set one (`Payer.timely_filing_days`),
else its kind's default (`PayerPolicy.timely_filing_days`: Medicare one calendar year, Medicaid
12 months; None where the contract or state law decides). The day the claim is made comes from
the caller as `ScrubContext.as_of` (the core never reads the clock); without it, or without a
limit, these rules do not run. Messages give day counts, never the dates themselves.
"""

from __future__ import annotations

from cleannote.rules.scrub.context import ScrubContext

# Days before the limit from which the scrub warns: two weekly billing runs, time to send the
# claim, see a clearinghouse or payer rejection (999/277CA) and send it again corrected.
TIMELY_FILING_WARNING_DAYS = 14
RULE_TIMELY_FILING = "payer.timely-filing"
"""The error: late for the claim, not for the note (the note page shows it; signing goes on)."""


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def check_timely_filing(ctx: ScrubContext) -> None:
    as_of, limit = ctx.as_of, ctx.policy.timely_filing_days
    if as_of is None or limit is None:
        return
    elapsed = (as_of - ctx.visit.date_of_service).days
    if elapsed < 0:
        return  # a service after the claim's day is date.future-service
    if elapsed > limit:
        ctx.add(
            RULE_TIMELY_FILING,
            f"The claim is made {_days(elapsed)} after the date of service, "
            f"{_days(elapsed - limit)} past this payer's filing limit of {_days(limit)}.",
            "If the claim was sent in time before (a rejection or a lost claim), send that proof "
            "with it or ask the payer for an exception; if the payer record's limit is wrong, "
            "correct it in the payer directory.",
        )
    elif limit - elapsed <= TIMELY_FILING_WARNING_DAYS:
        left = limit - elapsed
        ctx.add(
            "payer.timely-filing-soon",
            (f"{_days(left)} left" if left else "This is the last day")
            + f" of this payer's filing limit of {_days(limit)} from the date of service.",
            "Send this claim in the next batch, and work any rejection the same day.",
        )


CHECKS = (check_timely_filing,)
