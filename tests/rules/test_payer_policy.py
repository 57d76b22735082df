"""Payer-policy defaults per payer kind, payer-record overrides and the clinic's settings."""

from __future__ import annotations

import pytest

from cleannote.rules.errors import RulesError
from cleannote.rules.payer_policy import default_policy, policy_for, policy_with_overrides
from cleannote.rules.visit import ModifierStyle, Payer, PayerKind, UnitMethod


@pytest.mark.parametrize("kind", list(PayerKind), ids=[k.value for k in PayerKind])
def test_every_payer_kind_has_a_sourced_policy(kind: PayerKind) -> None:
    # given / when
    policy = default_policy(kind)
    # then
    assert policy.kind is kind
    assert policy.source


DEFAULTS = [
    ("medicare-cms-units", PayerKind.MEDICARE, "unit_method", UnitMethod.CMS),
    ("medicare-x-style", PayerKind.MEDICARE, "modifier_style", ModifierStyle.X),
    ("medicare-kx", PayerKind.MEDICARE, "kx_applies", True),
    ("medicare-10-day-progress", PayerKind.MEDICARE, "progress_report_interval_days", 10),
    ("medicare-no-97010", PayerKind.MEDICARE, "pays_97010", False),
    ("medicare-no-97014", PayerKind.MEDICARE, "accepts_97014", False),
    ("medicare-no-98943", PayerKind.MEDICARE, "covers_98943", False),
    ("medicare-poc-cert", PayerKind.MEDICARE, "plan_of_care_certification_required", True),
    ("ma-no-kx", PayerKind.MEDICARE_ADVANTAGE, "kx_applies", False),
    ("commercial-per-code", PayerKind.COMMERCIAL, "unit_method", UnitMethod.PER_CODE),
    ("pip-fl-massage-barred", PayerKind.AUTO_PIP, "massage_barred_states", frozenset({"FL"})),
    ("pip-referral", PayerKind.AUTO_PIP, "referral_required", True),
    ("self-pay-no-gp", PayerKind.SELF_PAY, "therapy_modifiers_required", False),
    ("medicare-cq-co", PayerKind.MEDICARE, "assistant_modifiers_required", True),
    ("ma-cq-co", PayerKind.MEDICARE_ADVANTAGE, "assistant_modifiers_required", True),
    ("medicaid-cq-co", PayerKind.MEDICAID, "assistant_modifiers_required", True),
    ("commercial-no-cq-co", PayerKind.COMMERCIAL, "assistant_modifiers_required", False),
    ("pip-no-cq-co", PayerKind.AUTO_PIP, "assistant_modifiers_required", False),
    ("medpay-no-cq-co", PayerKind.AUTO_MEDPAY, "assistant_modifiers_required", False),
    ("liability-no-cq-co", PayerKind.AUTO_LIABILITY, "assistant_modifiers_required", False),
    ("wc-no-cq-co", PayerKind.WORKERS_COMP, "assistant_modifiers_required", False),
    ("self-pay-no-cq-co", PayerKind.SELF_PAY, "assistant_modifiers_required", False),
    ("medicare-chiro-cmt-only", PayerKind.MEDICARE, "chiropractor_cmt_only", True),
    ("commercial-chiro-any-code", PayerKind.COMMERCIAL, "chiropractor_cmt_only", False),
]


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [(k, n, e) for _, k, n, e in DEFAULTS],
    ids=[case for case, *_ in DEFAULTS],
)
def test_default_policy_values(kind: PayerKind, name: str, expected: object) -> None:
    assert getattr(default_policy(kind), name) == expected


def test_policy_for_applies_the_payer_records_overrides() -> None:
    # given a Medicare Advantage plan that counts units per code and wants 59
    payer = Payer(
        name="Plan",
        payer_id="00001",
        kind=PayerKind.MEDICARE_ADVANTAGE,
        unit_method=UnitMethod.PER_CODE,
        modifier_style=ModifierStyle.FIFTY_NINE,
    )
    # when
    policy = policy_for(payer)
    # then
    assert policy.unit_method is UnitMethod.PER_CODE
    assert policy.modifier_style is ModifierStyle.FIFTY_NINE
    assert (
        policy.referral_required is default_policy(PayerKind.MEDICARE_ADVANTAGE).referral_required
    )


def test_policy_for_without_overrides_is_the_default() -> None:
    payer = Payer(name="Medicare", payer_id="M1", kind=PayerKind.MEDICARE)
    assert policy_for(payer) == default_policy(PayerKind.MEDICARE)


def test_policy_with_overrides_converts_setting_values() -> None:
    # given the clinic app's stored settings (plain strings and lists)
    policy = policy_with_overrides(
        PayerKind.COMMERCIAL,
        unit_method="cms",
        modifier_style="x",
        massage_barred_states=["ny"],
        progress_report_interval_days=30,
        pays_97010=True,
    )
    # then
    assert policy.unit_method is UnitMethod.CMS
    assert policy.modifier_style is ModifierStyle.X
    assert policy.massage_barred_states == frozenset({"NY"})
    assert policy.progress_report_interval_days == 30
    assert policy.pays_97010 is True


BAD_OVERRIDES = [
    ("unknown-name", {"pays_97999": True}, "pays_97999"),
    ("kind-not-overridable", {"kind": PayerKind.MEDICARE}, "'kind'"),
    ("bad-method", {"unit_method": "eight_minute"}, "eight_minute"),
    ("int-for-bool", {"kx_applies": 1}, "kx_applies"),
    ("string-for-states", {"massage_barred_states": "FL"}, "massage_barred_states"),
    ("bad-state", {"massage_barred_states": ["Florida"]}, "Florida"),
    ("zero-interval", {"progress_report_interval_days": 0}, "progress_report_interval_days"),
    ("bool-interval", {"progress_report_interval_days": True}, "progress_report_interval_days"),
]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [(o, n) for _, o, n in BAD_OVERRIDES],
    ids=[case for case, *_ in BAD_OVERRIDES],
)
def test_policy_with_overrides_refuses_bad_settings(
    overrides: dict[str, object], named: str
) -> None:
    with pytest.raises(RulesError, match=named):
        policy_with_overrides(PayerKind.COMMERCIAL, **overrides)
