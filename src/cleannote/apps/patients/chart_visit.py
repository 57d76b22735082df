"""The chart's plan of care and authorization as the rules core's value objects (ADR 0520).

`notes.visit_builder` builds the visit; these are the parts the chart owns, read from rows it
prefetched (the plan's goals and deliveries, the referral's code groups), so the only query
here is the authorization's used counts, and only when the referral limits code groups.
"""

from __future__ import annotations

from cleannote.apps.notes.models import Note
from cleannote.apps.patients.authorizations import usage
from cleannote.apps.patients.models import Goal as GoalRow
from cleannote.apps.patients.models import PlanOfCare, Referral
from cleannote.rules.visit import (
    Authorization,
    AuthorizedServices,
    Certification,
    CertificationKind,
    Goal,
    GoalKind,
    UnitMethod,
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


def chart_authorization(
    note: Note, referral: Referral | None, method: UnitMethod | None
) -> Authorization | None:
    """The referral's authorization for the visit: its window and, per code group, what signed
    notes other than this one used up to the visit's date."""
    if referral is None:
        return None
    groups = list(referral.code_groups.all())
    if not groups and not referral.authorization_number:
        return None
    used = usage(
        referral,
        groups,
        method=method or UnitMethod.CMS,
        through=note.date_of_service,
        exclude_note_id=note.pk,
    )
    return Authorization(
        number=referral.authorization_number or None,
        start=referral.referral_date,
        end=referral.expires_on,
        services=tuple(
            AuthorizedServices(
                codes=tuple(u.group.codes),
                visits=u.group.visits,
                units=u.group.units,
                visits_used=u.visits_used,
                units_used=u.units_used,
            )
            for u in used
        ),
    )
