"""Lines that should be one: a code billed on two lines, and evaluations that exclude each other
on one day (docs/decisions/0312-lines-that-should-be-one.md).

Each documented service is its own claim line, so a code documented in two blocks with the same
final modifiers goes out twice, and payers deny the second line as a duplicate. Which codes are
evaluations and re-evaluations is the scope table's (`scope_of_practice.CODE_ACTS`).
"""

from __future__ import annotations

from cleannote.rules.scope_of_practice import CODE_ACTS, Act, leveled_disciplines
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import Discipline

# pair.97010-repeat already says this code's once-a-day rule in its own words.
_OWN_RULE = frozenset({"97010"})
_EVALUATION, _RE_EVALUATION = Act.EVALUATION, Act.RE_EVALUATION


def check_duplicate_lines(ctx: ScrubContext) -> None:
    services, codes, units = ctx.visit.services, ctx.billed_codes, ctx.units
    if len(set(codes)) == len(codes):
        return  # no code twice: the usual visit
    default_npi = ctx.visit.rendering_provider.npi
    first_line: dict[tuple[str, tuple[str, ...], str], int] = {}
    for index, procedure in enumerate(ctx.procedures):
        code = codes[index]
        if procedure is None or units[index] == 0 or code in _OWN_RULE:
            continue
        key = (
            code,
            tuple(sorted(ctx.modifiers[index].modifiers)),
            services[index].rendering_npi or default_npi,
        )
        first = first_line.setdefault(key, index)
        if first == index:
            continue
        if procedure.timed:
            fix = (
                f"Document {code} once for the day: one block holding all its minutes, so its "
                "units go on one line."
            )
        else:
            fix = f"Bill {code} once; remove the repeated service."
        ctx.add(
            "line.duplicate-code",
            f"{code} is billed again on another line (service {first + 1}) with the same "
            "modifiers; payers deny the second line as a duplicate.",
            fix,
            index,
        )


# The evaluation and re-evaluation services themselves; a standardized test given within one
# (96112, 96125: `names_visit` False) is not a second evaluation level (ADR 0580).
_EVALUATION_CODES = frozenset(
    code
    for code, row in CODE_ACTS.items()
    if row.names_visit and (row.act is _EVALUATION or row.act is _RE_EVALUATION)
)


def check_evaluations(ctx: ScrubContext) -> None:
    if ctx.codes.isdisjoint(_EVALUATION_CODES):
        return
    leveled = leveled_disciplines()
    evaluations: dict[Discipline, list[int]] = {}
    re_evaluations: dict[Discipline, list[int]] = {}
    for index, procedure in enumerate(ctx.procedures):
        if procedure is None or ctx.units[index] == 0:
            continue
        row = CODE_ACTS.get(procedure.code)  # catalog codes are already canonical
        if row is None or not row.names_visit:
            continue
        act = row.act
        if act is not _EVALUATION and act is not _RE_EVALUATION:
            continue
        table = evaluations if act is _EVALUATION else re_evaluations
        for discipline in procedure.disciplines & leveled:
            table.setdefault(discipline, []).append(index)
    codes = ctx.billed_codes
    for discipline, indexes in evaluations.items():
        distinct = sorted({codes[i] for i in indexes})
        if len(distinct) > 1:
            ctx.add(
                "line.two-evaluations",
                f"Two {discipline.value} evaluation levels on one day ({', '.join(distinct)}): "
                "an evaluation is billed once, at the one level it supports.",
                "Keep the evaluation code whose complexity the note documents; remove the other.",
                indexes[-1],
            )
        later = re_evaluations.get(discipline)
        if later:
            ctx.add(
                "line.evaluation-and-re-evaluation",
                f"A {discipline.value} evaluation and re-evaluation on one day ({distinct[0]} "
                f"and {codes[later[0]]}): a re-evaluation reassesses an established plan, so "
                "the day's evaluation already includes it.",
                "Bill the evaluation only, or the re-evaluation alone if the plan was "
                "established earlier.",
                later[0],
            )


CHECKS = (check_duplicate_lines, check_evaluations)
