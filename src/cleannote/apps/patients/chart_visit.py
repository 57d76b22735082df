"""The chart's plan of care as the rules core's value objects (ADR 0520).

`notes.visit_builder` builds the visit; this is the part the chart owns, read from rows it
prefetched (the plan's goals and deliveries). The authorization's used counts come from signed
notes, so they live in the notes app (`notes.authorization_usage`, ADR 0401).
"""

from __future__ import annotations

from cleannote.apps.patients.models import Goal as GoalRow
from cleannote.apps.patients.models import PlanOfCare
from cleannote.rules.visit import (
    Certification,
    CertificationKind,
    Goal,
    GoalKind,
)
from cleannote.rules.visit import PlanOfCare as CorePlan


def goal_id(goal: GoalRow) -> str:
    """The id a block's goal carries in the core visit (and in scrub findings)."""
    return str(goal.pk)


def chart_plan(plan: PlanOfCare | None) -> CorePlan | None:
    if plan is None:
        return None
    return CorePlan(
        start=plan.start_date,
        certified=plan.is_certified,
        certified_through=plan.certified_through,
        goals=tuple(
            Goal(id=goal_id(g), text=g.text, kind=GoalKind(g.kind)) for g in plan.goals.all()
        ),
        certification=_certification(plan),
    )


def _certification(plan: PlanOfCare) -> Certification | None:
    kind = plan.certification
    if not kind:
        return None
    # Only the signed-order exception rests on the plan being sent: one query, only then.
    sent = (
        list(plan.deliveries.values_list("sent_on", flat=True))
        if kind == CertificationKind.SIGNED_ORDER
        else []
    )
    return Certification(
        CertificationKind(kind),
        signed_on=plan.signature_received_on,
        order_signed_on=plan.order_signed_on,
        sent_on=min(sent) if sent else None,
        delay_reason=plan.delay_reason or None,
    )
