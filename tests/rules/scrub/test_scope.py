"""Scope-of-practice checks: the scrubber reads the same table as the note page (ADR 0200)."""

from __future__ import annotations

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.payer_policy import policy_with_overrides
from cleannote.rules.scope_of_practice import bills_under_supervisor
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, Episode, PayerKind
from cleannote.rules.visit_format import parse_visit, visit_to_dict
from tests.rules.scrub.factories import (
    OTHER_NPI,
    findings_of,
    payer,
    rendering,
    rules_of,
    service,
    visit,
)

PTA = rendering(Credential.PTA, npi=OTHER_NPI, first_name="SAM", taxonomy="225200000X")
SCOPE_RULES = {
    "scope.discipline",
    "scope.act",
    "scope.assistant-rendering",
    "scope.rendering-not-enrolled",
    "scope.supervisor-credential",
}


def _lines(result):
    return [(line.code, line.modifiers) for line in result.lines]


def test_a_pta_billing_a_pt_evaluation_is_an_error_not_gp_cq():
    # given the seen case: a PTA's Medicare visit (under the supervising PT) adds 97163
    v = visit(service("97163", None, None, minutes=45), service(), assistant=PTA)
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "scope.act")
    assert (found.line, found.severity) == (0, Severity.ERROR)
    assert "97163" in found.message
    assert "PTA" in found.message
    assert not result.clean


def test_a_pta_named_as_rendering_provider_is_judged_by_its_own_scope_too():
    # given a commercial payer that enrols assistants: the PTA renders and adds 97163
    v = visit(
        service("97163", None, None, minutes=45),
        rendering_provider=PTA,
        payer=payer(PayerKind.COMMERCIAL),
    )
    assert [f.rule for f in scrub(v).findings if f.rule in SCOPE_RULES] == ["scope.act"]


def test_an_assistants_visit_under_the_supervising_pt_keeps_cq_on_every_line():
    # given a PTA's Medicare visit billed under the co-signing PT
    v = visit(
        service("97110", "09:00", "09:16", assistant_minutes=16),
        service("97140", "09:16", "09:40"),
        assistant=PTA,
    )
    # when
    result = scrub(v)
    # then the claim names the PT, and the PTA's visit keeps CQ on both lines
    assert v.rendering_provider.credential is Credential.PT
    assert _lines(result) == [("97110", ("GP", "CQ")), ("97140", ("GP", "CQ"))]
    assert not SCOPE_RULES & rules_of(result)
    assert result.clean


def test_an_assistant_named_as_medicares_rendering_provider_waits_for_the_co_signature():
    # given a PTA's Medicare visit that still names the PTA (not yet co-signed)
    result = scrub(visit(rendering_provider=PTA))
    # then
    [found] = findings_of(result, "scope.assistant-rendering")
    assert found.severity is Severity.ERROR
    assert "PT" in found.fix
    assert "co-sign" in found.fix


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (PayerKind.MEDICARE, {"scope.rendering-not-enrolled"}),
        (PayerKind.MEDICARE_ADVANTAGE, {"scope.rendering-not-enrolled"}),
        (PayerKind.COMMERCIAL, set()),
        (PayerKind.AUTO_MEDPAY, set()),
    ],
)
def test_medicare_does_not_enrol_massage_therapists(kind: PayerKind, expected: set[str]):
    v = visit(
        service("97124"),
        rendering_provider=rendering(Credential.LMT, taxonomy="225700000X"),
        payer=payer(kind),
    )
    assert SCOPE_RULES & rules_of(scrub(v)) == expected


@pytest.mark.parametrize(
    ("supervisor", "flagged"),
    [(Credential.PT, False), (Credential.OT, True), (Credential.SLP, True)],
)
def test_an_assistants_visit_goes_under_its_own_disciplines_therapist(supervisor, flagged):
    v = visit(rendering_provider=rendering(supervisor), assistant=PTA)
    assert ("scope.supervisor-credential" in rules_of(scrub(v))) is flagged


@pytest.mark.parametrize(
    ("credential", "flagged"),
    [(Credential.PT, False), (Credential.PTA, True)],
)
def test_a_progress_report_is_the_therapists_to_write(credential: Credential, flagged: bool):
    # given the visit that is the progress report (this treatment day is the report's)
    report = Episode(treatment_day=10, last_progress_report_day=10)
    assistant = PTA if credential is Credential.PTA else None
    v = visit(episode=report, assistant=assistant)
    # then
    assert ("scope.act" in rules_of(scrub(v))) is flagged


@pytest.mark.parametrize(
    ("credential", "code"),
    [
        pytest.param(Credential.SLP, "97110", id="SLP-signing-a-PT-code"),
        pytest.param(Credential.SLP, "97530", id="SLP-signing-an-OT-code"),
        pytest.param(Credential.DC, "97116", id="DC-signing-gait-training"),
        pytest.param(Credential.LMT, "97110", id="LMT-signing-exercise"),
    ],
)
def test_a_clinician_outside_the_discipline_is_an_error(credential: Credential, code: str):
    v = visit(service(code), rendering_provider=rendering(credential))
    [found] = findings_of(scrub(v), "scope.discipline")
    assert found.severity is Severity.ERROR
    assert "code.discipline" not in rules_of(scrub(v))


def test_a_payer_may_be_set_to_enrol_no_assistants():
    policy = policy_with_overrides(PayerKind.COMMERCIAL, enrols_assistants=False)
    assert bills_under_supervisor(Credential.COTA, policy)


def test_the_assistant_round_trips_through_the_visit_format():
    v = visit(assistant=PTA)
    data = visit_to_dict(v)
    assert data["assistant"]["credential"] == "PTA"
    assert parse_visit(data) == v
    assert "assistant" not in visit_to_dict(visit())


def test_the_visit_format_refuses_a_therapist_as_the_assistant():
    data = visit_to_dict(visit(assistant=PTA))
    data["assistant"]["credential"] = "PT"
    with pytest.raises(ValueError, match=r"assistant\.credential"):
        parse_visit(data)
