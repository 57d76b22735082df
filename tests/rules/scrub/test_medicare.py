"""Medicare's fee-schedule status rules: 97010 bundled, 97014 replaced by G0283, 98943 not
covered, AT on spinal manipulation and chiropractors paid for spinal manipulation only; and
97010 refused by other payers' policies."""

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


# --- medicare.chiro-non-cmt -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        pytest.param("97140", "09:10", "09:25", id="manual-therapy"),
        pytest.param("97110", "09:10", "09:25", id="exercise"),
        pytest.param("97012", None, None, id="traction"),
    ],
)
def test_a_chiropractor_billing_medicare_for_other_than_spinal_manipulation_is_flagged(
    code: str, start: str | None, end: str | None
) -> None:
    # given a chiropractor's spinal manipulation and another service, both billed to Medicare
    v = visit(
        service("98940", None, None, body_regions=("lumbar",)),
        service(code, start, end, body_regions=("shoulder",)),
        rendering_provider=CHIRO,
    )
    # when
    found = findings_of(scrub(v), "medicare.chiro-non-cmt")
    # then only the other service is flagged
    assert [(f.line, f.severity) for f in found] == [(1, Severity.ERROR)]
    assert code in found[0].message


@pytest.mark.parametrize(
    ("services", "kind", "clinician"),
    [
        pytest.param(
            (service("98941", None, None), service("97140", body_regions=("shoulder",))),
            PayerKind.COMMERCIAL,
            CHIRO,
            id="dc-97140-commercial",
        ),
        pytest.param(
            (service("98942", None, None), service("98943", None, None, modifiers=("GY",))),
            PayerKind.MEDICARE,
            CHIRO,
            id="dc-cmt-and-extraspinal-medicare",
        ),
        pytest.param(
            (service("97140"),), PayerKind.MEDICARE, rendering(Credential.PT), id="pt-97140"
        ),
    ],
)
def test_spinal_manipulation_for_medicare_or_other_services_elsewhere_pass(
    services: tuple[object, ...], kind: PayerKind, clinician: object
) -> None:
    v = visit(*services, rendering_provider=clinician, payer=payer(kind))  # type: ignore[arg-type]
    assert "medicare.chiro-non-cmt" not in rules_of(scrub(v))


# --- payer.97010-not-paid ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [PayerKind.COMMERCIAL, PayerKind.MEDICAID, PayerKind.WORKERS_COMP], ids=str
)
def test_97010_to_a_non_medicare_payer_that_does_not_pay_it_cites_the_payer_policy(
    kind: PayerKind,
) -> None:
    # given hot packs billed to a payer whose policy bundles them
    v = visit(service("97110"), service("97010", None, None), payer=payer(kind))
    # when
    result = scrub(v)
    # then the payer's rule, not Medicare's
    [found] = findings_of(result, "payer.97010-not-paid")
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "97010" in found.message
    assert "Medicare" not in found.message
    assert "medicare.97010-bundled" not in rules_of(result)


@pytest.mark.parametrize(
    "kind", [PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE, PayerKind.AUTO_PIP], ids=str
)
def test_97010_to_medicare_or_a_payer_that_pays_it_has_no_payer_finding(kind: PayerKind) -> None:
    v = visit(service("97110"), service("97010", None, None), payer=payer(kind))
    assert "payer.97010-not-paid" not in rules_of(scrub(v))
