"""The one check of a payer's policy overrides: every PayerPolicy field has a typed form, every
refusal names its field, and the scrub applies what passes (ADR 0330)."""

from __future__ import annotations

import dataclasses

import pytest

from cleannote.rules.payer_overrides import (
    OVERRIDE_FIELDS,
    FieldType,
    OverrideError,
    check_overrides,
    overrides_as_json,
    policy_with,
)
from cleannote.rules.payer_policy import PayerPolicy, default_policy, policy_for
from cleannote.rules.visit import ModifierStyle, Payer, PayerKind, UnitMethod


def test_every_policy_field_but_kind_source_and_filing_days_is_overridable_with_a_type():
    # The timely filing days have their own field on the payer record (ADR 0370).
    names = {f.name for f in dataclasses.fields(PayerPolicy)} - {
        "kind",
        "source",
        "timely_filing_days",
    }
    assert {f.name for f in OVERRIDE_FIELDS} == names
    assert all(isinstance(f.type, FieldType) and f.label for f in OVERRIDE_FIELDS)
    with pytest.raises(OverrideError) as refused:
        check_overrides({"timely_filing_days": 90})
    assert "timely_filing_days" in refused.value.errors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param({"unit_method": "cms"}, {"unit_method": UnitMethod.CMS}, id="enum_value"),
        pytest.param({"modifier_style": "x"}, {"modifier_style": ModifierStyle.X}, id="style"),
        pytest.param({"pays_97010": True}, {"pays_97010": True}, id="flag"),
        pytest.param(
            {"progress_report_interval_days": 12}, {"progress_report_interval_days": 12}, id="days"
        ),
        pytest.param(
            {"progress_report_interval_days": None},
            {"progress_report_interval_days": None},
            id="days_none",
        ),
        pytest.param(
            {"massage_barred_states": ["fl", "NY"]},
            {"massage_barred_states": frozenset({"FL", "NY"})},
            id="states",
        ),
        pytest.param(
            {"massage_barred_states": []}, {"massage_barred_states": frozenset()}, id="no_states"
        ),
        pytest.param({}, {}, id="nothing"),
    ],
)
def test_accepted_values_come_back_in_the_policy_types(raw, expected):
    checked = check_overrides(raw)
    assert dict(checked) == expected
    assert list(checked) == sorted(checked)  # hashable, stable: one cache entry per payer


@pytest.mark.parametrize(
    ("raw", "field", "says"),
    [
        pytest.param(
            {"unit_method": "minutes"}, "unit_method", "not one of cms, per_code", id="enum"
        ),
        pytest.param({"modifier_style": 59}, "modifier_style", "not one of x, 59", id="enum_int"),
        pytest.param({"pays_97010": "yes"}, "pays_97010", "not true or false", id="flag_text"),
        pytest.param(
            {"referral_required": 1}, "referral_required", "not true or false", id="flag_1"
        ),
        pytest.param(
            {"progress_report_interval_days": -3},
            "progress_report_interval_days",
            "positive whole number",
            id="days_negative",
        ),
        pytest.param(
            {"progress_report_interval_days": 2.5},
            "progress_report_interval_days",
            "positive whole number",
            id="days_fraction",
        ),
        pytest.param(
            {"massage_barred_states": ["Florida"]},
            "massage_barred_states",
            "2-letter state",
            id="state_name",
        ),
        pytest.param(
            {"massage_barred_states": "FL"}, "massage_barred_states", "collection", id="state_text"
        ),
        pytest.param({"kind": "medicare"}, "kind", "not a payer setting", id="kind"),
        pytest.param({"source": "contract"}, "source", "not a payer setting", id="source"),
        pytest.param({"timely_fliing": 90}, "timely_fliing", "not a payer setting", id="free_form"),
    ],
)
def test_refused_values_name_their_field(raw, field, says):
    with pytest.raises(OverrideError) as refused:
        check_overrides(raw)
    assert set(refused.value.errors) == {field}
    assert says in refused.value.errors[field]
    assert field in str(refused.value)


def test_every_bad_field_is_named_not_only_the_first():
    with pytest.raises(OverrideError) as refused:
        check_overrides({"unit_method": "x", "pays_97010": "no", "unit_method_typo": 1})
    assert set(refused.value.errors) == {"unit_method", "pays_97010", "unit_method_typo"}


def test_json_form_round_trips():
    checked = check_overrides({"unit_method": "cms", "massage_barred_states": ["ny", "fl"]})
    stored = overrides_as_json(checked)
    assert stored == {"massage_barred_states": ["FL", "NY"], "unit_method": "cms"}
    assert check_overrides(stored) == checked


def test_policy_for_applies_the_payer_records_overrides():
    checked = check_overrides({"unit_method": "cms", "referral_required": True})
    payer = Payer(
        name="Keystone", payer_id="KHP", kind=PayerKind.COMMERCIAL, policy_overrides=checked
    )
    policy = policy_for(payer)
    assert policy == policy_with(PayerKind.COMMERCIAL, checked)
    assert policy.unit_method is UnitMethod.CMS
    assert policy.referral_required
    assert policy.pays_97010 == default_policy(PayerKind.COMMERCIAL).pays_97010
    plain = Payer(name="Lakeshore", payer_id="LSM", kind=PayerKind.COMMERCIAL)
    assert policy_for(plain) == default_policy(PayerKind.COMMERCIAL)


def test_the_visits_own_unit_method_wins_over_the_records():
    checked = check_overrides({"unit_method": "cms"})
    payer = Payer(
        name="K",
        payer_id="K",
        kind=PayerKind.COMMERCIAL,
        unit_method=UnitMethod.PER_CODE,
        policy_overrides=checked,
    )
    assert policy_for(payer).unit_method is UnitMethod.PER_CODE
