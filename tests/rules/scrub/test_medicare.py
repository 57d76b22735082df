"""Medicare's fee-schedule status rules: 97010 bundled, 97014 replaced by G0283, 98943 not
covered, and AT on spinal manipulation."""

from __future__ import annotations

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, PayerKind
from tests.rules.scrub.factories import (
    findings_of,
    line_for,
    payer,
    rendering,
    rules_of,
    service,
    visit,
)

CHIRO = rendering(Credential.DC, taxonomy="111N00000X")


# --- medicare.97010-bundled -------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE], ids=str)
def test_97010_billed_to_medicare_is_flagged_as_bundled(kind: PayerKind) -> None:
    # given hot packs after exercise, billed to Medicare or a Medicare plan
    v = visit(service("97110"), service("97010", None, None), payer=payer(kind))
    # when
    [found] = findings_of(scrub(v), "medicare.97010-bundled")
    # then
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "97010" in found.message


@pytest.mark.parametrize("kind", [PayerKind.AUTO_PIP, PayerKind.SELF_PAY], ids=str)
def test_97010_billed_to_a_payer_that_pays_it_passes(kind: PayerKind) -> None:
    v = visit(service("97110"), service("97010", None, None), payer=payer(kind))
    assert "medicare.97010-bundled" not in rules_of(scrub(v))


# --- medicare.97014-invalid -------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE], ids=str)
def test_97014_for_medicare_is_billed_as_g0283_with_a_warning(kind: PayerKind) -> None:
    # given unattended electrical stimulation documented as 97014
    v = visit(service("97110"), service("97014", None, None), payer=payer(kind))
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "medicare.97014-invalid")
    assert (found.line, found.severity) == (1, Severity.WARNING)
    assert "97014" in found.message
    assert "G0283" in found.message
    assert line_for(result, 1).code == "G0283"


def test_97014_for_a_commercial_payer_stays_97014() -> None:
    v = visit(service("97110"), service("97014", None, None), payer=payer(PayerKind.COMMERCIAL))
    result = scrub(v)
    assert "medicare.97014-invalid" not in rules_of(result)
    assert line_for(result, 1).code == "97014"


# --- medicare.98943-noncovered ----------------------------------------------------------------


def test_extraspinal_manipulation_billed_to_medicare_is_flagged() -> None:
    # given a chiropractor's 98940 and 98943 for Medicare
    v = visit(
        service("98940", None, None),
        service("98943", None, None),
        rendering_provider=CHIRO,
    )
    # when
    [found] = findings_of(scrub(v), "medicare.98943-noncovered")
    # then
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "98943" in found.message


@pytest.mark.parametrize(
    ("kind", "modifiers"),
    [
        pytest.param(PayerKind.MEDICARE, ("GY",), id="medicare-GY"),
        pytest.param(PayerKind.MEDICARE, ("GA",), id="medicare-GA"),
        pytest.param(PayerKind.COMMERCIAL, (), id="commercial"),
    ],
)
def test_extraspinal_manipulation_with_a_liability_modifier_or_a_covering_payer_passes(
    kind: PayerKind, modifiers: tuple[str, ...]
) -> None:
    v = visit(
        service("98943", None, None, modifiers=modifiers),
        rendering_provider=CHIRO,
        payer=payer(kind),
    )
    assert "medicare.98943-noncovered" not in rules_of(scrub(v))


# --- medicare.cmt-at --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["98940", "98941", "98942"])
def test_spinal_manipulation_for_medicare_gets_at_and_a_note_saying_so(code: str) -> None:
    # given a chiropractor's spinal manipulation for Medicare
    v = visit(service(code, None, None), rendering_provider=CHIRO)
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "medicare.cmt-at")
    assert (found.line, found.severity) == (0, Severity.INFO)
    assert code in found.message
    assert "AT" in found.message
    assert line_for(result, 0).modifiers == ("AT",)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        pytest.param("98941", PayerKind.COMMERCIAL, id="commercial"),
        pytest.param("98941", PayerKind.MEDICARE_ADVANTAGE, id="medicare-advantage"),
        pytest.param("98943", PayerKind.MEDICARE, id="extraspinal"),
    ],
)
def test_no_at_off_medicare_or_on_extraspinal_manipulation(code: str, kind: PayerKind) -> None:
    v = visit(service(code, None, None), rendering_provider=CHIRO, payer=payer(kind))
    result = scrub(v)
    assert "medicare.cmt-at" not in rules_of(result)
    assert "AT" not in line_for(result, 0).modifiers


def test_at_the_clinician_asked_for_is_kept_without_a_note() -> None:
    v = visit(service("98941", None, None, modifiers=("AT",)), rendering_provider=CHIRO)
    result = scrub(v)
    assert "medicare.cmt-at" not in rules_of(result)
    assert line_for(result, 0).modifiers == ("AT",)
