"""Documentation: does the note show skilled, goal-directed, progressing care for each code?

Documentation elements are looked up by name: a catalog element `exercise` is satisfied by a
non-empty `parameters["exercise"]`, except those the visit format carries as fields of their
own: `goal` (linked goals), `body_regions`, `management_minutes` (the block's minutes) and
`parameters` (any dosage key such as sets, reps or resistance).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cleannote.rules.catalog import DocElement, Procedure
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import HistoryVisit, Service

_PARAMETER_KEYS = ("parameters", "sets", "reps", "resistance", "load", "duration", "distance")
_FIELD_ELEMENTS: dict[str, Callable[[Service], bool]] = {
    "goal": lambda s: bool(s.goal_ids),
    "body_regions": lambda s: bool(s.body_regions),
    "parameters": lambda s: any(map(s.parameters.get, _PARAMETER_KEYS)),
    "management_minutes": lambda s: bool(s.documented_minutes),
}
_NO_PROGRESSION_RUN = 3
_EMPTY: tuple[object, ...] = ("", [], {})


def check_goals(ctx: ScrubContext) -> None:
    plan = ctx.visit.plan_of_care
    known = {goal.id for goal in plan.goals} if plan is not None else None
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if procedure is None:
            continue
        if procedure.timed and not service.goal_ids:
            ctx.add(
                "doc.no-goal",
                f"{service.code} is not linked to a plan-of-care goal.",
                "Link the goal this block works toward.",
                index,
            )
        elif known is not None:
            missing = [g for g in service.goal_ids if g not in known]
            if missing:
                ctx.add(
                    "doc.unknown-goal",
                    f"{service.code} is linked to goal {', '.join(missing)}, which the plan "
                    "of care does not hold.",
                    "Link a goal from the current plan of care, or add the goal to the plan.",
                    index,
                )


def check_justification(ctx: ScrubContext) -> None:
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if (
            procedure is not None
            and procedure.needs_justification
            and not (service.justification and service.justification.strip())
        ):
            ctx.add(
                "doc.no-justification",
                f"{service.code} needs a statement of why a therapist's skill was "
                "required; the block has none.",
                "Say what needed skilled judgement (e.g. the response you were "
                "monitoring, the adjustment you made).",
                index,
            )


def check_elements(ctx: ScrubContext) -> None:
    for index, (service, procedure) in enumerate(
        zip(ctx.visit.services, ctx.procedures, strict=True)
    ):
        if procedure is None:
            continue
        missing = [name for name, present in _element_checks(procedure) if not present(service)]
        if missing:
            listed = ", ".join(e.replace("_", " ") for e in missing)
            ctx.add(
                "doc.missing-elements",
                f"{service.code} is missing: {listed}.",
                f"Document the {listed} for {service.code}.",
                index,
            )


_ElementChecks = tuple[tuple[str, Callable[[Service], bool]], ...]
_ELEMENT_CHECKS: dict[str, _ElementChecks] = {}


def _element_checks(procedure: Procedure) -> _ElementChecks:
    """Per catalog code, once: each element it expects and how a service shows it.

    Memoized by code (hashing a whole catalog entry costs more than the checks). A timed
    code's missing goal is doc.no-goal's finding, so it is not repeated here.
    """
    found = _ELEMENT_CHECKS.get(procedure.code)
    if found is None:
        found = _ELEMENT_CHECKS[procedure.code] = tuple(
            (element.value, _FIELD_ELEMENTS.get(element.value) or _parameter_check(element.value))
            for element in procedure.documentation
            if not (procedure.timed and element is DocElement.GOAL)
        )
    return found


def _parameter_check(name: str) -> Callable[[Service], bool]:
    def present(service: Service) -> bool:
        value = service.parameters.get(name)
        return value is not None and value not in _EMPTY

    return present


def check_97110_outcomes(ctx: ScrubContext) -> None:
    for index, service in enumerate(ctx.visit.services):
        if service.code != "97110":
            continue
        outcomes = service.parameters.get("target_outcome")
        if isinstance(outcomes, list) and len(outcomes) > 1:
            ctx.add(
                "doc.97110-multiple-outcomes",
                f"97110 names {len(outcomes)} target outcomes; therapeutic exercise "
                "targets one impairment.",
                "If the activity trains a functional task with several components, bill "
                "97530 and document the skilled direction; otherwise name the one outcome.",
                index,
            )


def check_progression(ctx: ScrubContext) -> None:
    """Same code with identical parameters on this visit and the two before it.

    Earlier visits where the code was not done are passed over: the run is about the code's
    own sessions.
    """
    history = ctx.visit.history
    if len(history) < _NO_PROGRESSION_RUN - 1:
        return
    on = ctx.visit.date_of_service
    # Each code's parameter sets per earlier visit, newest visit first.
    sessions: dict[str, list[list[dict[str, object]]]] = {}
    for past in sorted(history, key=_history_date, reverse=True):
        if past.date_of_service >= on:
            continue
        seen: dict[str, list[dict[str, object]]] = {}
        for done in past.services:
            seen.setdefault(done.code, []).append(done.parameters)
        for code, parameter_sets in seen.items():
            sessions.setdefault(code, []).append(parameter_sets)
    for index, service in enumerate(ctx.visit.services):
        past_sessions = sessions.get(service.code)
        if not service.parameters or past_sessions is None:
            continue
        recent = past_sessions[: _NO_PROGRESSION_RUN - 1]
        if len(recent) == _NO_PROGRESSION_RUN - 1 and all(
            service.parameters in parameter_sets for parameter_sets in recent
        ):
            ctx.add(
                "doc.no-progression",
                f"{service.code} has the same parameters as on the last two visits.",
                "Progress the exercise (load, sets, complexity) or document why it is held, "
                "and what skilled care this visit added.",
                index,
            )


def _history_date(visit: HistoryVisit) -> dt.date:
    return visit.date_of_service


CHECKS = (
    check_goals,
    check_justification,
    check_elements,
    check_97110_outcomes,
    check_progression,
)
