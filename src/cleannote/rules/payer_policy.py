"""What each kind of payer expects of a therapy claim, and the clinic's per-payer overrides.

Payers differ on units, bypass modifiers, referrals and what they pay for. Those differences
are data (data/payer_policies.json, one entry per `PayerKind` with its source); the reasons for
each default are in docs/decisions/0090-payer-policy-defaults.md. A clinic whose contract with
one payer says otherwise overrides the field for that payer instead of editing the defaults.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TypeVar

from cleannote.rules.errors import RulesError
from cleannote.rules.memo import memo
from cleannote.rules.visit import ModifierStyle, Payer, PayerKind, UnitMethod

_E = TypeVar("_E", bound=StrEnum)


class PayerPolicyError(RulesError):
    """A payer-policy override with an unknown name or a value of the wrong kind."""


@dataclass(frozen=True, slots=True)
class PayerPolicy:
    kind: PayerKind
    unit_method: UnitMethod
    modifier_style: ModifierStyle
    referral_required: bool
    plan_of_care_certification_required: bool
    pays_97010: bool
    # Treatment days between progress reports (Medicare: 10); None when the payer sets none.
    progress_report_interval_days: int | None
    kx_applies: bool
    # GP/GO/GN on therapy codes.
    therapy_modifiers_required: bool
    # States where this payer may not pay for massage or licensed massage therapists.
    massage_barred_states: frozenset[str]
    accepts_97014: bool
    covers_98943: bool
    # CQ/CO on lines an assistant furnished in whole or in part (a Medicare payment rule).
    assistant_modifiers_required: bool
    # Chiropractors are paid for spinal manipulation only (Medicare: 100-02 Ch.15 §240).
    chiropractor_cmt_only: bool
    # Who the payer enrols as a rendering provider (837P 2310B, CMS-1500 24J): Medicare enrols
    # neither assistants nor massage therapists; an assistant's visit is then billed under the
    # supervising therapist (docs/decisions/0200, rules/scope_of_practice.py).
    enrols_assistants: bool
    enrols_massage_therapists: bool
    # Age at which a subscriber's child stops being covered as a dependent (26 for commercial
    # plans under the ACA, 45 CFR 147.120); None where dependents have no age limit or every
    # patient is their own subscriber (scrub rule patient.dependent-age, ADR 0310).
    max_dependent_age: int | None
    # Days after the date of service within which the payer takes a claim (Medicare: one
    # calendar year, held as 365 days; Medicaid: 12 months); None where it depends on the
    # contract or state law. The payer record's own figure (`Payer.timely_filing_days`) wins
    # (scrub rules payer.timely-filing and payer.timely-filing-soon, ADR 0370).
    timely_filing_days: int | None
    # Days after the payer's determination of a claim within which it takes a replacement
    # (frequency 7) of it (Medicare: a reopening within one year of the initial determination,
    # 42 CFR 405.980(b)(1)); None where the payer states no such rule, and then the replacement
    # is judged by the original limit from the date of service (ADR 0391).
    corrected_claim_days: int | None
    # Days after the prior payer's remittance within which the payer takes a claim it pays
    # after another payer (a secondary or tertiary claim); the claim is in time if within this
    # or the date-of-service limit, whichever ends later (Medicaid: six months after the
    # Medicare disposition, 42 CFR 447.45(d)(4)(ii)); None: the date-of-service limit alone
    # (ADR 0705).
    after_prior_payer_days: int | None
    # Days after the payer's determination (the 835 that denied it) within which it takes a
    # first-level appeal (Medicare: a redetermination within 120 days, 42 CFR 405.942(a));
    # None where it depends on state law or the contract: then no deadline is shown (ADR 0706).
    appeal_days: int | None
    # Whether the supply bundling table (data/supplies.json) applies: a supply the table bundles
    # with a service billed the same day is not billed on its own line (ADR 0821).
    bundles_supplies: bool
    source: str


_BOOL_FIELDS = frozenset(
    {
        "referral_required",
        "plan_of_care_certification_required",
        "pays_97010",
        "kx_applies",
        "therapy_modifiers_required",
        "accepts_97014",
        "covers_98943",
        "assistant_modifiers_required",
        "chiropractor_cmt_only",
        "enrols_assistants",
        "enrols_massage_therapists",
        "bundles_supplies",
    }
)
_DAY_FIELDS = frozenset(
    {
        "progress_report_interval_days",
        "max_dependent_age",
        "timely_filing_days",
        "corrected_claim_days",
        "after_prior_payer_days",
        "appeal_days",
    }
)
_OVERRIDABLE = frozenset(f.name for f in dataclasses.fields(PayerPolicy)) - {"kind"}


def _enum_value(enum: type[_E], name: str, value: object) -> _E:
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    allowed = ", ".join(m.value for m in enum)
    raise PayerPolicyError(f"payer policy {name}: {value!r} is not one of {allowed}")


def _states(name: str, value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PayerPolicyError(f"payer policy {name}: {value!r} is not a collection of states")
    states: set[str] = set()
    for state in value:
        if not (isinstance(state, str) and len(state) == 2 and state.isalpha()):
            raise PayerPolicyError(f"payer policy {name}: {state!r} is not a 2-letter state")
        states.add(state.upper())
    return frozenset(states)


def _checked(name: str, value: object) -> object:
    """The override value in the field's own type; refuses anything it cannot stand for."""
    if name not in _OVERRIDABLE:
        raise PayerPolicyError(
            f"payer policy has no overridable setting {name!r} "
            f"(settings: {', '.join(sorted(_OVERRIDABLE))})"
        )
    if name == "unit_method":
        return _enum_value(UnitMethod, name, value)
    if name == "modifier_style":
        return _enum_value(ModifierStyle, name, value)
    if name == "massage_barred_states":
        return _states(name, value)
    if name in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise PayerPolicyError(f"payer policy {name}: {value!r} is not true or false")
        return value
    if name in _DAY_FIELDS:
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            return value
        raise PayerPolicyError(f"payer policy {name}: {value!r} is not a positive whole number")
    if not isinstance(value, str) or not value:
        raise PayerPolicyError(f"payer policy {name}: {value!r} is not a non-empty text")
    return value


@cache
def _defaults() -> dict[PayerKind, PayerPolicy]:
    raw = json.loads(
        resources.files("cleannote.rules.data").joinpath("payer_policies.json").read_text("utf-8")
    )["policies"]
    table: dict[PayerKind, PayerPolicy] = {}
    for kind in PayerKind:
        entry = raw[kind.value]
        values = {name: _checked(name, entry[name]) for name in sorted(_OVERRIDABLE)}
        table[kind] = PayerPolicy(kind=kind, **values)  # type: ignore[arg-type]
    return table


def default_policy(kind: PayerKind) -> PayerPolicy:
    """The bundled policy for a payer kind, before any clinic override."""
    return _defaults()[kind]


def policy_with_overrides(kind: PayerKind, /, **overrides: object) -> PayerPolicy:
    """The kind's default policy with the clinic's per-payer settings applied and checked."""
    base = default_policy(kind)
    if not overrides:
        return base
    checked = {name: _checked(name, value) for name, value in overrides.items()}
    return dataclasses.replace(base, **checked)  # type: ignore[arg-type]


@memo(256)
def _policy_cached(
    kind: PayerKind,
    unit_method: UnitMethod | None,
    modifier_style: ModifierStyle | None,
    payer_overrides: tuple[tuple[str, object], ...] = (),
    timely_filing_days: int | None = None,
) -> PayerPolicy:
    overrides: dict[str, object] = dict(payer_overrides)
    if timely_filing_days is not None:
        overrides["timely_filing_days"] = timely_filing_days
    if unit_method is not None:
        overrides["unit_method"] = unit_method
    if modifier_style is not None:
        overrides["modifier_style"] = modifier_style
    return policy_with_overrides(kind, **overrides)


def policy_for(payer: Payer) -> PayerPolicy:
    """The policy for a visit's payer: its kind's defaults with the payer record's overrides
    (`Payer.policy_overrides`, the clinic's payer directory) and its unit method,
    bypass-modifier style and timely filing days applied. One entry per distinct payer record
    is remembered."""
    return _policy_cached(
        payer.kind,
        payer.unit_method,
        payer.modifier_style,
        payer.policy_overrides,
        payer.timely_filing_days,
    )
