"""Referral and plan of care: is there an order, is it current, and is the paperwork due?"""

from __future__ import annotations

from cleannote.rules.catalog import DocElement, TherapyDesignation
from cleannote.rules.forward_view import progress_report_due
from cleannote.rules.scrub.checks_chart import CERTIFY_WITHIN_DAYS
from cleannote.rules.scrub.context import ScrubContext

_SOON = 2
_NOT_THERAPY = TherapyDesignation.NEVER


def check_referral(ctx: ScrubContext) -> None:
    visit, referral = ctx.visit, ctx.visit.referral
    if referral is None:
        if ctx.policy.referral_required:
            ctx.add(
                "referral.missing",
                f"{visit.payer.kind.value.replace('_', ' ')} claims need a referral or "
                "prescription; none is on the visit.",
                "Attach the referring provider's order (name, NPI, date, diagnoses).",
            )
        return
    if referral.expires is not None and visit.date_of_service > referral.expires:
        ctx.add(
            "referral.expired",
            f"The referral expired on {referral.expires.isoformat()}, before this visit "
            f"on {visit.date_of_service.isoformat()}.",
            "Get a renewed referral before billing this visit.",
        )
    if (
        referral.authorized_visits is not None
        and referral.visit_number is not None
        and referral.visit_number > referral.authorized_visits
    ):
        ctx.add(
            "referral.visits-used",
            f"This is visit {referral.visit_number} of {referral.authorized_visits} authorized.",
            "Request more visits from the payer or referrer before treating.",
        )


def check_plan_of_care(ctx: ScrubContext) -> None:
    visit, plan = ctx.visit, ctx.visit.plan_of_care
    if not ctx.policy.plan_of_care_certification_required:
        return
    therapy = [
        p for p in ctx.procedures if p is not None and p.medicare_therapy is not _NOT_THERAPY
    ]
    if all(DocElement.HISTORY in p.documentation for p in therapy):
        # No therapy, or only initial evaluations (the codes that take a history): the
        # evaluation is what writes the plan, so it cannot be billed under one.
        return
    if plan is None:
        ctx.add(
            "poc.missing",
            "Therapy for this payer is paid only under a plan of care; the visit has none.",
            "Write the plan of care (diagnoses, goals, frequency, duration) and send it "
            "to the physician/NPP for certification.",
        )
        return
    if not plan.certified:
        _uncertified(ctx, (visit.date_of_service - plan.start).days)
    if plan.certified_through is not None and visit.date_of_service > plan.certified_through:
        ctx.add(
            "poc.certification-lapsed",
            f"The plan of care was certified through {plan.certified_through.isoformat()}; "
            f"this visit is on {visit.date_of_service.isoformat()}.",
            "Recertify the plan of care before billing visits after its end date.",
        )


def _uncertified(ctx: ScrubContext, day: int) -> None:
    """An uncertified plan `day` days after it started: the physician/NPP has until day
    CERTIFY_WITHIN_DAYS to sign (CMS 100-02 Ch.15 §220.1.3), so care in that window is
    documented and billed while the signature is pending; after it the plan is late."""
    left = CERTIFY_WITHIN_DAYS - day
    if left >= 0:
        ctx.add(
            "poc.certification-pending",
            f"The plan of care is not yet certified; the physician or NPP has "
            f"{left} day{'s' if left != 1 else ''} left of the {CERTIFY_WITHIN_DAYS} days "
            "from the plan's start to sign it.",
            "Send the plan for signature now and record the certification when it comes back "
            "(or the signed order and the plan's delivery).",
        )
        return
    ctx.add(
        "poc.not-certified",
        f"The plan of care is not certified by the physician or NPP, {-left} day"
        f"{'s' if left != -1 else ''} after the {CERTIFY_WITHIN_DAYS} days from its start.",
        "Record the certification if it was signed, or the delayed certification with its "
        "reason once the physician or NPP signs.",
    )


def check_progress_report(ctx: ScrubContext) -> None:
    interval = ctx.policy.progress_report_interval_days
    episode = ctx.visit.episode
    if interval is None or episode is None:
        return
    last = episode.last_progress_report_day or 0
    if last == episode.treatment_day:
        return
    due_day = last + interval
    if progress_report_due(episode.treatment_day, last, interval):
        ctx.add(
            "poc.progress-report-due",
            f"Treatment day {episode.treatment_day}: a progress report was due by treatment "
            f"day {due_day} (last on day {last or 'none'}).",
            "Write this visit's note as a progress report (by the therapist, not an "
            "assistant) before billing it.",
        )
    elif episode.treatment_day >= due_day - _SOON:
        ctx.add(
            "poc.progress-report-soon",
            f"Treatment day {episode.treatment_day}: a progress report is due by treatment "
            f"day {due_day}.",
            "Schedule the therapist to write the progress report at or before that visit.",
        )


CHECKS = (check_referral, check_plan_of_care, check_progress_report)
