"""Who may render for this payer (issue 9): enrolment by credential and payer kind, and what a
payer pays an enrolled credential for, all read from the scope table (rules/scope_of_practice.py)
that the note page signs by."""

from __future__ import annotations

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.payer_policy import policy_for
from cleannote.rules.scope_of_practice import (
    RULE_ASSISTANT_RENDERING,
    RULE_CHIRO_CMT_ONLY,
    RULE_NOT_ENROLLED,
    may_render,
    payer_code_refusal,
    scope_of,
)
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, PayerKind
from tests.rules.scrub.factories import payer, rendering, service, visit

ENROLMENT_RULES = {RULE_ASSISTANT_RENDERING, RULE_NOT_ENROLLED, RULE_CHIRO_CMT_ONLY}
TAXONOMY = {
    Credential.PT: "225100000X",
    Credential.PTA: "225200000X",
    Credential.OT: "225X00000X",
    Credential.COTA: "224Z00000X",
    Credential.SLP: "235Z00000X",
    Credential.SLPA: "235500000X",
    Credential.DC: "111N00000X",
    Credential.LMT: "225700000X",
}
# A treatment code of each credential's discipline.
CODE = {
    Credential.PT: "97110",
    Credential.PTA: "97110",
    Credential.OT: "97530",
    Credential.COTA: "97530",
    Credential.SLP: "92507",
    Credential.SLPA: "92507",
    Credential.DC: "97110",
    Credential.LMT: "97124",
}


def _enrolment_findings(credential: Credential, kind: PayerKind, code: str | None = None):
    v = visit(
        service(code or CODE[credential]),
        rendering_provider=rendering(credential, taxonomy=TAXONOMY[credential]),
        payer=payer(kind),
    )
    return [f for f in scrub(v).findings if f.rule in ENROLMENT_RULES]


@pytest.mark.parametrize(
    ("credential", "kind", "rule"),
    [
        # Medicare enrols no massage therapists and no assistants as rendering providers
        (Credential.LMT, PayerKind.MEDICARE, RULE_NOT_ENROLLED),
        (Credential.PTA, PayerKind.MEDICARE, RULE_ASSISTANT_RENDERING),
        (Credential.COTA, PayerKind.MEDICARE, RULE_ASSISTANT_RENDERING),
        (Credential.SLPA, PayerKind.MEDICARE, RULE_ASSISTANT_RENDERING),
        # Medicare Advantage plans enrol as Medicare does
        (Credential.LMT, PayerKind.MEDICARE_ADVANTAGE, RULE_NOT_ENROLLED),
        (Credential.PTA, PayerKind.MEDICARE_ADVANTAGE, RULE_ASSISTANT_RENDERING),
        # Medicare pays chiropractors for spinal manipulation only
        (Credential.DC, PayerKind.MEDICARE, RULE_CHIRO_CMT_ONLY),
        # near misses: the therapist, or a payer that enrols the credential
        (Credential.PT, PayerKind.MEDICARE, None),
        (Credential.OT, PayerKind.MEDICARE, None),
        (Credential.SLP, PayerKind.MEDICARE, None),
        (Credential.LMT, PayerKind.COMMERCIAL, None),
        (Credential.LMT, PayerKind.AUTO_PIP, None),
        (Credential.PTA, PayerKind.COMMERCIAL, None),
        (Credential.SLPA, PayerKind.COMMERCIAL, None),
        (Credential.DC, PayerKind.MEDICARE_ADVANTAGE, None),
        (Credential.DC, PayerKind.COMMERCIAL, None),
    ],
    ids=lambda value: getattr(value, "value", value),
)
def test_who_may_render_for_this_payer(credential, kind, rule):
    # when
    found = _enrolment_findings(credential, kind)
    # then
    assert [f.rule for f in found] == ([rule] if rule else [])
    assert all(f.severity is Severity.ERROR for f in found)


def test_a_chiropractors_spinal_manipulation_is_paid_by_medicare() -> None:
    assert _enrolment_findings(Credential.DC, PayerKind.MEDICARE, "98940") == []


@pytest.mark.parametrize("credential", list(Credential), ids=str)
@pytest.mark.parametrize("kind", list(PayerKind), ids=str)
def test_the_scrubber_says_what_the_scope_table_says(credential, kind):
    # given the scope table's answers for this credential and payer
    policy = policy_for(payer(kind))
    expected = set()
    if not may_render(credential, policy):
        supervised = scope_of(credential).supervised_by is not None
        expected.add(RULE_ASSISTANT_RENDERING if supervised else RULE_NOT_ENROLLED)
    if payer_code_refusal(credential, CODE[credential], policy) is not None:
        expected.add(RULE_CHIRO_CMT_ONLY)
    # when / then the scrubber finds exactly those
    assert {f.rule for f in _enrolment_findings(credential, kind)} == expected
