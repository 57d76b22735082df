"""The scope table: who furnishes which codes and acts, who supervises whom, who renders."""

from __future__ import annotations

import pytest

from cleannote.rules.catalog import find_procedure
from cleannote.rules.payer_policy import default_policy
from cleannote.rules.scope_of_practice import (
    CODE_ACTS,
    RULE_ACT,
    RULE_DISCIPLINE,
    RULE_SUPERVISOR,
    SCOPE,
    SCRUB_RULES,
    Act,
    act_refusal,
    bills_under_supervisor,
    code_refusal,
    cosign_refusal,
    may_render,
)
from cleannote.rules.scrub.rule_catalog import RULES
from cleannote.rules.visit import (
    ASSISTANT_CREDENTIALS,
    DISCIPLINE_OF_CREDENTIAL,
    Credential,
    PayerKind,
)

C = Credential


def test_every_credential_has_one_scope_row_in_its_catalog_discipline() -> None:
    assert set(SCOPE) == set(Credential)
    for credential, scope in SCOPE.items():
        assert scope.discipline is DISCIPLINE_OF_CREDENTIAL[credential]
        assert scope.source
        assert scope.is_assistant is (credential in ASSISTANT_CREDENTIALS)


@pytest.mark.parametrize(
    ("assistant", "supervisor"),
    [(C.PTA, C.PT), (C.COTA, C.OT), (C.SLPA, C.SLP)],
    ids=["PTA-by-PT", "COTA-by-OT", "SLPA-by-SLP"],
)
def test_each_assistant_is_supervised_by_its_disciplines_therapist(assistant, supervisor) -> None:
    assert SCOPE[assistant].supervised_by is supervisor


def test_every_evaluation_code_is_a_catalog_code_of_a_discipline_that_evaluates() -> None:
    for code, row in CODE_ACTS.items():
        procedure = find_procedure(code)
        assert procedure is not None, code
        assert row.act in (Act.EVALUATION, Act.RE_EVALUATION)
        assert row.source


def test_every_scrub_scope_rule_is_in_the_rule_catalog_as_an_error() -> None:
    for rule_id in SCRUB_RULES:
        assert RULES[rule_id].severity.value == "error"


@pytest.mark.parametrize(
    ("credential", "code", "rule"),
    [
        # the case: a PTA adding a PT evaluation
        pytest.param(C.PTA, "97163", RULE_ACT, id="PTA-PT-evaluation"),
        pytest.param(C.PTA, "97161", RULE_ACT, id="PTA-low-evaluation"),
        pytest.param(C.PTA, "97164", RULE_ACT, id="PTA-re-evaluation"),
        pytest.param(C.COTA, "97166", RULE_ACT, id="COTA-OT-evaluation"),
        pytest.param(C.COTA, "97168", RULE_ACT, id="COTA-OT-re-evaluation"),
        pytest.param(C.SLPA, "92523", RULE_ACT, id="SLPA-speech-evaluation"),
        pytest.param(C.SLPA, "92610", RULE_ACT, id="SLPA-swallow-evaluation"),
        pytest.param(C.SLPA, "96105", RULE_ACT, id="SLPA-aphasia-testing"),
        pytest.param(C.SLP, "97110", RULE_DISCIPLINE, id="SLP-PT-code"),
        pytest.param(C.SLP, "97165", RULE_DISCIPLINE, id="SLP-OT-evaluation"),
        pytest.param(C.SLP, "97163", RULE_DISCIPLINE, id="SLP-PT-evaluation"),
        pytest.param(C.DC, "92507", RULE_DISCIPLINE, id="DC-speech-treatment"),
        pytest.param(C.DC, "97163", RULE_DISCIPLINE, id="DC-PT-evaluation"),
        pytest.param(C.LMT, "97110", RULE_DISCIPLINE, id="LMT-exercise"),
        pytest.param(C.LMT, "97163", RULE_DISCIPLINE, id="LMT-PT-evaluation"),
        pytest.param(C.PTA, "97165", RULE_DISCIPLINE, id="PTA-OT-evaluation"),
        pytest.param(C.OT, "97161", RULE_DISCIPLINE, id="OT-PT-evaluation"),
        pytest.param(C.PT, "92507", RULE_DISCIPLINE, id="PT-speech-treatment"),
        pytest.param(C.PT, "97163", None, id="PT-evaluation"),
        pytest.param(C.PT, "97164", None, id="PT-re-evaluation"),
        pytest.param(C.OT, "97166", None, id="OT-evaluation"),
        pytest.param(C.SLP, "92523", None, id="SLP-evaluation"),
        pytest.param(C.PTA, "97110", None, id="PTA-exercise"),
        pytest.param(C.PTA, "97750", None, id="PTA-performance-test"),
        pytest.param(C.COTA, "97535", None, id="COTA-self-care"),
        pytest.param(C.SLPA, "92507", None, id="SLPA-speech-treatment"),
        pytest.param(C.LMT, "97124", None, id="LMT-massage"),
        pytest.param(C.DC, "98940", None, id="DC-manipulation"),
        pytest.param(C.OT, "92526", None, id="OT-swallow-treatment"),
        pytest.param(C.PTA, "99999", None, id="unknown-code-is-code-unknown-not-scope"),
    ],
)
def test_code_refusal_names_the_rule(credential: Credential, code: str, rule: str | None) -> None:
    refusal = code_refusal(credential, code)
    assert (refusal.rule if refusal else None) == rule
    if refusal is not None:
        assert code in refusal.message
        assert credential.value in refusal.message
        assert rule in str(refusal)


@pytest.mark.parametrize("credential", list(Credential), ids=lambda c: c.value)
@pytest.mark.parametrize("act", [a for a in Act if a is not Act.TREATMENT], ids=str)
def test_only_therapists_and_chiropractors_evaluate_report_and_plan(
    credential: Credential, act: Act
) -> None:
    refusal = act_refusal(credential, act)
    may = credential in (C.PT, C.OT, C.SLP, C.DC)
    assert (refusal is None) is may
    if refusal is not None:
        assert refusal.rule == RULE_ACT
        assert act.value in refusal.message


@pytest.mark.parametrize(
    ("author", "cosigner", "allowed"),
    [
        (C.PTA, C.PT, True),
        (C.COTA, C.OT, True),
        (C.SLPA, C.SLP, True),
        (C.PTA, C.OT, False),
        (C.PTA, C.SLP, False),
        (C.PTA, C.PTA, False),
        (C.PTA, C.DC, False),
        (C.COTA, C.PT, False),
        (C.SLPA, C.PT, False),
        (C.PTA, None, False),
        (C.PT, C.PT, False),
        (C.LMT, C.PT, False),
    ],
)
def test_cosign_refusal(author: Credential, cosigner: Credential | None, allowed: bool) -> None:
    refusal = cosign_refusal(author, cosigner)
    assert (refusal is None) is allowed
    if refusal is not None:
        assert refusal.rule == RULE_SUPERVISOR


@pytest.mark.parametrize(
    ("kind", "credential", "renders"),
    [
        (PayerKind.MEDICARE, C.PTA, False),
        (PayerKind.MEDICARE, C.COTA, False),
        (PayerKind.MEDICARE, C.SLPA, False),
        (PayerKind.MEDICARE, C.LMT, False),
        (PayerKind.MEDICARE, C.PT, True),
        (PayerKind.MEDICARE, C.DC, True),
        (PayerKind.MEDICARE_ADVANTAGE, C.PTA, False),
        (PayerKind.MEDICAID, C.COTA, False),
        (PayerKind.COMMERCIAL, C.PTA, True),
        (PayerKind.COMMERCIAL, C.LMT, True),
        (PayerKind.AUTO_PIP, C.LMT, True),
        (PayerKind.WORKERS_COMP, C.COTA, True),
    ],
)
def test_who_renders_is_payer_policy(kind: PayerKind, credential: Credential, renders: bool):
    policy = default_policy(kind)
    assert may_render(credential, policy) is renders
    assert bills_under_supervisor(credential, policy) is (
        credential in ASSISTANT_CREDENTIALS and not renders
    )
