"""The ABN table (rules/beneficiary_notices.py, ADR 0960): the signed notices on file are a fact of
the visit, and the scrubber turns them into GA, GZ or GY on each Medicare line, with a finding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import (
    BeneficiaryNotice,
    Credential,
    Episode,
    HistoryService,
    HistoryVisit,
    PayerKind,
    TherapyYearToDate,
)
from tests.rules.scrub.factories import (
    DOS,
    documented,
    findings_of,
    payer,
    rendering,
    rules_of,
    service,
    visit,
)

ABOVE_KX = Episode(
    treatment_day=5,
    last_progress_report_day=1,
    therapy_ytd=TherapyYearToDate(Decimal("2500"), Decimal("0")),
)
SAME = documented("97110")
MAINTENANCE_HISTORY = tuple(
    HistoryVisit(DOS - dt.timedelta(days=7 * n), (HistoryService("97110", ("knee",), SAME),))
    for n in (1, 2)
)
CHIRO = rendering(Credential.DC, taxonomy="111N00000X")


def notice(option: int, *codes: str, signed_on: dt.date = DOS, through: dt.date | None = None):
    return BeneficiaryNotice(signed_on, option, codes or ("97110",), through)


UNJUSTIFIED = service("97110", justification=None)
PLAIN = service("97110")


@pytest.mark.parametrize(
    ("case", "notices", "expected_mods", "rule", "severity"),
    [
        # above the KX threshold without documented necessity
        ("above-kx", (), ("GP", "GZ"), "medicare.abn-missing", Severity.WARNING),
        ("above-kx", (notice(1),), ("GP", "GA"), "medicare.abn-on-file", Severity.INFO),
        ("above-kx", (notice(2),), ("GP",), "medicare.abn-do-not-bill", Severity.ERROR),
        ("above-kx", (notice(3),), ("GP",), "medicare.abn-declined", Severity.ERROR),
        # a notice for another code, signed after the visit, or lapsed does not cover the line
        ("above-kx", (notice(1, "97140"),), ("GP", "GZ"), "medicare.abn-missing", Severity.WARNING),
        (
            "above-kx",
            (notice(1, signed_on=DOS + dt.timedelta(days=1)),),
            ("GP", "GZ"),
            "medicare.abn-missing",
            Severity.WARNING,
        ),
        (
            "above-kx",
            (notice(1, signed_on=dt.date(2026, 1, 5), through=DOS - dt.timedelta(days=1)),),
            ("GP", "GZ"),
            "medicare.abn-missing",
            Severity.WARNING,
        ),
        # maintenance: the same parameters as on the last two visits
        ("maintenance", (), ("GP", "GZ"), "medicare.abn-missing", Severity.WARNING),
        ("maintenance", (notice(1),), ("GP", "GA"), "medicare.abn-on-file", Severity.INFO),
        # no denial expected, but the patient signed for the service anyway
        ("covered", (notice(1),), ("GP", "GA"), "medicare.abn-on-file", Severity.INFO),
    ],
)
def test_the_notices_on_file_decide_the_liability_modifier(
    case: str,
    notices: tuple[BeneficiaryNotice, ...],
    expected_mods: tuple[str, ...],
    rule: str,
    severity: Severity,
) -> None:
    # given a Medicare visit in one of the table's cases, with the notices on file
    if case == "above-kx":
        v = visit(UNJUSTIFIED, episode=ABOVE_KX, notices=notices)
    elif case == "maintenance":
        v = visit(PLAIN, history=MAINTENANCE_HISTORY, notices=notices)
    else:
        v = visit(PLAIN, notices=notices)
    # when
    result = scrub(v)
    # then
    assert result.lines[0].modifiers == expected_mods
    [found] = findings_of(result, rule)
    assert (found.line, found.severity) == (0, severity)


def test_above_kx_with_documented_necessity_keeps_kx_and_needs_no_notice() -> None:
    result = scrub(visit(PLAIN, episode=ABOVE_KX, notices=()))
    assert result.lines[0].modifiers == ("GP", "KX")
    assert not {r for r in rules_of(result) if r.startswith("medicare.abn")}


def test_statutory_exclusion_carries_gy_without_a_notice_and_passes_the_98943_rule() -> None:
    # given a chiropractor's 98943 for Medicare, the chart saying no notices are on file
    v = visit(service("98943", None, None), rendering_provider=CHIRO, notices=())
    # when
    result = scrub(v)
    # then GY goes on, and the non-covered rule is satisfied by it
    assert result.lines[0].modifiers == ("GY",)
    assert "medicare.98943-noncovered" not in rules_of(result)


@pytest.mark.parametrize(
    ("kind", "notices"),
    [
        pytest.param(PayerKind.MEDICARE, None, id="medicare-notices-not-known"),
        pytest.param(PayerKind.COMMERCIAL, (), id="commercial"),
        pytest.param(PayerKind.MEDICARE_ADVANTAGE, (), id="medicare-advantage"),
    ],
)
def test_nothing_is_judged_when_notices_are_unknown_or_the_payer_is_not_medicare(
    kind: PayerKind, notices: tuple[BeneficiaryNotice, ...] | None
) -> None:
    result = scrub(visit(UNJUSTIFIED, payer=payer(kind), episode=ABOVE_KX, notices=notices))
    assert not {"GA", "GZ", "GY"} & set(result.lines[0].modifiers)
    assert not {r for r in rules_of(result) if r.startswith("medicare.abn")}


def test_a_requested_ga_gives_way_to_the_notices_on_file() -> None:
    v = visit(service("97110", justification=None, modifiers=("GA",)), episode=ABOVE_KX, notices=())
    assert scrub(v).lines[0].modifiers == ("GP", "GZ")
