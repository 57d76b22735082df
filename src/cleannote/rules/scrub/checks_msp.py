"""Medicare as secondary payer: who pays before Medicare, and the type (837P SBR05) that says
why (docs/decisions/0322).

No-fault (PIP), liability and workers' compensation insurance pay before Medicare. A visit to
Medicare (Part B) for an auto or work accident is therefore a claim to Medicare as secondary
and carries the Medicare secondary payer (MSP) type; a visit carries an MSP type only when the
coverage billed is a Medicare coverage that is not primary (the clinic app's coverage, the
visit format's `payer.medicare_secondary_type`). An MSP type that names an accident carrier
the case does not have is as wrong as none.
"""

from __future__ import annotations

from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import AccidentKind, MedicareSecondaryType, PayerKind

_FIRST_PAYER = {
    AccidentKind.AUTO: "the auto carrier (no-fault PIP or MedPay, then liability)",
    AccidentKind.EMPLOYMENT: "the workers' compensation carrier",
}
_TYPE_FOR = {
    AccidentKind.AUTO: "14 (no-fault) or 47 (liability)",
    AccidentKind.EMPLOYMENT: "15 (workers' compensation)",
}
# MSP types that name an accident carrier, and the accidents each may follow.
_ACCIDENT_TYPES: dict[MedicareSecondaryType, tuple[str, frozenset[AccidentKind]]] = {
    MedicareSecondaryType.NO_FAULT: ("no-fault insurance", frozenset({AccidentKind.AUTO})),
    MedicareSecondaryType.WORKERS_COMP: (
        "workers' compensation",
        frozenset({AccidentKind.EMPLOYMENT}),
    ),
    MedicareSecondaryType.LIABILITY: ("liability insurance", frozenset(AccidentKind)),
}
_ACCIDENT_WORDS = {
    AccidentKind.AUTO: "an auto accident",
    AccidentKind.EMPLOYMENT: "a work accident",
    AccidentKind.OTHER: "an accident that is neither auto nor work",
}


def check_accident_billed_to_medicare_first(ctx: ScrubContext) -> None:
    """An auto or work accident billed to Medicare without an MSP type: Medicare billed first."""
    visit = ctx.visit
    accident = visit.accident
    if (
        visit.payer.kind is not PayerKind.MEDICARE
        or accident is None
        or accident.kind not in _FIRST_PAYER
        or visit.payer.medicare_secondary_type is not None
    ):
        return
    ctx.add(
        "msp.accident-medicare-first",
        f"The injury is from {_ACCIDENT_WORDS[accident.kind]} and Medicare is billed as the "
        f"primary payer; Medicare pays after {_FIRST_PAYER[accident.kind]}.",
        f"Bill {_FIRST_PAYER[accident.kind]} first; then bill Medicare as secondary with the "
        f"Medicare secondary payer type {_TYPE_FOR[accident.kind]} on the coverage and the "
        "first payer's payment or denial.",
    )


def check_msp_type(ctx: ScrubContext) -> None:
    """The MSP type belongs on Medicare only, and an accident type needs that accident."""
    visit = ctx.visit
    msp = visit.payer.medicare_secondary_type
    if msp is None:
        return
    if visit.payer.kind is not PayerKind.MEDICARE:
        ctx.add(
            "msp.type-not-medicare",
            f"The claim goes to a {visit.payer.kind.value.replace('_', ' ')} payer but carries "
            f"a Medicare secondary payer type ({msp.value}), which only a claim to Medicare "
            "as secondary payer has.",
            "Remove the Medicare secondary payer type from this coverage, or bill the Medicare "
            "coverage it belongs to.",
        )
        return
    named = _ACCIDENT_TYPES.get(msp)
    if named is None:
        return  # group health plan, ESRD, VA, black lung...: nothing on the case to compare
    carrier, accidents = named
    accident = visit.accident
    if accident is not None and accident.kind in accidents:
        return
    case = "no accident" if accident is None else _ACCIDENT_WORDS[accident.kind]
    ctx.add(
        "msp.type-contradicts-case",
        f"The Medicare secondary payer type {msp.value} says {carrier} pays before Medicare, "
        f"but the case records {case}.",
        "Correct the Medicare secondary payer type on the coverage, or record the accident "
        "on the case; if Medicare is in fact primary, remove the type.",
    )


CHECKS = (check_accident_billed_to_medicare_first, check_msp_type)
