"""The modifier engine: which modifiers each claim line carries, and why.

A pure function of the documented visit, the units the documentation supports, the payer's
policy and the NCCI table. It returns the modifiers per line together with one reason per
decision, so the scrubber and the biller can see where every modifier came from. The order on a
line is fixed (docs/decisions/0091-modifier-order.md): discipline, assistant, NCCI bypass, KX,
AT, the liability modifier the ABN table decides (GA, GZ, GY; ADR 0960), then modifiers the
clinician asked for; a line carries at most four.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

import msgspec

from cleannote.rules.beneficiary_notices import (
    Liability,
    LineLiability,
    liability_reason,
    line_liabilities,
)
from cleannote.rules.catalog import Procedure, TherapyDesignation, find_procedure
from cleannote.rules.errors import RulesError
from cleannote.rules.modifiers import (
    ASSISTANT_MODIFIER,
    DISCIPLINE_MODIFIER,
    NCCI_BYPASS_MODIFIERS,
    ModifierKind,
    UnknownModifierError,
    modifier,
)
from cleannote.rules.ncci import PtpEdit, PtpTable
from cleannote.rules.payer_policy import PayerPolicy
from cleannote.rules.progression import unprogressed_services
from cleannote.rules.thresholds import TherapyBucket, bucket_for, find_threshold_row, kx_threshold
from cleannote.rules.units import assistant_modifier_needed
from cleannote.rules.visit import (
    ASSISTANT_CREDENTIALS,
    Discipline,
    Laterality,
    ModifierStyle,
    PayerKind,
    Service,
    TherapyYearToDate,
    Visit,
    minute_of_day,
)

MAX_MODIFIERS_PER_LINE = 4

# What each X modifier says about two services, for the reasons a biller reads.
BYPASS_MEANING = {
    "XS": "different body regions",
    "XE": "a separate encounter",
    "XP": "a different practitioner",
    "XU": "non-overlapping time blocks",
}
# The documented distinction each X modifier stands for, as the distinctions table names them.
DISTINCTION_MODIFIER = {
    "region": "XS",
    "encounter": "XE",
    "practitioner": "XP",
    "time": "XU",
}
ALL_DISTINCTIONS = frozenset(DISTINCTION_MODIFIER.values())
# Modifiers derived from facts of the visit: a clinician's request for one does not decide it.
_ENGINE_KINDS = frozenset(
    {ModifierKind.DISCIPLINE, ModifierKind.ASSISTANT, ModifierKind.NCCI_BYPASS}
)
# Enum members bound once: member access through the class is slow in a per-line loop.
_ALWAYS, _NEVER = TherapyDesignation.ALWAYS, TherapyDesignation.NEVER
_FIFTY_NINE = ModifierStyle.FIFTY_NINE
_BILATERAL = Laterality.BILATERAL
_THRESHOLD_KIND = ModifierKind.THRESHOLD
_LIABILITY_KIND = ModifierKind.LIABILITY
_NOT_BILLED = ("no modifiers: the line is not billed",)
_AT_REASON = "AT: Medicare spinal manipulation billed as active treatment"
_NOT_NECESSARY = frozenset({Liability.ABOVE_THRESHOLD, Liability.MAINTENANCE})


class BypassDataError(RulesError):
    """The bundled bypass-distinctions table has a malformed row (named by its position)."""


@dataclass(frozen=True, slots=True)
class AcceptedDistinctions:
    """The X modifiers (distinctions) a payer accepts to bypass one NCCI pair, and why."""

    modifiers: frozenset[str]
    source: str
    effective: dt.date | None = None
    deletion: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        if self.effective is None:
            return True
        return self.effective <= on and (self.deletion is None or on < self.deletion)


class UnitsMismatchError(RulesError):
    def __init__(self, services: int, units: int) -> None:
        super().__init__(f"units given for {units} lines but the visit has {services} services")


class LineModifiers(msgspec.Struct, frozen=True, gc=False):
    """A line's modifiers and why; a frozen struct, like the scrub's lines and findings
    (`rules/findings.py`), since every billed line makes one."""

    service_index: int
    modifiers: tuple[str, ...]
    reasons: tuple[str, ...]
    liability: LineLiability | None = None
    """The ABN table's decision for the line (`rules.beneficiary_notices`), when judged."""


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


def _bypass_date(value: object, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BypassDataError(f"{where}: {value!r} is not a YYYY-MM-DD date") from exc


def _accepted(raw: object, where: str) -> frozenset[str]:
    if not isinstance(raw, list) or not raw:
        raise BypassDataError(f"{where}: accepted must be a non-empty list")
    unknown = [name for name in raw if name not in DISTINCTION_MODIFIER]
    if unknown:
        raise BypassDataError(
            f"{where}: accepted {unknown!r} not among {', '.join(DISTINCTION_MODIFIER)}"
        )
    return frozenset(DISTINCTION_MODIFIER[name] for name in raw)


@cache
def _distinctions_table() -> tuple[
    AcceptedDistinctions, dict[tuple[str, str], tuple[AcceptedDistinctions, ...]]
]:
    """The default and the per-pair rows of data/ncci_bypass_distinctions.json, checked once."""
    name = "ncci_bypass_distinctions.json"
    raw = json.loads(resources.files("cleannote.rules.data").joinpath(name).read_text("utf-8"))
    default = raw["default"]
    fallback = AcceptedDistinctions(
        _accepted(default["accepted"], f"{name} default"), str(default["source"])
    )
    pairs: dict[tuple[str, str], list[AcceptedDistinctions]] = {}
    for number, row in enumerate(raw["pairs"], start=1):
        where = f"{name} pair row {number}"
        source = row.get("source")
        if not isinstance(source, str) or not source.strip():
            raise BypassDataError(f"{where}: every row must name its source")
        entry = AcceptedDistinctions(
            _accepted(row.get("accepted"), where),
            source,
            _bypass_date(row.get("effective"), f"{where} effective"),
            _bypass_date(row.get("deletion"), f"{where} deletion"),
        )
        for first in row["column1"]:
            for second in row["column2"]:
                key = (first, second) if first < second else (second, first)
                pairs.setdefault(key, []).append(entry)
    return fallback, {key: tuple(rows) for key, rows in pairs.items()}


def accepted_distinctions(code_a: str, code_b: str, on: dt.date) -> AcceptedDistinctions:
    """Which distinctions may bypass the NCCI edit between two codes on a date of service.

    Spinal manipulation with a same-region procedure, or massage with manual therapy, is
    distinct only on another region or in another encounter; most pairs accept any of the four
    (docs/decisions/0190-ncci-bypass-distinctions-per-pair.md). Column order does not matter.
    """
    fallback, pairs = _distinctions_table()
    rows = pairs.get((code_a, code_b) if code_a < code_b else (code_b, code_a))
    if rows is not None:
        for row in rows:
            if row.in_force(on):
                return row
    return fallback


def bypass_distinction(
    a: Service,
    b: Service,
    default_npi: str | None = None,
    accepted: frozenset[str] = ALL_DISTINCTIONS,
) -> str | None:
    """The X modifier the note supports for billing `b` alongside `a`, or None.

    Checked in the order XS (different body regions, or opposite sides), XE (different
    encounter numbers), XP (different rendering NPI; `default_npi` stands for a service without
    its own), XU (start/end blocks that do not overlap), skipping any the pair does not accept
    (`accepted`, from `accepted_distinctions`). The first one the documentation shows wins: a
    line carries one bypass modifier.
    """
    if "XS" in accepted and a.body_regions and b.body_regions:
        if set(a.body_regions).isdisjoint(b.body_regions):
            return "XS"
        a_side, b_side = a.laterality, b.laterality
        if (
            a_side is not None
            and b_side is not None
            and a_side != b_side
            and a_side != _BILATERAL
            and b_side != _BILATERAL
        ):
            return "XS"
    if "XE" in accepted and a.encounter != b.encounter:
        return "XE"
    if "XP" in accepted and (a.rendering_npi or default_npi) != (b.rendering_npi or default_npi):
        return "XP"
    if "XU" not in accepted or a.start is None or a.end is None or b.start is None or b.end is None:
        return None
    a_start, a_end = minute_of_day(a.start), minute_of_day(a.end)
    b_start, b_end = minute_of_day(b.start), minute_of_day(b.end)
    if a_start <= a_end and b_start <= b_end and (a_end <= b_start or b_end <= a_start):
        return "XU"
    return None


def _discipline_reason(discipline: Discipline, designation: TherapyDesignation) -> str:
    mod = DISCIPLINE_MODIFIER[discipline]
    if designation is _ALWAYS:
        return f"{mod}: always-therapy code furnished by {discipline.value} (100-04 Ch.5 §20.1)"
    return (
        f"{mod}: sometimes-therapy code furnished under a {discipline.value} plan of care "
        "(100-04 Ch.5 §20.1)"
    )


# (discipline, therapy stands, designation) -> (modifier, reason), written once rather than
# per line: a sometimes-therapy code stands as therapy only under a plan of care.
_DISCIPLINE_REASONS: dict[tuple[Discipline, bool, TherapyDesignation], tuple[str, str]] = {
    (discipline, True, designation): (mod, _discipline_reason(discipline, designation))
    for discipline, mod in DISCIPLINE_MODIFIER.items()
    for designation in (TherapyDesignation.ALWAYS, TherapyDesignation.SOMETIMES)
}


def _assistant_modifier(
    service: Service, discipline: Discipline, whole_visit_by_assistant: bool
) -> tuple[str, str] | None:
    mod = ASSISTANT_MODIFIER.get(discipline)
    if mod is None:
        return None
    if whole_visit_by_assistant:
        return mod, f"{mod}: an assistant furnished the visit"
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
    procedures: Sequence[Procedure | None] | None = None,
    pair_edits: Sequence[tuple[int, int, PtpEdit]] | None = None,
    skip_kx_without_threshold: bool = False,
) -> tuple[LineModifiers, ...]:
    """Modifiers and reasons for every service of the visit, in service order.

    `units` are the units per service (0 = not billed: the line gets no modifiers).
    `billed_codes` are the codes as they go on the claim when the caller replaced any (97014
    becomes G0283 for Medicare); NCCI edits are looked up on them. Defaults to the documented
    codes. `procedures` (catalog entry per service) and `pair_edits` (`ncci_pairs` of the
    billed lines) spare a caller that already has them a second lookup.

    A Medicare visit in a year with no KX threshold on file raises ThresholdYearError, unless
    `skip_kx_without_threshold`: then no line gets KX and the caller must say so (the
    scrubber reports `payer.kx-threshold-unknown`).
    """
    services = visit.services
    if len(units) != len(services):
        raise UnitsMismatchError(len(services), len(units))
    codes = tuple(s.code for s in services) if billed_codes is None else tuple(billed_codes)
    if len(codes) != len(services):
        raise UnitsMismatchError(len(services), len(codes))
    rendering = visit.rendering_provider
    discipline = rendering.discipline
    # Whole visit by an assistant: named as rendering provider, or furnishing it under the
    # supervising therapist the claim names (Medicare: docs/decisions/0200).
    by_assistant = rendering.credential in ASSISTANT_CREDENTIALS or visit.assistant is not None
    default_npi = rendering.npi
    if pair_edits is None:
        pair_edits = ncci_pairs(codes, units, ptp, visit.date_of_service)

    # NCCI: each billed pair with an edit in force; the bypass goes on the column-2 line.
    bypass: dict[int, tuple[str, str]] = {}
    for col1, col2, edit in pair_edits:
        if edit.modifier_indicator != 1 or col2 in bypass:
            continue
        accepted = accepted_distinctions(edit.column1, edit.column2, visit.date_of_service)
        found = bypass_distinction(services[col1], services[col2], default_npi, accepted.modifiers)
        if found is not None:
            mod = "59" if policy.modifier_style is _FIFTY_NINE else found
            style = " (payer takes 59 for X modifiers)" if mod == "59" else ""
            bypass[col2] = (
                mod,
                (
                    f"{mod}: NCCI edit {edit.column1}/{edit.column2} (indicator 1) bypassed; "
                    f"the note shows {BYPASS_MEANING[found]} from {codes[col1]}{style}"
                ),
            )

    # Therapy lines first, so KX can count this visit's charges per bucket in line order.
    therapy: list[tuple[str, str] | None]
    if not policy.therapy_modifiers_required:
        therapy = [None] * len(services)
    else:
        if procedures is None:
            procedures = [find_procedure(s.code) for s in services]
        # A billed line's discipline modifier: none for a code never therapy; a sometimes-therapy
        # code stands as therapy only under a plan of care.
        therapy = []
        under_plan = visit.plan_of_care is not None
        reasons_for = _DISCIPLINE_REASONS.get
        for count, procedure in zip(units, procedures, strict=True):
            designation = None if count <= 0 or procedure is None else procedure.medicare_therapy
            if designation is None or designation is _NEVER:
                therapy.append(None)
            else:
                stands = under_plan or designation is _ALWAYS
                therapy.append(reasons_for((discipline, stands, designation)))

    kx_lines = (
        _kx_lines(visit, services, therapy, skip_kx_without_threshold) if policy.kx_applies else {}
    )
    liabilities: dict[int, LineLiability] = {}
    if visit.notices is not None and policy.kind is PayerKind.MEDICARE:
        if procedures is None:
            procedures = [find_procedure(s.code) for s in services]
        liabilities = line_liabilities(
            visit,
            codes,
            units,
            procedures,
            threshold_lines=kx_lines,
            unprogressed=unprogressed_services(visit),
        )
        # KX attests medical necessity: not on a line expected to be denied for the want of it.
        for index, line in liabilities.items():
            if line.liability in _NOT_NECESSARY:
                kx_lines.pop(index, None)
    at = _active_treatment()
    at_applies = policy.kind in at.payer_kinds
    at_codes = at.codes
    kx_allowed = policy.kx_applies
    # The assistant modifier: the same on every therapy line when an assistant furnished the
    # whole visit, else judged per line from the service's assistant minutes.
    assistant_mod = (
        ASSISTANT_MODIFIER.get(discipline) if policy.assistant_modifiers_required else None
    )
    whole_visit_assistant = (
        (assistant_mod, f"{assistant_mod}: an assistant furnished the visit")
        if assistant_mod is not None and by_assistant
        else None
    )

    result: list[LineModifiers] = []
    for index, service in enumerate(services):
        if units[index] <= 0:
            result.append(LineModifiers(index, (), _NOT_BILLED))
            continue
        mods: list[str] = []
        reasons: list[str] = []
        line_therapy = therapy[index]
        if line_therapy is not None:
            mods.append(line_therapy[0])
            reasons.append(line_therapy[1])
            if assistant_mod is None:
                assistant = None
            elif whole_visit_assistant is not None:
                assistant = whole_visit_assistant
            else:
                assistant = _assistant_modifier(service, discipline, False)
            if assistant is not None:
                mods.append(assistant[0])
                reasons.append(assistant[1])
        line_bypass = bypass.get(index)
        if line_bypass is not None:
            mods.append(line_bypass[0])
            reasons.append(line_bypass[1])
        line_kx = kx_lines.get(index)
        if line_kx is not None:
            mods.append("KX")
            reasons.append(line_kx)
        if at_applies and codes[index] in at_codes:
            mods.append("AT")
            reasons.append(_AT_REASON)
        line_liability = liabilities.get(index)
        if line_liability is not None:
            if line_liability.modifier is not None:
                mods.append(line_liability.modifier)
            reasons.append(liability_reason(line_liability))
        if service.modifiers:
            _add_requested(
                service,
                mods,
                reasons,
                line_therapy is not None
                and kx_allowed
                and (line_liability is None or line_liability.liability not in _NOT_NECESSARY),
                liability_judged=line_liability is not None,
            )
        if len(mods) > MAX_MODIFIERS_PER_LINE:
            dropped = mods[MAX_MODIFIERS_PER_LINE:]
            del mods[MAX_MODIFIERS_PER_LINE:]
            reasons.append(
                f"dropped {', '.join(dropped)}: a line carries at most "
                f"{MAX_MODIFIERS_PER_LINE} modifiers"
            )
        result.append(LineModifiers(index, tuple(mods), tuple(reasons), line_liability))
    return tuple(result)


def ncci_pairs(
    codes: Sequence[str], units: Sequence[int], ptp: PtpTable, on: dt.date
) -> list[tuple[int, int, PtpEdit]]:
    """Each pair of billed lines with an edit in force: (column-1 index, column-2 index, edit).

    Lines with no units are not billed and pair with nothing; a code never pairs with itself.
    The modifier engine and the scrubber's NCCI checks both read this one list.
    """
    found = []
    count = len(codes)
    partners_of = ptp.partners
    for i in range(count - 1):
        if units[i] <= 0:
            continue
        first = codes[i]
        partners = partners_of(first)
        if not partners:
            continue
        for j in range(i + 1, count):
            second = codes[j]
            if units[j] <= 0 or second not in partners or first == second:
                continue
            edit = ptp.edit_for(first, second, on)
            if edit is not None:
                found.append((i, j, edit) if edit.column1 == first else (j, i, edit))
    return found


def kx_threshold_known(visit: Visit) -> bool:
    """Whether data/thresholds.json has the KX amount for the visit's year."""
    return find_threshold_row("kx", visit.date_of_service.year) is not None


def _kx_lines(
    visit: Visit,
    services: Sequence[Service],
    therapy: Sequence[tuple[str, str] | None],
    skip_without_threshold: bool,
) -> dict[int, str]:
    """KX reasons for the therapy lines whose bucket's running total passes the threshold.

    The running total starts at the year-to-date allowed amount and adds this visit's line
    charges in line order: charges overstate allowed amounts, so KX comes early, never late.
    """
    lines: dict[int, str] = {}
    bucket = bucket_for(visit.rendering_provider.discipline)
    if bucket is None or not any(therapy):
        return lines
    year = visit.date_of_service.year
    if skip_without_threshold:
        row = find_threshold_row("kx", year)
        if row is None:
            return lines
        threshold = row.amount
    else:
        threshold = kx_threshold(year)
    ytd = visit.episode.therapy_ytd if visit.episode is not None else None
    running = _running_start(ytd, bucket)
    for index, service in enumerate(services):
        if therapy[index] is None:
            continue
        running += service.charge
        if running > threshold:
            lines[index] = (
                f"KX: {bucket.value.replace('_', '/').upper()} therapy this year reaches "
                f"${running:,.2f} with this line, above the {year} threshold "
                f"${threshold:,.2f}"
            )
    return lines


def _running_start(ytd: TherapyYearToDate | None, bucket: TherapyBucket) -> Decimal:
    """The bucket's year-to-date allowed amount, where the KX running total starts."""
    if ytd is None:
        return Decimal("0")
    return ytd.ot if bucket is TherapyBucket.OT else ytd.pt_slp


def _add_requested(
    service: Service,
    mods: list[str],
    reasons: list[str],
    kx_allowed: bool,
    *,
    liability_judged: bool = False,
) -> None:
    """Keep the clinician's modifiers the catalog knows, except those the engine decides (the
    liability modifier too, when the ABN table judged the line)."""
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
        if kind is _LIABILITY_KIND and liability_judged:
            reasons.append(f"dropped requested {code}: the signed notices on file decide it")
            continue
        if kind is _THRESHOLD_KIND and not kx_allowed:
            reasons.append(f"dropped requested {code}: KX does not apply to this line or payer")
            continue
        mods.append(code)
        reasons.append(f"{code}: requested by the clinician")
