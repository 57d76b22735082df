"""Documentation: does the note show skilled, goal-directed, progressing care for each code?

Documentation elements are looked up by name: a catalog element `exercise` is satisfied by a
non-empty `parameters["exercise"]`, except those the visit format carries as fields of their
own: `goal` (linked goals), `body_regions`, `management_minutes` (the block's minutes) and
`parameters` (any dosage key such as sets, reps or resistance).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from operator import itemgetter

from cleannote.rules.catalog import DocElement, Procedure, all_procedures
from cleannote.rules.progression import unprogressed_services
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import Service

_PARAMETER_KEYS = ("parameters", "sets", "reps", "resistance", "load", "duration", "distance")
_FIELD_ELEMENTS: dict[str, Callable[[Service], bool]] = {
    "goal": lambda s: bool(s.goal_ids),
    "body_regions": lambda s: bool(s.body_regions),
    "parameters": lambda s: any(map(s.parameters.get, _PARAMETER_KEYS)),
    "management_minutes": lambda s: bool(s.documented_minutes),
}
_EMPTY: tuple[object, ...] = ("", [], {})


def check_blocks(ctx: ScrubContext) -> None:
    """Per block: linked goals, the skill statement, the catalog's elements, one outcome.

    Four rules in one pass over the services, since each costs little beyond the loop. Their
    findings keep the order four separate passes gave: every doc.no-goal and
    doc.unknown-goal, then doc.no-justification, doc.missing-elements and
    doc.97110-multiple-outcomes, each in service order.
    """
    plan = ctx.visit.plan_of_care
    known = {goal.id for goal in plan.goals} if plan is not None else None
    services, procedures, minutes = ctx.visit.services, ctx.procedures, ctx.minutes
    later: list[tuple[int, Callable[[], None]]] = []  # (rule's pass, adds its finding)
    needs = _needs_by_code()
    for index in range(len(services)):
        service = services[index]
        code = service.code
        procedure = procedures[index]
        if code == "97110":
            _judge_97110(ctx, service, index, later)
        if procedure is None:
            continue
        goal_ids = service.goal_ids
        if procedure.timed and not goal_ids:
            _add_no_goal(ctx, service, index)
        elif known is not None and goal_ids and not known.issuperset(goal_ids):
            _add_unknown_goal(ctx, service, index, known)
        if procedure.needs_justification:
            justification = service.justification
            if not (justification and justification.strip()):
                later.append((1, partial(_add_no_justification, ctx, service, index)))
        if not procedure.documentation:
            continue  # a dispensed supply: nothing the note must say for it
        fields, names = needs[procedure.code]
        if fields and (
            (fields & _GOAL and not goal_ids)
            or (fields & _REGIONS and not service.body_regions)
            or (fields & _MANAGEMENT and not minutes[index])
            or (fields & _DOSAGE and not any(map(service.parameters.get, _PARAMETER_KEYS)))
        ):
            later.append((2, partial(_add_missing, ctx, procedure, service, index)))
        elif names and not all(map(service.parameters.get, names)):  # all filled: one test
            get = service.parameters.get
            for name in names:
                value = get(name)
                if not value and (value is None or value in _EMPTY):  # filled: one test
                    later.append((2, partial(_add_missing, ctx, procedure, service, index)))
                    break
    if later:
        later.sort(key=itemgetter(0))  # stable: service order within each rule
        for _pass, add in later:
            add()


def _add_no_goal(ctx: ScrubContext, service: Service, index: int) -> None:
    ctx.add(
        "doc.no-goal",
        f"{service.code} is not linked to a plan-of-care goal.",
        "Link the goal this block works toward.",
        index,
    )


def _add_unknown_goal(ctx: ScrubContext, service: Service, index: int, known: set[str]) -> None:
    texts = dict(zip(service.goal_ids, service.goal_texts, strict=False))
    missing = [f"“{texts[g]}”" if texts.get(g) else g for g in service.goal_ids if g not in known]
    ctx.add(
        "doc.unknown-goal",
        f"{service.code} is linked to goal {', '.join(missing)}, which the plan "
        "of care does not hold.",
        "Link a goal from the current plan of care, or add the goal to the plan.",
        index,
    )


def _add_no_justification(ctx: ScrubContext, service: Service, index: int) -> None:
    ctx.add(
        "doc.no-justification",
        f"{service.code} needs a statement of why a therapist's skill was "
        "required; the block has none.",
        "Say what needed skilled judgement (e.g. the response you were "
        "monitoring, the adjustment you made).",
        index,
    )


def _add_missing(ctx: ScrubContext, procedure: Procedure, service: Service, index: int) -> None:
    """Word doc.missing-elements: reached only when something is missing, so it may be slow."""
    missing = [name for name, present in _element_checks(procedure) if not present(service)]
    listed = ", ".join(e.replace("_", " ") for e in missing)
    ctx.add(
        "doc.missing-elements",
        f"{service.code} is missing: {listed}.",
        f"Document the {listed} for {service.code}.",
        index,
    )


# Field elements as bits, so the usual complete block costs one test per kind of field.
_GOAL, _REGIONS, _DOSAGE, _MANAGEMENT = 1, 2, 4, 8
_FIELD_BITS = {"goal": _GOAL, "body_regions": _REGIONS, "parameters": _DOSAGE}
_FIELD_BITS["management_minutes"] = _MANAGEMENT


@cache
def _needs_by_code() -> dict[str, tuple[int, tuple[str, ...]]]:
    """Per catalog code, built once with the catalog: the field elements it expects (bits) and
    its parameter names. The same elements as `_element_checks`, which alone words the finding
    in catalog order."""
    table = {}
    for procedure in all_procedures():
        bits, names = 0, []
        for name, _present in _element_checks(procedure):
            if name in _FIELD_ELEMENTS:
                bits |= _FIELD_BITS[name]
            else:
                names.append(name)
        table[procedure.code] = (bits, tuple(names))
    return table


_ElementChecks = tuple[tuple[str, Callable[[Service], bool]], ...]


def _element_checks(procedure: Procedure) -> _ElementChecks:
    """Each element a catalog entry expects and how a service shows it. A timed code's missing
    goal is doc.no-goal's finding, so it is not repeated here."""
    return tuple(
        (element.value, _FIELD_ELEMENTS.get(element.value) or _parameter_check(element.value))
        for element in procedure.documentation
        if not (procedure.timed and element is DocElement.GOAL)
    )


def _parameter_check(name: str) -> Callable[[Service], bool]:
    def present(service: Service) -> bool:
        value = service.parameters.get(name)
        return value is not None and value not in _EMPTY

    return present


def _judge_97110(
    ctx: ScrubContext, service: Service, index: int, later: list[tuple[int, Callable[[], None]]]
) -> None:
    outcomes = service.parameters.get("target_outcome")
    if isinstance(outcomes, list) and len(outcomes) > 1:
        later.append((3, partial(_add_97110_outcomes, ctx, len(outcomes), index)))


def _add_97110_outcomes(ctx: ScrubContext, count: int, index: int) -> None:
    ctx.add(
        "doc.97110-multiple-outcomes",
        f"97110 names {count} target outcomes; therapeutic exercise targets one impairment.",
        "If the activity trains a functional task with several components, bill "
        "97530 and document the skilled direction; otherwise name the one outcome.",
        index,
    )


def check_progression(ctx: ScrubContext) -> None:
    """Same code with identical parameters on this visit and the two before it
    (`rules.progression`, which the ABN expectation reads too)."""
    services = ctx.visit.services
    for index in unprogressed_services(ctx.visit):
        ctx.add(
            "doc.no-progression",
            f"{services[index].code} has the same parameters as on the last two visits.",
            "Progress the exercise (load, sets, complexity) or document why it is held, "
            "and what skilled care this visit added.",
            index,
        )


CHECKS = (check_blocks, check_progression)
