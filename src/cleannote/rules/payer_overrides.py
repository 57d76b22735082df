"""A clinic's per-payer settings over its kind's defaults: which fields, of what type, checked once.

A payer record (the clinic app's payer directory) stores overrides of `PayerPolicy` fields as
JSON. This module is the one place that says which fields may be overridden, what type each
takes, and whether a stored value is acceptable: the directory's form, its model's `clean()`,
the demo clinic and the tests all call `check_overrides`, and the values it returns are what the
core `Payer.policy_overrides` carries into the scrub (`payer_policy.policy_for`).

The field table is derived from `PayerPolicy` itself, so a field added there is overridable
here without a second list; a field whose type this module does not know fails the test that
walks `OVERRIDE_FIELDS` (tests/rules/test_payer_overrides.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cleannote.rules.payer_policy import PayerPolicy, PayerPolicyError, policy_with_overrides
from cleannote.rules.visit import ModifierStyle, PayerKind, UnitMethod


class FieldType(StrEnum):
    CHOICE = "choice"  # one value of an enum
    FLAG = "flag"  # true or false
    NUMBER = "number"  # a positive whole number (days, an age), or none
    STATES = "states"  # a set of two-letter states, possibly empty


@dataclass(frozen=True, slots=True)
class OverrideField:
    name: str
    type: FieldType
    label: str
    choices: tuple[str, ...] = ()


class OverrideError(PayerPolicyError):
    """One or more override values refused; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.errors.items()))


_LABELS = {
    "unit_method": "Unit method",
    "modifier_style": "NCCI bypass modifier style",
    "referral_required": "Referral or prescription required",
    "plan_of_care_certification_required": "Plan of care certification required",
    "pays_97010": "Pays 97010 (hot/cold packs)",
    "progress_report_interval_days": "Progress report every (treatment days)",
    "kx_applies": "KX threshold applies",
    "therapy_modifiers_required": "GP/GO/GN required",
    "massage_barred_states": "States where this payer's PIP bars massage",
    "accepts_97014": "Accepts 97014 (rather than G0283)",
    "covers_98943": "Covers 98943 (extraspinal manipulation)",
    "assistant_modifiers_required": "CQ/CO on assistants' lines",
    "chiropractor_cmt_only": "Chiropractors paid for spinal manipulation only",
    "enrols_assistants": "Enrols assistants as rendering providers",
    "enrols_massage_therapists": "Enrols massage therapists as rendering providers",
    "bundles_supplies": "Bundles supplies used with the same day's service (not billed apart)",
    "max_dependent_age": "Dependents covered until age",
    "corrected_claim_days": "Corrected claims within (days of the payer's determination)",
    "after_prior_payer_days": "Claims after another payer within (days of its remittance)",
    "appeal_days": "Appeals within (days of the payer's determination)",
}
_ENUMS: dict[str, type[StrEnum]] = {"UnitMethod": UnitMethod, "ModifierStyle": ModifierStyle}
# Not settings a clinic overrides here: what the policy is for, where its defaults come from,
# and the timely filing days, which the payer record holds in a field of its own (the core
# `Payer.timely_filing_days`; ADR 0370).
_NOT_OVERRIDABLE = frozenset({"kind", "source", "timely_filing_days"})


def _field_type(annotation: str) -> tuple[FieldType, tuple[str, ...]]:
    if annotation in _ENUMS:
        return FieldType.CHOICE, tuple(m.value for m in _ENUMS[annotation])
    if annotation == "bool":
        return FieldType.FLAG, ()
    if annotation == "int | None":
        return FieldType.NUMBER, ()
    if annotation == "frozenset[str]":
        return FieldType.STATES, ()
    raise TypeError(f"PayerPolicy field type {annotation!r} has no override form")


def _fields() -> tuple[OverrideField, ...]:
    out = []
    for f in dataclasses.fields(PayerPolicy):
        if f.name in _NOT_OVERRIDABLE:
            continue
        kind, choices = _field_type(str(f.type))
        label = _LABELS.get(f.name, f.name.replace("_", " ").capitalize())
        out.append(OverrideField(f.name, kind, label, choices))
    return tuple(out)


OVERRIDE_FIELDS: tuple[OverrideField, ...] = _fields()
OVERRIDE_FIELD_BY_NAME: dict[str, OverrideField] = {f.name: f for f in OVERRIDE_FIELDS}


def check_overrides(overrides: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    """The overrides in the policy's own types, as sorted (field, value) pairs for
    `Payer.policy_overrides`; raises `OverrideError` naming every unknown field and every value
    of the wrong type (all of them, not the first).

    Values may come from JSON: an enum as its value, states as a list, a number of days or null.
    """
    checked: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, value in overrides.items():
        if name not in OVERRIDE_FIELD_BY_NAME:
            errors[str(name)] = (
                "is not a payer setting that can be overridden "
                f"(settings: {', '.join(f.name for f in OVERRIDE_FIELDS)})"
            )
            continue
        if OVERRIDE_FIELD_BY_NAME[name].type is FieldType.NUMBER and isinstance(value, float):
            errors[name] = f"{value!r} is not a positive whole number"
            continue
        try:
            applied = policy_with_overrides(PayerKind.COMMERCIAL, **{name: value})
        except PayerPolicyError as exc:
            errors[name] = str(exc).removeprefix(f"payer policy {name}: ")
            continue
        checked[name] = getattr(applied, name)
    if errors:
        raise OverrideError(errors)
    return tuple(sorted(checked.items()))


def overrides_as_json(checked: tuple[tuple[str, object], ...]) -> dict[str, object]:
    """Checked overrides as the JSON a payer record stores (enums by value, states sorted)."""
    out: dict[str, object] = {}
    for name, value in checked:
        if isinstance(value, StrEnum):
            out[name] = value.value
        elif isinstance(value, frozenset):
            out[name] = sorted(value)
        else:
            out[name] = value
    return out


def policy_with(kind: PayerKind, checked: tuple[tuple[str, object], ...]) -> PayerPolicy:
    """The kind's default policy with checked overrides applied (what the scrub will use)."""
    return policy_with_overrides(kind, **dict(checked))
