"""Code pairs: NCCI procedure-to-procedure edits, bypass modifiers, add-on codes without their
primary, and once-a-day codes."""

from __future__ import annotations

from functools import cache

from cleannote.rules.catalog import all_procedures
from cleannote.rules.modifier_assignment import accepted_distinctions, bypass_distinction
from cleannote.rules.modifiers import NCCI_BYPASS_MODIFIERS
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.visit import Service

_MASSAGE, _MANUAL = "97124", "97140"
_MASSAGE_MANUAL = frozenset({_MASSAGE, _MANUAL})
# How the pair.ncci-undocumented message names each accepted distinction, in checking order.
_DISTINCTION_WORDS = (
    ("XS", "body region"),
    ("XE", "session"),
    ("XP", "practitioner"),
    ("XU", "time block"),
)


def _same_region(ctx: ScrubContext, a: Service, b: Service) -> frozenset[str]:
    """Regions two services both treat in one session on the same side; empty when distinct.

    What makes massage and manual therapy two services is data (another region or side, or
    another session); another clinician or another time block on the same region does not.
    """
    shared = frozenset(a.body_regions) & frozenset(b.body_regions)
    if not shared:
        return shared
    accepted = accepted_distinctions(_MASSAGE, _MANUAL, ctx.visit.date_of_service).modifiers
    if bypass_distinction(a, b, ctx.visit.rendering_provider.npi, accepted) is not None:
        return frozenset()
    return shared


def _distinctions_text(accepted: frozenset[str]) -> str:
    words = [word for mod, word in _DISTINCTION_WORDS if mod in accepted]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def check_ncci(ctx: ScrubContext) -> None:
    final = ctx.modifiers  # one entry per service, in service order
    services = ctx.visit.services
    for first, second, edit in ctx.pair_edits:
        code1, code2 = ctx.billed_codes[first], ctx.billed_codes[second]
        if (
            code1 in _MASSAGE_MANUAL
            and code2 in _MASSAGE_MANUAL
            and _same_region(ctx, services[first], services[second])
        ):
            continue  # check_massage_manual_region says it in the clinic's terms
        # A low-confidence bundled row is a guess, not a CMS edit: a warning that says so
        # (ADR 0320); a CMS file's row, or a bundled one believed, is an error.
        confirmed = edit.confirmed
        unconfirmed = "" if confirmed else f" ({edit.provenance}: import the CMS NCCI files)"
        if edit.modifier_indicator == 0:
            ctx.add(
                "pair.ncci-hard" if confirmed else "pair.ncci-unconfirmed",
                f"{code2} is bundled into {code1} on the same day (NCCI, modifier indicator "
                f"0): no modifier can make it payable{unconfirmed}.",
                f"Bill {code1} only, or {code2} only if it was the service actually furnished.",
                second,
                row=edit.provenance,
            )
        elif edit.modifier_indicator == 1 and NCCI_BYPASS_MODIFIERS.isdisjoint(
            final[second].modifiers
        ):
            accepted = accepted_distinctions(edit.column1, edit.column2, ctx.visit.date_of_service)
            distinctions = _distinctions_text(accepted.modifiers)
            ctx.add(
                "pair.ncci-undocumented" if confirmed else "pair.ncci-unconfirmed",
                f"{code2} is bundled into {code1} unless the note shows a separate "
                f"{distinctions}{unconfirmed}.",
                f"Document what made {code2} distinct (a separate {distinctions}), "
                f"or drop {code2}.",
                second,
                row=edit.provenance,
            )


def check_requested_bypass(ctx: ScrubContext) -> None:
    """A 59/X modifier the clinician asked for must rest on a documented distinction.

    The modifier engine puts a bypass modifier on a line exactly when an indicator-1 edit makes
    it the column-2 code and the note shows a distinction, so a billed line asking for one
    without getting one has neither.
    """
    for index, service in enumerate(ctx.visit.services):
        if not service.modifiers or ctx.units[index] == 0:
            continue
        asked = NCCI_BYPASS_MODIFIERS.intersection(m.strip().upper() for m in service.modifiers)
        if not asked or not NCCI_BYPASS_MODIFIERS.isdisjoint(ctx.modifiers[index].modifiers):
            continue
        ctx.add(
            "pair.bypass-unsupported",
            f"{service.code} asks for {', '.join(sorted(asked))} but no NCCI pair needs it on "
            "this line or the note shows no separate region, session, practitioner or time.",
            "Remove the modifier, or document the distinct region, encounter or "
            "non-overlapping time it stands for.",
            index,
        )


def check_massage_manual_region(ctx: ScrubContext) -> None:
    if not ctx.codes >= _MASSAGE_MANUAL:
        return
    services = ctx.visit.services
    codes = [s.code for s in services]
    if _MASSAGE not in codes or _MANUAL not in codes:
        return
    for i, a in enumerate(services):
        if a.code != _MASSAGE or ctx.units[i] == 0:
            continue
        for j, b in enumerate(services):
            if b.code != _MANUAL or ctx.units[j] == 0:
                continue
            shared = _same_region(ctx, a, b)
            if shared:
                ctx.add(
                    "pair.97124-97140-region",
                    f"97124 and 97140 both treat {', '.join(sorted(shared))} in one session.",
                    "Bill one of them for that region; bill both only for different regions "
                    "(and document each region).",
                    i,
                )


@cache
def _add_on_codes() -> frozenset[str]:
    """Catalog codes billed only with a primary code, read once."""
    return frozenset(procedure.code for procedure in all_procedures() if procedure.add_on_to)


def check_addon_primary(ctx: ScrubContext) -> None:
    """An add-on code is paid only with its primary code billed the same day on the claim."""
    if ctx.codes.isdisjoint(_add_on_codes()):
        return
    units = ctx.units
    billed: set[str] | None = None  # built at the first add-on: most visits have none
    for index, procedure in enumerate(ctx.procedures):
        if procedure is None or not procedure.add_on_to or units[index] == 0:
            continue
        if billed is None:
            billed = {
                code for code, count in zip(ctx.billed_codes, units, strict=True) if count > 0
            }
        if billed.isdisjoint(procedure.add_on_to):
            primaries = " or ".join(procedure.add_on_to)
            ctx.add(
                "code.addon-without-primary",
                f"{procedure.code} is an add-on code, billed without {primaries} the same day.",
                f"Bill {primaries} for the first block of the service and {procedure.code} "
                "only for the time after it.",
                index,
            )


def check_97010_once(ctx: ScrubContext) -> None:
    if "97010" not in ctx.billed_codes:
        return
    ours = [i for i, code in enumerate(ctx.billed_codes) if code == "97010"]
    others = sum(1 for other in ctx.visit.other_providers_same_day if other.code == "97010")
    if len(ours) + others > 1 and ours:
        ctx.add(
            "pair.97010-repeat",
            f"97010 appears {len(ours) + others} times today"
            + (f" ({others} by other providers)" if others else "")
            + "; it is reportable once a day.",
            "Bill 97010 once for the day, on one provider's claim.",
            ours[-1],
        )


CHECKS = (
    check_ncci,
    check_requested_bypass,
    check_massage_manual_region,
    check_addon_primary,
    check_97010_once,
)
