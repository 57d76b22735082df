"""Payer rules: accident details, who pays first, what a payer covers, and the modifiers a
payer needs to see (discipline, assistant, threshold)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources

from cleannote.rules.beneficiary_notices import NoticeOption, missing_notice_message
from cleannote.rules.memo import memo
from cleannote.rules.modifier_assignment import kx_threshold_known
from cleannote.rules.modifiers import DISCIPLINE_MODIFIER, NCCI_BYPASS_MODIFIERS
from cleannote.rules.npi import is_valid_npi
from cleannote.rules.scrub.context import ScrubContext
from cleannote.rules.thresholds import TherapyBucket, bucket_for, find_threshold_row
from cleannote.rules.visit import AccidentKind, Credential, PayerKind

_AUTO_KINDS = frozenset({PayerKind.AUTO_PIP, PayerKind.AUTO_MEDPAY, PayerKind.AUTO_LIABILITY})
_HEALTH_PLANS = frozenset(
    {PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE, PayerKind.MEDICAID, PayerKind.COMMERCIAL}
)
_MEDICARE_KINDS = frozenset({PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE})
_MASSAGE_CODES = frozenset({"97124"})
_STATUS_CODES = frozenset({"97010", "97014", "98943"})
# A line the patient may be billed for knowingly: excluded by statute, or under a signed ABN.
_LIABILITY_MARKED = frozenset({"GY", "GA"})
_ADDED_RULES = (
    ("CQ", "payer.assistant-modifier"),
    ("CO", "payer.assistant-modifier"),
    ("KX", "payer.kx"),
    ("AT", "medicare.cmt-at"),
)
# A clinic bills under a handful of NPIs, so each one's check digit is computed once.
_npi_ok = memo(maxsize=1024)(is_valid_npi)
_BUCKET_NAME = {TherapyBucket.PT_SLP: "PT/SLP", TherapyBucket.OT: "OT"}
_DISCIPLINE_MODIFIERS = frozenset(DISCIPLINE_MODIFIER.values())


@cache
def no_fault_states() -> frozenset[str]:
    """States where personal injury protection pays first (data/no_fault_states.json)."""
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("no_fault_states.json").read_text("utf-8")
    )
    return frozenset(raw["states"])


def check_npis(ctx: ScrubContext) -> None:
    visit = ctx.visit
    if not _npi_ok(visit.billing_provider.npi):
        _bad_npi(ctx, "billing provider", visit.billing_provider.npi, None)
    if not _npi_ok(visit.rendering_provider.npi):
        _bad_npi(ctx, "rendering provider", visit.rendering_provider.npi, None)
    if visit.referral is not None and not _npi_ok(visit.referral.npi):
        _bad_npi(ctx, "referring provider", visit.referral.npi, None)
    for index, service in enumerate(visit.services):
        npi = service.rendering_npi
        if npi and not _npi_ok(npi):
            _bad_npi(ctx, f"{service.code} service rendering provider", npi, index)


def _bad_npi(ctx: ScrubContext, role: str, npi: str, line: int | None) -> None:
    ctx.add(
        "npi.check-digit",
        f"The {role} NPI {npi} fails the NPI check-digit test.",
        "Correct the NPI (check it against NPPES).",
        line,
    )


def check_discipline(ctx: ScrubContext) -> None:
    """Codes the catalog lacks; a code outside the clinician's discipline is checks_scope's."""
    for index, procedure in enumerate(ctx.procedures):
        if procedure is None:
            ctx.add(
                "code.unknown",
                f"{ctx.visit.services[index].code} is not in Cleannote's therapy catalog.",
                "Check the code; `cleannote codes list` shows the codes we bill.",
                index,
            )


def check_accident(ctx: ScrubContext) -> None:
    visit, accident = ctx.visit, ctx.visit.accident
    needs = visit.payer.kind in _AUTO_KINDS or visit.payer.kind is PayerKind.WORKERS_COMP
    if accident is None:
        if needs:
            ctx.add(
                "payer.accident-details",
                f"A claim to a {visit.payer.kind.value.replace('_', ' ')} payer needs the "
                "accident (kind, date and state); the visit has no accident recorded.",
                "Record the accident date and the state it happened in on the case.",
            )
        return
    missing = []
    if accident.date is None:
        missing.append("date")
    if accident.kind is AccidentKind.AUTO and not accident.state:
        missing.append("state")
    if missing:
        ctx.add(
            "payer.accident-details",
            f"The {accident.kind.value} accident has no {' or '.join(missing)}.",
            "Record the accident date and the state it happened in on the case.",
        )


def check_auto_primary(ctx: ScrubContext) -> None:
    visit, accident = ctx.visit, ctx.visit.accident
    if accident is None or accident.kind is not AccidentKind.AUTO:
        return
    if visit.payer.kind not in _HEALTH_PLANS or visit.payer.kind is PayerKind.MEDICARE:
        return  # Medicare (Part B) is checks_msp's: billed first, or secondary with its type
    if accident.state in no_fault_states() and accident.pip_exhausted_on is None:
        ctx.add(
            "payer.auto-primary",
            f"The injury is from an auto accident in {accident.state}, a no-fault state: "
            f"personal injury protection pays before {visit.payer.kind.value.replace('_', ' ')}.",
            "Bill the auto carrier's PIP first; bill the health plan with the PIP "
            "exhaustion or denial letter.",
        )
    else:
        ctx.add(
            "payer.auto-primary-check",
            "The injury is from an auto accident and the claim goes to a health plan.",
            "Check for auto medical payments or liability coverage and record it on the "
            "case; the health plan may recoup if another carrier owes.",
        )


def check_pip_massage(ctx: ScrubContext) -> None:
    visit, accident = ctx.visit, ctx.visit.accident
    if visit.payer.kind is not PayerKind.AUTO_PIP or accident is None or not accident.state:
        return
    if accident.state not in ctx.policy.massage_barred_states:
        return
    by_lmt = visit.rendering_provider.credential is Credential.LMT
    for index, service in enumerate(visit.services):
        if service.code in _MASSAGE_CODES or by_lmt:
            ctx.add(
                "payer.pip-massage",
                f"{service.code}: {accident.state} PIP does not pay for massage"
                + (" or massage therapists." if by_lmt else "."),
                "Bill the patient's health plan or MedPay, or the patient under a lien.",
                index,
            )


def check_medicare_status(ctx: ScrubContext) -> None:
    if _STATUS_CODES.isdisjoint(ctx.codes):
        return
    policy = ctx.policy
    for index, service in enumerate(ctx.visit.services):
        code = service.code
        if code not in _STATUS_CODES:
            continue
        if code == "97010" and not policy.pays_97010:
            if policy.kind in _MEDICARE_KINDS:
                ctx.add(
                    "medicare.97010-bundled",
                    "97010 (hot/cold packs) is bundled for this payer: never paid separately, "
                    "and the patient cannot be billed for it.",
                    "Remove 97010 from the claim; keep it in the note.",
                    index,
                )
            else:
                ctx.add(
                    "payer.97010-not-paid",
                    "97010 (hot/cold packs) is not paid by this payer's policy: it is bundled "
                    "into the day's other services.",
                    "Remove 97010 from the claim (keep it in the note), or set the payer to pay "
                    "97010 if its contract does.",
                    index,
                )
        elif code == "97014" and not policy.accepts_97014:
            ctx.add(
                "medicare.97014-invalid",
                f"97014 is not valid for this payer; the line is billed as "
                f"{ctx.billed_codes[index]}.",
                "Nothing to do unless the stimulation was attended (then 97032).",
                index,
            )
        elif (
            code == "98943"
            and not policy.covers_98943
            and not _LIABILITY_MARKED.intersection(service.modifiers)
            and not _LIABILITY_MARKED.intersection(ctx.modifiers[index].modifiers)
        ):
            ctx.add(
                "medicare.98943-noncovered",
                "98943 (extraspinal manipulation) is not covered by this payer.",
                "Bill the patient with an ABN on file (GA), or add GY if a denial is "
                "needed for secondary insurance.",
                index,
            )


def check_requested_therapy_modifier(ctx: ScrubContext) -> None:
    expected = DISCIPLINE_MODIFIER.get(ctx.visit.rendering_provider.discipline)
    for index, service in enumerate(ctx.visit.services):
        if not service.modifiers:
            continue
        asked = {m.strip().upper() for m in service.modifiers}
        wrong = _DISCIPLINE_MODIFIERS.intersection(asked) - {expected}
        if wrong:
            ctx.add(
                "payer.therapy-modifier",
                f"{service.code} asks for {', '.join(sorted(wrong))}, but a "
                f"{ctx.visit.rendering_provider.credential.value} bills under "
                f"{expected or 'no therapy modifier'}.",
                f"Use {expected} for this discipline." if expected else "Remove it.",
                index,
            )


def check_added_modifiers(ctx: ScrubContext) -> None:
    """Explain the modifiers the engine added, so nobody wonders where they came from."""
    therapy = DISCIPLINE_MODIFIER.get(ctx.visit.rendering_provider.discipline)
    services = ctx.visit.services
    for line in ctx.modifiers:
        mods = line.modifiers
        if not mods or (len(mods) == 1 and mods[0] == therapy):
            continue  # the usual line: nothing beyond the discipline modifier
        index = line.service_index
        service = services[index]
        to_explain = _explained(mods, service.modifiers, therapy)
        if not to_explain:
            continue
        for rule, modifier, fix in to_explain:
            ctx.add(
                rule,
                f"{service.code}: {modifier} added: {_reason(line.reasons, modifier)}.",
                fix,
                index,
            )


_ADDED_FIX = "Nothing to do; review if the facts behind it are wrong."
_BYPASS_FIX = "Nothing to do; the note must keep showing the distinction."


@memo(maxsize=4096)
def _explained(
    mods: tuple[str, ...], requested: tuple[str, ...], therapy: str | None
) -> tuple[tuple[str, str, str], ...]:
    """(rule, modifier, fix) to report for a line, in report order; remembered per shape.

    The answer depends only on the line's modifiers, the ones the note asked for and the
    discipline modifier, and a clinic's lines come in few such shapes.
    """
    if requested:
        asked = {m.strip().upper() for m in requested}
        added = [m for m in mods if m != therapy and m not in asked]
    else:
        added = [m for m in mods if m != therapy]
    out: list[tuple[str, str, str]] = []
    if added:
        out.extend(
            (rule, modifier, _ADDED_FIX) for modifier, rule in _ADDED_RULES if modifier in added
        )
        bypass = NCCI_BYPASS_MODIFIERS.intersection(added)
        if bypass:
            out.append(("payer.bypass-added", sorted(bypass)[0], _BYPASS_FIX))
    return tuple(out)


def check_beneficiary_notices(ctx: ScrubContext) -> None:
    """Say what the ABN table decided for each Medicare line judged against the notices on file
    (`rules.beneficiary_notices`, ADR 0960): GA and GY are information, GZ a warning (the clinic
    carries the loss), and a notice choosing option 2 or 3 an error while the line is billed."""
    services = ctx.visit.services
    for line in ctx.modifiers:
        judged = line.liability
        if judged is None:
            continue
        index = line.service_index
        code = services[index].code
        if judged.modifier == "GZ":
            ctx.add(
                "medicare.abn-missing",
                missing_notice_message(code, judged.liability),
                "Offer the patient the ABN (CMS-R-131) from the chart before the next such "
                "visit, or document the medical necessity the service rests on.",
                index,
            )
        elif judged.modifier is None and judged.option == NoticeOption.DO_NOT_BILL:
            ctx.add(
                "medicare.abn-do-not-bill",
                f"The patient's signed ABN asks not to bill Medicare for {code} (option 2).",
                "Take the line off the Medicare claim and bill the patient for it.",
                index,
            )
        elif judged.modifier is None:
            ctx.add(
                "medicare.abn-declined",
                f"The patient declined {code} on the signed ABN (option 3), yet it is billed.",
                "Remove the line; if the service was given after all, the patient signs a new "
                "ABN choosing option 1 or 2 first.",
                index,
            )
        elif judged.modifier == "GA":
            ctx.add(
                "medicare.abn-on-file",
                f"{code}: GA added: the patient signed an ABN (option 1) naming it.",
                "Nothing to do: Medicare decides, and the patient owes it if Medicare denies.",
                index,
            )


def check_targeted_review(ctx: ScrubContext) -> None:
    visit, episode = ctx.visit, ctx.visit.episode
    if not ctx.policy.kx_applies or episode is None or episode.therapy_ytd is None:
        return
    bucket = bucket_for(visit.rendering_provider.discipline)
    if bucket is None:
        return
    ytd = episode.therapy_ytd.ot if bucket is TherapyBucket.OT else episode.therapy_ytd.pt_slp
    # The lines the KX count runs over: billed lines carrying the discipline modifier.
    therapy = DISCIPLINE_MODIFIER.get(visit.rendering_provider.discipline)
    today = sum(
        (
            visit.services[line.service_index].charge
            for line in ctx.modifiers
            if therapy in line.modifiers
        ),
        Decimal("0"),
    )
    row = find_threshold_row("targeted_review", visit.date_of_service.year)
    if row is None:
        return  # no amount on file for the year: nothing to compare against
    limit = row.amount
    if ytd + today > limit:
        ctx.add(
            "payer.targeted-review",
            f"This year's therapy in the patient's {_BUCKET_NAME[bucket]} bucket passes "
            f"${limit:,} with this visit.",
            "Make sure the plan of care, progress reports and each note show medical "
            "necessity: the claim may be selected for review.",
        )


def check_kx_threshold_known(ctx: ScrubContext) -> None:
    """Say when the modifier engine could not judge KX: the year has no threshold on file.

    The engine skips KX for such a year rather than stop the batch; this finding is the
    biller's cue to judge it by hand.
    """
    visit = ctx.visit
    if not ctx.policy.kx_applies or bucket_for(visit.rendering_provider.discipline) is None:
        return
    therapy = DISCIPLINE_MODIFIER.get(visit.rendering_provider.discipline)
    if not any(therapy in line.modifiers for line in ctx.modifiers):
        return
    if kx_threshold_known(visit):
        return
    year = visit.date_of_service.year
    ctx.add(
        "payer.kx-threshold-unknown",
        f"No Medicare KX threshold is on file for {year}, so KX was not judged for this "
        "visit's therapy lines.",
        f"Compare the patient's {year} therapy total with that year's threshold and add KX "
        "by hand if it was passed; or add the year to data/thresholds.json.",
    )


def _reason(reasons: tuple[str, ...], modifier: str) -> str:
    """The engine's reason for `modifier`, without its "XX: " prefix."""
    prefix = f"{modifier}: "
    for reason in reasons:
        if reason.startswith(prefix):
            return reason[len(prefix) :]
    return "see the modifier reasons"


CHECKS = (
    check_npis,
    check_discipline,
    check_accident,
    check_auto_primary,
    check_pip_massage,
    check_medicare_status,
    check_requested_therapy_modifier,
    check_added_modifiers,
    check_kx_threshold_known,
    check_targeted_review,
    check_beneficiary_notices,
)
