"""Payer rules: catalog and discipline, NPIs, accident details, who pays first, PIP massage, and
the modifiers the engine adds or the clinician asks for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    Credential,
    Episode,
    PayerKind,
    TherapyYearToDate,
)
from tests.rules.scrub.factories import (
    OTHER_NPI,
    findings_of,
    payer,
    rendering,
    replace,
    rules_of,
    service,
    visit,
)

BAD_NPI = "1234567890"  # right length, wrong check digit
AUTO_IN = {
    state: Accident(AccidentKind.AUTO, dt.date(2026, 2, 20), state) for state in ("FL", "OR", "NY")
}


# --- code.unknown / scope.discipline (an error since ADR 0200) --------------------------------


def test_a_code_outside_the_catalog_is_flagged_on_its_line() -> None:
    # given an unlisted procedure code after a known one
    v = visit(service("97110"), service("97799", "09:16", "09:32"))
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "code.unknown")
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "97799" in found.message
    assert [line.service_index for line in result.lines] == [0]


def test_a_catalog_code_is_not_unknown() -> None:
    assert "code.unknown" not in rules_of(scrub(visit()))


@pytest.mark.parametrize(
    ("credential", "code"),
    [
        pytest.param(Credential.OT, "97161", id="OT-billing-a-PT-evaluation"),
        pytest.param(Credential.PT, "97165", id="PT-billing-an-OT-evaluation"),
        pytest.param(Credential.SLP, "97140", id="SLP-billing-manual-therapy"),
        pytest.param(Credential.LMT, "97110", id="LMT-billing-exercise"),
        pytest.param(Credential.DC, "92507", id="DC-billing-speech-treatment"),
    ],
)
def test_a_code_outside_the_rendering_discipline_is_flagged(
    credential: Credential, code: str
) -> None:
    # given a clinician billing a code another discipline furnishes
    v = visit(service(code), rendering_provider=rendering(credential))
    # when
    [found] = findings_of(scrub(v), "scope.discipline")
    # then
    assert (found.line, found.severity) == (0, Severity.ERROR)
    assert code in found.message


@pytest.mark.parametrize(
    ("credential", "code"),
    [
        pytest.param(Credential.PT, "97161", id="PT-evaluation"),
        pytest.param(Credential.PTA, "97110", id="PTA-exercise"),
        pytest.param(Credential.COTA, "97535", id="COTA-self-care"),
        pytest.param(Credential.LMT, "97124", id="LMT-massage"),
        pytest.param(Credential.DC, "97140", id="DC-manual-therapy"),
    ],
)
def test_a_code_inside_the_rendering_discipline_passes(credential: Credential, code: str) -> None:
    v = visit(service(code), rendering_provider=rendering(credential))
    assert "scope.discipline" not in rules_of(scrub(v))


# --- npi.check-digit --------------------------------------------------------------------------


def _with_bad_npi(where: str) -> object:
    base = visit()
    if where == "billing":
        return replace(base, billing_provider=replace(base.billing_provider, npi=BAD_NPI))
    if where == "rendering":
        return replace(base, rendering_provider=rendering(Credential.PT, npi=BAD_NPI))
    if where == "referring":
        return replace(base, referral=replace(base.referral, npi=BAD_NPI))
    return visit(service(rendering_npi=BAD_NPI))


@pytest.mark.parametrize(
    ("where", "line"),
    [
        pytest.param("billing", None, id="billing"),
        pytest.param("rendering", None, id="rendering"),
        pytest.param("referring", None, id="referring"),
        pytest.param("service", 0, id="service-rendering"),
    ],
)
def test_an_npi_failing_its_check_digit_is_flagged(where: str, line: int | None) -> None:
    # given one NPI mistyped
    # when
    [found] = findings_of(scrub(_with_bad_npi(where)), "npi.check-digit")  # type: ignore[arg-type]
    # then
    assert (found.line, found.severity) == (line, Severity.ERROR)
    assert BAD_NPI in found.message
    assert where in found.message


def test_valid_npis_pass_including_a_second_clinicians_on_a_line() -> None:
    v = visit(service(rendering_npi=OTHER_NPI))
    assert "npi.check-digit" not in rules_of(scrub(v))


# --- payer.accident-details -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "accident", "missing"),
    [
        pytest.param(PayerKind.AUTO_PIP, None, "accident", id="pip-no-accident"),
        pytest.param(PayerKind.AUTO_LIABILITY, None, "accident", id="liability-no-accident"),
        pytest.param(PayerKind.WORKERS_COMP, None, "accident", id="wc-no-accident"),
        pytest.param(
            PayerKind.AUTO_MEDPAY,
            Accident(AccidentKind.AUTO, dt.date(2026, 2, 20)),
            "state",
            id="auto-no-state",
        ),
        pytest.param(
            PayerKind.WORKERS_COMP, Accident(AccidentKind.EMPLOYMENT), "date", id="wc-no-date"
        ),
    ],
)
def test_an_accident_claim_without_its_details_is_flagged(
    kind: PayerKind, accident: Accident | None, missing: str
) -> None:
    # given an auto or work-injury claim missing the accident, its date or its state
    v = visit(payer=payer(kind), accident=accident)
    # when
    [found] = findings_of(scrub(v), "payer.accident-details")
    # then
    assert (found.line, found.severity) == (None, Severity.ERROR)
    assert missing in found.message


@pytest.mark.parametrize(
    ("kind", "accident"),
    [
        pytest.param(PayerKind.AUTO_PIP, AUTO_IN["OR"], id="pip-complete"),
        pytest.param(
            PayerKind.WORKERS_COMP,
            Accident(AccidentKind.EMPLOYMENT, dt.date(2026, 2, 20)),
            id="wc-date-no-state-needed",
        ),
        pytest.param(PayerKind.MEDICARE, None, id="health-plan-no-accident"),
    ],
)
def test_complete_accident_details_or_no_accident_claim_pass(
    kind: PayerKind, accident: Accident | None
) -> None:
    v = visit(payer=payer(kind), accident=accident)
    assert "payer.accident-details" not in rules_of(scrub(v))


# --- payer.auto-primary / payer.auto-primary-check --------------------------------------------


# Medicare Part B billed for an accident is checks_msp's msp.accident-medicare-first (issue 9).
@pytest.mark.parametrize(
    "kind", [PayerKind.MEDICARE_ADVANTAGE, PayerKind.MEDICAID, PayerKind.COMMERCIAL], ids=str
)
def test_a_health_plan_billed_for_a_no_fault_state_auto_injury_is_flagged(kind: PayerKind) -> None:
    # given an auto accident in Florida, a no-fault state, billed to a health plan
    v = visit(payer=payer(kind), accident=AUTO_IN["FL"])
    # when
    result = scrub(v)
    # then PIP pays first: an error, and not the softer check as well
    [found] = findings_of(result, "payer.auto-primary")
    assert (found.line, found.severity) == (None, Severity.ERROR)
    assert "FL" in found.message
    assert "payer.auto-primary-check" not in rules_of(result)


def test_a_health_plan_billed_for_an_auto_injury_in_a_tort_state_gets_the_check() -> None:
    # given an auto accident in Oregon (PIP is an add-on there, not primary by law), billed to
    # a commercial plan (Medicare is msp.accident-medicare-first, an error, since issue 9)
    v = visit(payer=payer(PayerKind.COMMERCIAL), accident=AUTO_IN["OR"])
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "payer.auto-primary-check")
    assert (found.line, found.severity) == (None, Severity.WARNING)
    assert "auto" in found.message
    assert "payer.auto-primary" not in rules_of(result)


@pytest.mark.parametrize(
    ("kind", "accident"),
    [
        pytest.param(PayerKind.AUTO_PIP, AUTO_IN["FL"], id="billed-to-pip"),
        pytest.param(PayerKind.AUTO_LIABILITY, AUTO_IN["NY"], id="billed-to-liability"),
        pytest.param(
            PayerKind.MEDICARE,
            Accident(AccidentKind.OTHER, dt.date(2026, 2, 20), "FL"),
            id="fall-not-auto",
        ),
        pytest.param(PayerKind.MEDICARE, None, id="no-accident"),
    ],
)
def test_no_auto_primary_finding_when_the_auto_carrier_is_billed_or_no_auto_accident(
    kind: PayerKind, accident: Accident | None
) -> None:
    v = visit(payer=payer(kind), accident=accident)
    assert not {"payer.auto-primary", "payer.auto-primary-check"} & rules_of(scrub(v))


# --- payer.pip-massage ------------------------------------------------------------------------

PIP = payer(PayerKind.AUTO_PIP)


@pytest.mark.parametrize(
    ("credential", "code", "line"),
    [
        pytest.param(Credential.PT, "97124", 1, id="massage-by-PT"),
        pytest.param(Credential.LMT, "97140", 1, id="manual-therapy-by-LMT"),
    ],
)
def test_massage_or_a_massage_therapist_billed_to_florida_pip_is_flagged(
    credential: Credential, code: str, line: int
) -> None:
    # given PIP for a Florida accident, and massage or an LMT's service on line 2
    v = visit(
        service("97010", None, None),
        service(code, "09:16", "09:32"),
        payer=PIP,
        accident=AUTO_IN["FL"],
        rendering_provider=rendering(credential),
    )
    # when
    found = findings_of(scrub(v), "payer.pip-massage")
    # then the massage line (and, for an LMT, every line) is flagged
    assert found[-1].line == line
    assert found[-1].severity is Severity.ERROR
    assert code in found[-1].message
    assert "FL" in found[-1].message
    assert len(found) == (2 if credential is Credential.LMT else 1)


@pytest.mark.parametrize(
    ("credential", "code", "accident"),
    [
        pytest.param(Credential.PT, "97124", AUTO_IN["OR"], id="massage-oregon-pip"),
        pytest.param(Credential.PT, "97140", AUTO_IN["FL"], id="manual-therapy-by-PT"),
    ],
)
def test_pip_massage_near_misses_pass(
    credential: Credential, code: str, accident: Accident
) -> None:
    v = visit(service(code), payer=PIP, accident=accident, rendering_provider=rendering(credential))
    assert "payer.pip-massage" not in rules_of(scrub(v))


def test_massage_for_a_florida_accident_billed_to_medpay_is_not_a_pip_finding() -> None:
    v = visit(service("97124"), payer=payer(PayerKind.AUTO_MEDPAY), accident=AUTO_IN["FL"])
    assert "payer.pip-massage" not in rules_of(scrub(v))


# --- payer.therapy-modifier -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credential", "asked", "code"),
    [
        pytest.param(Credential.PT, "GO", "97110", id="PT-asks-GO"),
        pytest.param(Credential.OT, "GP", "97535", id="OT-asks-GP"),
        pytest.param(Credential.SLP, "gp", "92507", id="SLP-asks-gp-lowercase"),
        pytest.param(Credential.DC, "GP", "97140", id="DC-asks-GP"),
    ],
)
def test_a_therapy_modifier_for_another_discipline_is_flagged(
    credential: Credential, asked: str, code: str
) -> None:
    # given a clinician asking for another discipline's GP/GO/GN
    v = visit(service(code, modifiers=(asked,)), rendering_provider=rendering(credential))
    # when
    [found] = findings_of(scrub(v), "payer.therapy-modifier")
    # then
    assert (found.line, found.severity) == (0, Severity.ERROR)
    assert code in found.message
    assert asked.upper() in found.message


def test_the_disciplines_own_therapy_modifier_asked_for_passes() -> None:
    v = visit(service("97535", modifiers=("GO",)), rendering_provider=rendering(Credential.OT))
    assert "payer.therapy-modifier" not in rules_of(scrub(v))


# --- payer.assistant-modifier -----------------------------------------------------------------


def test_an_assistant_furnishing_more_than_a_tenth_adds_cq_and_says_so() -> None:
    # given a PTA furnishing 2 of the 16 minutes of 97110
    v = visit(service("97110", assistant_minutes=2))
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "payer.assistant-modifier")
    assert (found.line, found.severity) == (0, Severity.INFO)
    assert "97110" in found.message
    assert "CQ" in found.message
    assert result.lines[0].modifiers == ("GP", "CQ")


def test_an_assistant_furnishing_a_tenth_or_less_adds_nothing() -> None:
    # given 1 of 16 minutes by a PTA (de minimis)
    result = scrub(visit(service("97110", assistant_minutes=1)))
    assert "payer.assistant-modifier" not in rules_of(result)
    assert result.lines[0].modifiers == ("GP",)


# --- payer.kx / payer.targeted-review ---------------------------------------------------------


def _ytd(pt_slp: str = "0", ot: str = "0") -> Episode:
    return Episode(
        treatment_day=5,
        last_progress_report_day=1,
        therapy_ytd=TherapyYearToDate(Decimal(pt_slp), Decimal(ot)),
    )


def test_kx_is_added_and_explained_when_the_line_passes_the_years_threshold() -> None:
    # given $2,400 so far in 2026 (threshold $2,480) and two $45 lines
    v = visit(service("97110"), service("97112", "09:16", "09:32"), episode=_ytd("2400"))
    # when
    result = scrub(v)
    # then only the second line ($2,490) passes the threshold
    [found] = findings_of(result, "payer.kx")
    assert (found.line, found.severity) == (1, Severity.INFO)
    assert "97112" in found.message
    assert "KX" in found.message
    assert [line.modifiers for line in result.lines] == [("GP",), ("GP", "KX")]


@pytest.mark.parametrize(
    ("kind", "ytd"),
    [
        pytest.param(PayerKind.MEDICARE, "2435", id="medicare-at-threshold"),
        pytest.param(PayerKind.COMMERCIAL, "5000", id="commercial-no-kx"),
    ],
)
def test_no_kx_at_the_threshold_or_for_other_payers(kind: PayerKind, ytd: str) -> None:
    # given $2,435 + $45 = exactly $2,480 (not above), or a payer without KX
    result = scrub(visit(payer=payer(kind), episode=_ytd(ytd)))
    assert "payer.kx" not in rules_of(result)
    assert "KX" not in result.lines[0].modifiers


@pytest.mark.parametrize(
    ("credential", "episode"),
    [
        pytest.param(Credential.PT, _ytd(pt_slp="2960"), id="pt-slp-bucket"),
        pytest.param(Credential.OT, _ytd(ot="2960"), id="ot-bucket"),
    ],
)
def test_passing_3000_in_a_bucket_warns_of_targeted_review(
    credential: Credential, episode: Episode
) -> None:
    # given $2,960 in the clinician's bucket and $45 today
    code = "97110"
    v = visit(service(code), episode=episode, rendering_provider=rendering(credential))
    # when
    [found] = findings_of(scrub(v), "payer.targeted-review")
    # then
    assert (found.line, found.severity) == (None, Severity.WARNING)
    assert "3,000" in found.message


@pytest.mark.parametrize(
    ("credential", "episode", "services"),
    [
        pytest.param(Credential.PT, _ytd(pt_slp="2955"), (service(),), id="reaches-not-passes"),
        pytest.param(Credential.OT, _ytd(pt_slp="2960"), (service(),), id="other-bucket"),
        pytest.param(
            Credential.PT,
            _ytd(pt_slp="2955"),
            (service(), service("97112", None, None, minutes=5)),
            id="unbilled-line-not-counted",
        ),
    ],
)
def test_targeted_review_near_misses(
    credential: Credential, episode: Episode, services: tuple[object, ...]
) -> None:
    v = visit(*services, episode=episode, rendering_provider=rendering(credential))  # type: ignore[arg-type]
    assert "payer.targeted-review" not in rules_of(scrub(v))


# --- payer.bypass-added -----------------------------------------------------------------------


def test_a_bypass_modifier_added_from_the_documentation_is_explained() -> None:
    # given 97140 then 97530 in separate time blocks
    v = visit(service("97140", "09:00", "09:16"), service("97530", "09:16", "09:32"))
    # when
    result = scrub(v)
    # then XU goes on 97530 and a note says why
    [found] = findings_of(result, "payer.bypass-added")
    assert (found.line, found.severity) == (1, Severity.INFO)
    assert "97530" in found.message
    assert "XU" in found.message
    assert "97140" in found.message


def test_a_bypass_modifier_the_clinician_asked_for_and_got_is_not_re_explained() -> None:
    # given XU asked for on 97530, which the time blocks support
    v = visit(
        service("97140", "09:00", "09:16"), service("97530", "09:16", "09:32", modifiers=("XU",))
    )
    # when
    result = scrub(v)
    # then
    assert "payer.bypass-added" not in rules_of(result)
    assert result.lines[1].modifiers == ("GP", "XU")
