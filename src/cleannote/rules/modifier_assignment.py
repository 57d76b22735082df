"""The modifier engine: which modifiers each claim line carries, and why.

A pure function of the documented visit, the units the documentation supports, the payer's
policy and the NCCI table. It returns the modifiers per line together with one reason per
decision, so the scrubber and the biller can see where every modifier came from. The order on a
line is fixed (docs/decisions/0091-modifier-order.md): discipline, assistant, NCCI bypass, KX,
AT, then modifiers the clinician asked for; a line carries at most four.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from cleannote.rules.catalog import TherapyDesignation, find_procedure
from cleannote.rules.errors import RulesError
from cleannote.rules.modifiers import (
    ASSISTANT_MODIFIER,
    DISCIPLINE_MODIFIER,
    NCCI_BYPASS_MODIFIERS,
    ModifierKind,
    UnknownModifierError,
    modifier,
)
from cleannote.rules.ncci import PtpTable
from cleannote.rules.payer_policy import PayerPolicy
from cleannote.rules.thresholds import TherapyBucket, bucket_for, kx_threshold
from cleannote.rules.units import assistant_modifier_needed
from cleannote.rules.visit import (
    ASSISTANT_CREDENTIALS,
    Discipline,
    Laterality,
    ModifierStyle,
    PayerKind,
    Service,
    Visit,
)

MAX_MODIFIERS_PER_LINE = 4

# What each X modifier says about two services, for the reasons a biller reads.
BYPASS_MEANING = {
    "XS": "different body regions",
    "XE": "a separate encounter",
    "XP": "a different practitioner",
    "XU": "non-overlapping time blocks",
}
# Modifiers derived from facts of the visit: a clinician's request for one does not decide it.
_ENGINE_KINDS = frozenset(
    {ModifierKind.DISCIPLINE, ModifierKind.ASSISTANT, ModifierKind.NCCI_BYPASS}
)


class UnitsMismatchError(RulesError):
    def __init__(self, services: int, units: int) -> None:
        super().__init__(f"units given for {units} lines but the visit has {services} services")


@dataclass(frozen=True, slots=True)
class LineModifiers:
    service_index: int
    modifiers: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _ActiveTreatment:
    codes: frozenset[str]
    payer_kinds: frozenset[PayerKind]


@cache
def _active_treatment() -> _ActiveTreatment:
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("active_treatment.json").read_text("utf-8")
    )
    return _ActiveTreatment(
        codes=frozenset(raw["codes"]),
        payer_kinds=frozenset(PayerKind(kind) for kind in raw["payer_kinds"]),
    )


def _minute_of_day(service: Service, which: str) -> int | None:
    moment = service.start if which == "start" else service.end
    return None if moment is None else moment.hour * 60 + moment.minute


def bypass_distinction(a: Service, b: Service, default_npi: str | None = None) -> str | None:
    """The X modifier the note supports for billing `b` alongside `a`, or None.

    Checked in the order XS (different body regions, or opposite sides), XE (different
    encounter numbers), XP (different rendering NPI; `default_npi` stands for a service without
    its own), XU (start/end blocks that do not overlap). The first one the documentation shows
    wins: a line carries one bypass modifier.
    """
    if a.body_regions and b.body_regions:
        if not set(a.body_regions) & set(b.body_regions):
            return "XS"
        sides = {a.laterality, b.laterality}
        if len(sides) == 2 and None not in sides and Laterality.BILATERAL not in sides:
            return "XS"
    if a.encounter != b.encounter:
        return "XE"
    if (a.rendering_npi or default_npi) != (b.rendering_npi or default_npi):
        return "XP"
    a_start, a_end = _minute_of_day(a, "start"), _minute_of_day(a, "end")
    b_start, b_end = _minute_of_day(b, "start"), _minute_of_day(b, "end")
    if (
        a_start is not None
        and a_end is not None
        and b_start is not None
        and b_end is not None
        and a_start <= a_end
        and b_start <= b_end
        and (a_end <= b_start or b_end <= a_start)
    ):
        return "XU"
    return None


def _discipline_modifier(
    designation: TherapyDesignation | None, discipline: Discipline, visit: Visit
) -> tuple[str, str] | None:
    mod = DISCIPLINE_MODIFIER.get(discipline)
    if mod is None or designation is None or designation is TherapyDesignation.NEVER:
        return None
    if designation is TherapyDesignation.ALWAYS:
        return (
            mod,
            f"{mod}: always-therapy code furnished by {discipline.value} (100-04 Ch.5 §20.1)",
        )
    if visit.plan_of_care is None:
        return None
    return mod, (
        f"{mod}: sometimes-therapy code furnished under a {discipline.value} plan of care "
        "(100-04 Ch.5 §20.1)"
    )


def _assistant_modifier(
    service: Service, discipline: Discipline, whole_visit_by_assistant: bool
) -> tuple[str, str] | None:
    mod = ASSISTANT_MODIFIER.get(discipline)
    if mod is None:
        return None
    if whole_visit_by_assistant:
        return mod, f"{mod}: the rendering clinician is an assistant"
    if service.assistant_minutes <= 0:
        return None
    minutes = service.documented_minutes
    if minutes is None:
        return mod, f"{mod}: assistant minutes recorded on a service without its own minutes"
    if not assistant_modifier_needed(minutes, service.assistant_minutes):
        return None
    return mod, (
        f"{mod}: assistant furnished {service.assistant_minutes} of {minutes} minutes, "
        "more than 10% (CMS de minimis standard)"
    )


def assign_modifiers(
    visit: Visit,
    units: Sequence[int],
    policy: PayerPolicy,
    ptp: PtpTable,
    *,
    billed_codes: Sequence[str] | None = None,
) -> tuple[LineModifiers, ...]:
    """Modifiers and reasons for every service of the visit, in service order.

    `units` are the units per service (0 = not billed: the line gets no modifiers).
    `billed_codes` are the codes as they go on the claim when the caller replaced any (97014
    becomes G0283 for Medicare); NCCI edits are looked up on them. Defaults to the documented
    codes.
    """
    services = visit.services
    if len(units) != len(services):
        raise UnitsMismatchError(len(services), len(units))
    codes = tuple(s.code for s in services) if billed_codes is None else tuple(billed_codes)
    if len(codes) != len(services):
        raise UnitsMismatchError(len(services), len(codes))
    discipline = visit.rendering_provider.discipline
    by_assistant = visit.rendering_provider.credential in ASSISTANT_CREDENTIALS
    default_npi = visit.rendering_provider.npi
    dos = visit.date_of_service

    # NCCI: each billed pair with an edit in force; the bypass goes on the column-2 line.
    bypass: dict[int, tuple[str, str]] = {}
    for i in range(len(services)):
        if units[i] <= 0:
            continue
        for j in range(i + 1, len(services)):
            if units[j] <= 0 or codes[i] == codes[j]:
                continue
            edit = ptp.edit_for(codes[i], codes[j], dos)
            if edit is None or edit.modifier_indicator != 1:
                continue
            col1, col2 = (i, j) if edit.column1 == codes[i] else (j, i)
            if col2 in bypass:
                continue
            found = bypass_distinction(services[col1], services[col2], default_npi)
            if found is None:
                continue
            mod = "59" if policy.modifier_style is ModifierStyle.FIFTY_NINE else found
            style = " (payer takes 59 for X modifiers)" if mod == "59" else ""
            bypass[col2] = (
                mod,
                (
                    f"{mod}: NCCI edit {edit.column1}/{edit.column2} (indicator 1) bypassed; "
                    f"the note shows {BYPASS_MEANING[found]} from {codes[col1]}{style}"
                ),
            )

    # Therapy lines first, so KX can count this visit's charges per bucket in line order.
    therapy: list[tuple[str, str] | None] = []
    for index, service in enumerate(services):
        procedure = find_procedure(service.code)
        if units[index] <= 0 or procedure is None or not policy.therapy_modifiers_required:
            therapy.append(None)
            continue
        therapy.append(_discipline_modifier(procedure.medicare_therapy, discipline, visit))

    kx_lines = _kx_lines(visit, services, therapy, policy) if policy.kx_applies else {}
    at = _active_treatment()
    at_applies = policy.kind in at.payer_kinds

    result: list[LineModifiers] = []
    for index, service in enumerate(services):
        if units[index] <= 0:
            result.append(LineModifiers(index, (), ("no modifiers: the line is not billed",)))
            continue
        mods: list[str] = []
        reasons: list[str] = []
        line_therapy = therapy[index]
        if line_therapy is not None:
            mods.append(line_therapy[0])
            reasons.append(line_therapy[1])
            assistant = _assistant_modifier(service, discipline, by_assistant)
            if assistant is not None:
                mods.append(assistant[0])
                reasons.append(assistant[1])
        if index in bypass:
            mods.append(bypass[index][0])
            reasons.append(bypass[index][1])
        if index in kx_lines:
            mods.append("KX")
            reasons.append(kx_lines[index])
        if at_applies and codes[index] in at.codes:
            mods.append("AT")
            reasons.append("AT: Medicare spinal manipulation billed as active treatment")
        _add_requested(service, mods, reasons, line_therapy is not None and policy.kx_applies)
        if len(mods) > MAX_MODIFIERS_PER_LINE:
            dropped = mods[MAX_MODIFIERS_PER_LINE:]
            del mods[MAX_MODIFIERS_PER_LINE:]
            reasons.append(
                f"dropped {', '.join(dropped)}: a line carries at most "
                f"{MAX_MODIFIERS_PER_LINE} modifiers"
            )
        result.append(LineModifiers(index, tuple(mods), tuple(reasons)))
    return tuple(result)


def _kx_lines(
    visit: Visit,
    services: Sequence[Service],
    therapy: Sequence[tuple[str, str] | None],
    policy: PayerPolicy,
) -> dict[int, str]:
    """KX reasons for the therapy lines whose bucket's running total passes the threshold.

    The running total starts at the year-to-date allowed amount and adds this visit's line
    charges in line order: charges overstate allowed amounts, so KX comes early, never late.
    """
    ytd = visit.episode.therapy_ytd if visit.episode is not None else None
    running = {
        TherapyBucket.PT_SLP: ytd.pt_slp if ytd is not None else Decimal("0"),
        TherapyBucket.OT: ytd.ot if ytd is not None else Decimal("0"),
    }
    bucket = bucket_for(visit.rendering_provider.discipline)
    lines: dict[int, str] = {}
    if bucket is None or not any(therapy):
        return lines
    year = visit.date_of_service.year
    threshold = kx_threshold(year)
    for index, service in enumerate(services):
        if therapy[index] is None:
            continue
        running[bucket] += service.charge
        if running[bucket] > threshold:
            lines[index] = (
                f"KX: {bucket.value.replace('_', '/').upper()} therapy this year reaches "
                f"${running[bucket]:,.2f} with this line, above the {year} threshold "
                f"${threshold:,.2f}"
            )
    return lines


def _add_requested(service: Service, mods: list[str], reasons: list[str], kx_allowed: bool) -> None:
    """Keep the clinician's modifiers the catalog knows, except those the engine decides."""
    for raw in service.modifiers:
        code = raw.strip().upper()
        if code in mods:
            continue
        try:
            kind = modifier(code).kind
        except UnknownModifierError:
            reasons.append(f"dropped requested {code!r}: not in the modifier catalog")
            continue
        if kind in _ENGINE_KINDS:
            what = "bypass" if code in NCCI_BYPASS_MODIFIERS else "discipline or assistant"
            reasons.append(
                f"dropped requested {code}: {what} modifiers follow from the documentation"
            )
            continue
        if kind is ModifierKind.THRESHOLD and not kx_allowed:
            reasons.append(f"dropped requested {code}: KX does not apply to this line or payer")
            continue
        mods.append(code)
        reasons.append(f"{code}: requested by the clinician")
