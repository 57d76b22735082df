"""Modifiers as they come out on the scrubbed claim lines: discipline, assistant, NCCI bypass
(X family or 59), KX and AT, in the engine's fixed order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import (
    Credential,
    Episode,
    Laterality,
    ModifierStyle,
    PayerKind,
    Service,
    TherapyYearToDate,
)
from tests.rules.scrub.factories import (
    OTHER_NPI,
    line_for,
    payer,
    rendering,
    rules_of,
    service,
    visit,
)


def _modifiers(*services: Service, **changes: object) -> list[tuple[str, ...]]:
    return [line.modifiers for line in scrub(visit(*services, **changes)).lines]


# --- GP / GO / GN -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credential", "code", "expected"),
    [
        pytest.param(Credential.PT, "97110", ("GP",), id="PT"),
        pytest.param(Credential.OT, "97535", ("GO",), id="OT"),
        pytest.param(Credential.SLP, "92507", ("GN",), id="SLP"),
        pytest.param(Credential.DC, "97140", (), id="chiropractor-none"),
        pytest.param(Credential.LMT, "97124", (), id="massage-therapist-none"),
    ],
)
def test_the_discipline_modifier_follows_the_rendering_clinician(
    credential: Credential, code: str, expected: tuple[str, ...]
) -> None:
    assert _modifiers(service(code), rendering_provider=rendering(credential)) == [expected]


def test_a_sometimes_therapy_code_gets_gp_only_under_a_plan_of_care() -> None:
    # given RTM management (sometimes therapy) with and without a plan of care
    rtm = service("98980", None, None, minutes=20)
    # when / then
    assert _modifiers(rtm) == [("GP",)]
    assert _modifiers(rtm, plan_of_care=None) == [()]


@pytest.mark.parametrize("kind", [PayerKind.AUTO_PIP, PayerKind.SELF_PAY], ids=str)
def test_payers_that_do_not_want_therapy_modifiers_get_none(kind: PayerKind) -> None:
    assert _modifiers(service("97110"), payer=payer(kind)) == [()]


# --- CQ / CO ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credential", "code", "expected"),
    [
        pytest.param(Credential.PTA, "97110", ("GP", "CQ"), id="PTA"),
        pytest.param(Credential.COTA, "97535", ("GO", "CO"), id="COTA"),
        pytest.param(Credential.SLPA, "92507", ("GN",), id="SLPA-no-assistant-modifier"),
    ],
)
def test_an_assistant_rendering_the_visit_adds_cq_or_co(
    credential: Credential, code: str, expected: tuple[str, ...]
) -> None:
    assert _modifiers(service(code), rendering_provider=rendering(credential)) == [expected]


@pytest.mark.parametrize(
    ("assistant_minutes", "expected"),
    [
        pytest.param(0, ("GP",), id="none"),
        pytest.param(1, ("GP",), id="1-of-16-de-minimis"),
        pytest.param(2, ("GP", "CQ"), id="2-of-16-above-10-percent"),
        pytest.param(16, ("GP", "CQ"), id="all"),
    ],
)
def test_assistant_minutes_above_a_tenth_of_the_service_add_cq(
    assistant_minutes: int, expected: tuple[str, ...]
) -> None:
    assert _modifiers(service("97110", assistant_minutes=assistant_minutes)) == [expected]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param(PayerKind.COMMERCIAL, ("GP",), id="commercial-no-cq"),
        pytest.param(PayerKind.MEDICAID, ("GP", "CQ"), id="medicaid-cq"),
        pytest.param(PayerKind.MEDICARE_ADVANTAGE, ("GP", "CQ"), id="medicare-advantage-cq"),
    ],
)
def test_cq_follows_the_payers_assistant_modifier_policy(
    kind: PayerKind, expected: tuple[str, ...]
) -> None:
    # given a PTA's exercise billed to the payer
    v = visit(service("97110"), rendering_provider=rendering(Credential.PTA), payer=payer(kind))
    # when
    result = scrub(v)
    # then CQ (and its note) only where the payer's policy asks for it
    assert result.lines[0].modifiers == expected
    assert ("payer.assistant-modifier" in rules_of(result)) is ("CQ" in expected)


def test_co_for_an_ot_service_partly_by_an_ota() -> None:
    v = service("97535", assistant_minutes=5)
    assert _modifiers(v, rendering_provider=rendering(Credential.OT)) == [("GO", "CO")]


# --- NCCI bypass: XS / XE / XP / XU and 59 ----------------------------------------------------


def _minutes_only(code: str, **changes: object) -> Service:
    return service(code, None, None, minutes=16, **changes)


@pytest.mark.parametrize(
    ("manual", "activity", "bypass"),
    [
        pytest.param(
            _minutes_only("97140", body_regions=("lumbar spine",)),
            _minutes_only("97530"),
            "XS",
            id="XS-regions",
        ),
        pytest.param(
            _minutes_only("97140", laterality=Laterality.LEFT),
            _minutes_only("97530", laterality=Laterality.RIGHT),
            "XS",
            id="XS-sides",
        ),
        pytest.param(_minutes_only("97140"), _minutes_only("97530", encounter=2), "XE", id="XE"),
        pytest.param(
            _minutes_only("97140"), _minutes_only("97530", rendering_npi=OTHER_NPI), "XP", id="XP"
        ),
        pytest.param(
            service("97140", "09:00", "09:16"), service("97530", "09:20", "09:36"), "XU", id="XU"
        ),
    ],
)
def test_the_bypass_goes_on_the_column_2_line_and_names_the_distinction(
    manual: Service, activity: Service, bypass: str
) -> None:
    # given 97140 (column 1) and 97530 (column 2) with one documented distinction
    # when / then
    assert _modifiers(manual, activity) == [("GP",), ("GP", bypass)]


def test_a_payer_that_takes_59_gets_59_for_the_same_distinction() -> None:
    # given a commercial payer (59 style by default) and 97140/97530 on different regions
    lines = _modifiers(
        _minutes_only("97140", body_regions=("hip",)),
        _minutes_only("97530"),
        payer=payer(PayerKind.COMMERCIAL),
    )
    assert lines == [("GP",), ("GP", "59")]


def test_a_payers_own_modifier_style_overrides_its_kinds_default() -> None:
    # given Medicare (X by default) set to 59 on the payer record
    lines = _modifiers(
        _minutes_only("97140", body_regions=("hip",)),
        _minutes_only("97530"),
        payer=payer(PayerKind.MEDICARE, modifier_style=ModifierStyle.FIFTY_NINE),
    )
    assert lines == [("GP",), ("GP", "59")]


def test_no_bypass_without_a_distinction() -> None:
    assert _modifiers(_minutes_only("97140"), _minutes_only("97530")) == [("GP",), ("GP",)]


# --- KX -------------------------------------------------------------------------------------


def _spent(amount: str, bucket: str = "pt_slp") -> Episode:
    ytd = TherapyYearToDate(**{bucket: Decimal(amount)})
    return Episode(treatment_day=5, last_progress_report_day=1, therapy_ytd=ytd)


@pytest.mark.parametrize(
    ("spent", "expected"),
    [
        pytest.param("2434.99", ("GP",), id="below"),
        pytest.param("2435.00", ("GP",), id="reaches-2480"),
        pytest.param("2435.01", ("GP", "KX"), id="passes-2480"),
    ],
)
def test_kx_is_added_only_above_the_years_threshold(spent: str, expected: tuple[str, ...]) -> None:
    # given year-to-date PT/SLP spending and a $45 line on a 2026 date of service
    assert _modifiers(service("97110"), episode=_spent(spent)) == [expected]


def test_kx_counts_the_clinicians_own_bucket() -> None:
    # given an OT whose OT bucket is low although PT/SLP is high, and the reverse
    ot = rendering(Credential.OT)
    assert _modifiers(service("97535"), rendering_provider=ot, episode=_spent("3000")) == [("GO",)]
    assert _modifiers(service("97535"), rendering_provider=ot, episode=_spent("3000", "ot")) == [
        ("GO", "KX")
    ]


def test_full_order_discipline_assistant_bypass_kx() -> None:
    # given a PTA's 97530 in its own time block after 97140, above the threshold
    lines = _modifiers(
        service("97140", "09:00", "09:16"),
        service("97530", "09:16", "09:32"),
        rendering_provider=rendering(Credential.PTA),
        episode=_spent("2500"),
    )
    assert lines == [("GP", "CQ", "KX"), ("GP", "CQ", "XU", "KX")]


# --- AT -------------------------------------------------------------------------------------


def test_at_on_spinal_manipulation_for_medicare_only() -> None:
    dc = rendering(Credential.DC)
    cmt = service("98941", None, None)
    assert _modifiers(cmt, rendering_provider=dc) == [("AT",)]
    assert _modifiers(cmt, rendering_provider=dc, payer=payer(PayerKind.COMMERCIAL)) == [()]


def test_at_on_manipulation_with_manual_therapy_on_another_region() -> None:
    # given CMT on the lumbar spine and 97140 on the knee for Medicare
    dc = rendering(Credential.DC)
    result = scrub(
        visit(
            service("98940", None, None, body_regions=("lumbar spine",)),
            _minutes_only("97140"),
            rendering_provider=dc,
        )
    )
    assert line_for(result, 0).modifiers == ("AT",)
    assert line_for(result, 1).modifiers == ("XS",)
