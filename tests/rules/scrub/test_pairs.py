"""Code pairs: NCCI hard and bypassable edits, asked-for bypass modifiers, massage with manual
therapy on one region, and 97010 once a day."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.ncci import PtpEdit, PtpTable, bundled_mue
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import Credential, Laterality, OtherProviderService, PayerKind
from tests.rules.scrub.factories import (
    OTHER_NPI,
    findings_of,
    payer,
    rendering,
    rules_of,
    service,
    visit,
)

# 2020-01-01 to 2020-03-31: evaluation with 97530 was a hard (indicator 0) edit.
HARD_EDIT_DAY = dt.date(2020, 2, 10)


def _minutes_only(code: str, minutes: int = 16, **changes: object) -> object:
    """A block documented by minutes alone: no clock times, so no XU can be shown."""
    return service(code, None, None, minutes=minutes, **changes)


# --- pair.ncci-hard ---------------------------------------------------------------------------


def test_evaluation_with_97530_in_early_2020_is_a_hard_edit_on_the_evaluation() -> None:
    # given an evaluation and 97530 on a day the bundled indicator-0 edit was in force
    # (commercial: no KX year lookup for 2020)
    v = visit(
        service("97530", "09:00", "09:16"),
        service("97161", "09:16", "09:50"),
        date_of_service=HARD_EDIT_DAY,
        payer=payer(PayerKind.COMMERCIAL),
    )
    # when
    found = findings_of(scrub(v), "pair.ncci-hard")
    # then the evaluation (column 2) is flagged, even though the times do not overlap
    assert len(found) == 1
    assert found[0].severity is Severity.ERROR
    assert found[0].line == 1
    assert "97161" in found[0].message
    assert "97530" in found[0].message


def test_evaluation_with_97530_after_the_hard_edit_was_deleted_is_not_flagged() -> None:
    # given the same visit on the edit's deletion date
    v = visit(
        service("97530", "09:00", "09:16"),
        service("97161", "09:16", "09:50"),
        date_of_service=dt.date(2020, 4, 1),
        payer=payer(PayerKind.COMMERCIAL),
    )
    # when
    result = scrub(v)
    # then
    assert not {"pair.ncci-hard", "pair.ncci-undocumented"} & rules_of(result)


def _table_with(indicator: int) -> PtpTable:
    return PtpTable(
        [
            PtpEdit(
                column1="97110",
                column2="97112",
                pre_1996=False,
                effective=dt.date(2026, 1, 1),
                deletion=None,
                modifier_indicator=indicator,
                rationale="test edit",
                source="test",
            )
        ]
    )


def test_an_indicator_0_edit_from_an_imported_table_is_hard_whatever_the_documentation() -> None:
    # given two codes an imported table bundles with indicator 0, on different regions
    v = visit(
        service("97112", "09:00", "09:16", body_regions=("hip",)),
        service("97110", "09:16", "09:32"),
    )
    # when
    result = scrub(v, _table_with(0), bundled_mue())
    # then the column-2 code is flagged and no bypass modifier is added
    [found] = findings_of(result, "pair.ncci-hard")
    assert (found.line, found.severity) == (0, Severity.ERROR)
    assert "97112" in found.message
    assert not {"XS", "XU", "59"} & set(result.lines[0].modifiers)


def test_an_indicator_9_edit_is_not_flagged() -> None:
    # given the same pair with indicator 9 (not applicable)
    v = visit(service("97112", None, None, minutes=16), service("97110", None, None, minutes=16))
    # when
    result = scrub(v, _table_with(9), bundled_mue())
    # then
    assert not {"pair.ncci-hard", "pair.ncci-undocumented"} & rules_of(result)


# --- pair.ncci-undocumented -------------------------------------------------------------------


def test_manual_therapy_and_97530_without_a_distinction_flag_97530() -> None:
    # given 97140 and 97530 on one region, times not stamped
    v = visit(_minutes_only("97140"), _minutes_only("97530"))
    # when
    result = scrub(v)
    # then 97530 (column 2) is flagged and carries no bypass modifier
    [found] = findings_of(result, "pair.ncci-undocumented")
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "97530" in found.message
    assert "97140" in found.message
    assert result.lines[1].modifiers == ("GP",)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            _minutes_only("97140", body_regions=("lumbar spine",)),
            _minutes_only("97530"),
            id="different-regions",
        ),
        pytest.param(
            _minutes_only("97140", body_regions=("knee",), laterality=Laterality.LEFT),
            _minutes_only("97530", body_regions=("knee",), laterality=Laterality.RIGHT),
            id="opposite-sides",
        ),
        pytest.param(_minutes_only("97140"), _minutes_only("97530", encounter=2), id="encounter"),
        pytest.param(
            _minutes_only("97140"), _minutes_only("97530", rendering_npi=OTHER_NPI), id="clinician"
        ),
        pytest.param(
            service("97140", "09:00", "09:16"), service("97530", "09:16", "09:32"), id="time"
        ),
    ],
)
def test_a_documented_distinction_is_not_flagged(first: object, second: object) -> None:
    # given 97140 and 97530 with one distinction documented
    # when
    result = scrub(visit(first, second))  # type: ignore[arg-type]
    # then
    assert "pair.ncci-undocumented" not in rules_of(result)


# --- pair.bypass-unsupported ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "line", "code"),
    [
        pytest.param((service("97110", modifiers=("59",)),), 0, "97110", id="no-pair"),
        pytest.param(
            (_minutes_only("97140"), _minutes_only("97530", modifiers=("XS",))),
            1,
            "97530",
            id="same-region",
        ),
        pytest.param(
            (
                _minutes_only("97140", body_regions=("hip",), modifiers=("XS",)),
                _minutes_only("97530"),
            ),
            0,
            "97140",
            id="on-column-1",
        ),
    ],
)
def test_a_bypass_modifier_without_a_pair_or_a_distinction_is_flagged(
    services: tuple[object, ...], line: int, code: str
) -> None:
    # given a clinician's 59/X modifier that no documented distinction supports
    # when
    result = scrub(visit(*services))  # type: ignore[arg-type]
    # then
    [found] = findings_of(result, "pair.bypass-unsupported")
    assert (found.line, found.severity) == (line, Severity.ERROR)
    assert code in found.message


def test_a_bypass_modifier_the_note_supports_is_not_flagged() -> None:
    # given XS asked on 97530 and 97140 on another region
    v = visit(
        _minutes_only("97140", body_regions=("hip",)), _minutes_only("97530", modifiers=("XS",))
    )
    # when
    result = scrub(v)
    # then
    assert "pair.bypass-unsupported" not in rules_of(result)
    assert result.lines[1].modifiers == ("GP", "XS")


# --- pair.97124-97140-region ------------------------------------------------------------------


def test_massage_and_manual_therapy_on_one_region_flag_the_massage() -> None:
    # given 97140 and 97124 on the knee in one session
    v = visit(service("97140", "09:00", "09:16"), service("97124", "09:16", "09:32"))
    # when
    result = scrub(v)
    # then one finding, in the clinic's terms, not a second NCCI one for the same pair
    [found] = findings_of(result, "pair.97124-97140-region")
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "97124" in found.message
    assert "knee" in found.message
    assert "pair.ncci-undocumented" not in rules_of(result)


@pytest.mark.parametrize(
    "massage",
    [
        pytest.param(service("97124", "09:16", "09:32", body_regions=("hip",)), id="region"),
        pytest.param(service("97124", "09:16", "09:32", encounter=2), id="encounter"),
        pytest.param(
            service("97124", "09:16", "09:32", laterality=Laterality.RIGHT), id="other-side"
        ),
    ],
)
def test_massage_and_manual_therapy_on_different_regions_or_sessions_pass(massage: object) -> None:
    # given 97140 on the left knee and massage somewhere or sometime else
    manual = service("97140", "09:00", "09:16", laterality=Laterality.LEFT)
    # when
    result = scrub(visit(manual, massage))  # type: ignore[arg-type]
    # then
    assert "pair.97124-97140-region" not in rules_of(result)
    assert "pair.ncci-undocumented" not in rules_of(result)


def test_massage_and_manual_therapy_with_no_regions_recorded_fall_back_to_the_ncci_edit() -> None:
    # given 97140 and 97124 with no region and no clock times: nothing shows they are distinct
    v = visit(_minutes_only("97140", body_regions=()), _minutes_only("97124", body_regions=()))
    # when
    result = scrub(v)
    # then the NCCI edit (97140 column 1) flags 97124; the bundled row is low confidence, so
    # since issue 9 it is a warning that says it is no CMS edit (ADR 0320)
    [found] = findings_of(result, "pair.ncci-unconfirmed")
    assert (found.line, found.severity) == (1, Severity.WARNING)
    assert "97124" in found.message
    assert "not checked against the CMS file" in found.message
    assert "pair.ncci-undocumented" not in rules_of(result)


# --- pair.97010-repeat ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "others", "line"),
    [
        pytest.param(
            (service("97010", None, None), service("97010", None, None)), (), 1, id="twice"
        ),
        pytest.param(
            (service("97110"), service("97010", None, None)),
            (OtherProviderService("97010", OTHER_NPI),),
            1,
            id="other-provider",
        ),
    ],
)
def test_97010_more_than_once_a_day_is_flagged(
    services: tuple[object, ...], others: tuple[OtherProviderService, ...], line: int
) -> None:
    # given 97010 twice today, on this claim or by another provider
    v = visit(*services, other_providers_same_day=others)  # type: ignore[arg-type]
    # when
    [found] = findings_of(scrub(v), "pair.97010-repeat")
    # then
    assert (found.line, found.severity) == (line, Severity.ERROR)
    assert "97010" in found.message


@pytest.mark.parametrize(
    "others",
    [
        pytest.param((), id="alone"),
        pytest.param((OtherProviderService("97012", OTHER_NPI),), id="other-code"),
    ],
)
def test_97010_once_a_day_is_not_flagged(others: tuple[OtherProviderService, ...]) -> None:
    # given 97010 once, perhaps with another provider's different service
    v = visit(service("97110"), service("97010", None, None), other_providers_same_day=others)
    # when
    result = scrub(v)
    # then
    assert "pair.97010-repeat" not in rules_of(result)


def test_another_providers_97010_alone_is_not_this_claims_problem() -> None:
    # given another provider billed 97010 today and this claim has none
    v = visit(other_providers_same_day=(OtherProviderService("97010", OTHER_NPI),))
    # when
    result = scrub(v)
    # then
    assert "pair.97010-repeat" not in rules_of(result)


# --- bypass distinctions accepted per pair ----------------------------------------------------

_CHIRO = rendering(Credential.DC, taxonomy="111N00000X")


def _cmt_visit(manual: object) -> object:
    return visit(
        service("98940", "09:00", "09:10", body_regions=("lumbar",)),
        manual,  # type: ignore[arg-type]
        rendering_provider=_CHIRO,
        payer=payer(PayerKind.COMMERCIAL),
    )


@pytest.mark.parametrize(
    "manual",
    [
        pytest.param(service("97140", "09:10", "09:25", body_regions=("lumbar",)), id="time"),
        pytest.param(
            service("97140", "09:10", "09:25", body_regions=("lumbar",), rendering_npi=OTHER_NPI),
            id="clinician",
        ),
    ],
)
def test_spinal_manipulation_and_manual_therapy_on_one_region_get_no_bypass(
    manual: object,
) -> None:
    # given CMT and 97140 on the lumbar spine, separated only by time or by clinician
    # when
    result = scrub(_cmt_visit(manual))  # type: ignore[arg-type]
    # then no 59 is added and the NCCI pair is flagged on 97140
    assert not {"59", "XU", "XP"} & set(result.lines[1].modifiers)
    [found] = findings_of(result, "pair.ncci-undocumented")
    assert (found.line, found.severity) == (1, Severity.ERROR)
    assert "region" in found.message
    assert "time" not in found.message
    assert "payer.bypass-added" not in rules_of(result)


@pytest.mark.parametrize(
    "manual",
    [
        pytest.param(service("97140", "09:10", "09:25", body_regions=("shoulder",)), id="region"),
        pytest.param(
            service("97140", "09:10", "09:25", body_regions=("lumbar",), encounter=2),
            id="encounter",
        ),
    ],
)
def test_spinal_manipulation_and_manual_therapy_on_another_region_or_visit_pass(
    manual: object,
) -> None:
    # when
    result = scrub(_cmt_visit(manual))  # type: ignore[arg-type]
    # then
    assert "pair.ncci-undocumented" not in rules_of(result)
    assert result.lines[1].modifiers == ("59",)


@pytest.mark.parametrize("kind", [PayerKind.MEDICARE, PayerKind.COMMERCIAL], ids=str)
def test_massage_and_manual_therapy_on_one_region_get_the_region_finding_and_no_bypass(
    kind: PayerKind,
) -> None:
    # given 97140 then 97124 on the knee, in back-to-back blocks
    v = visit(
        service("97140", "09:00", "09:16"), service("97124", "09:16", "09:32"), payer=payer(kind)
    )
    # when
    result = scrub(v)
    # then the region finding alone: no 59/XU that would contradict it
    assert "pair.97124-97140-region" in rules_of(result)
    assert not {"59", "XU", "XS", "XE", "XP"} & set(result.lines[1].modifiers)
    assert "payer.bypass-added" not in rules_of(result)


def test_manual_therapy_and_97530_in_separate_blocks_still_get_xu() -> None:
    # given the CMS 59 article's example: 97140 and 97530 in different 15-minute blocks
    v = visit(service("97140", "09:00", "09:16"), service("97530", "09:16", "09:32"))
    # when
    result = scrub(v)
    # then
    assert result.lines[1].modifiers == ("GP", "XU")
    assert "pair.ncci-undocumented" not in rules_of(result)


# --- code.addon-without-primary ---------------------------------------------------------------

_OT = rendering(Credential.OT, taxonomy="225X00000X")


@pytest.mark.parametrize(
    ("services", "line", "addon", "primary"),
    [
        pytest.param((service("97130", "09:00", "09:16"),), 0, "97130", "97129", id="97130"),
        pytest.param(
            (service("97110"), service("97551", "09:16", "09:32")), 1, "97551", "97550", id="97551"
        ),
        pytest.param((service("98981", None, None, minutes=20),), 0, "98981", "98980", id="98981"),
    ],
)
def test_an_add_on_code_without_its_primary_is_flagged(
    services: tuple[object, ...], line: int, addon: str, primary: str
) -> None:
    # given an add-on code billed with no primary code that day
    v = visit(*services, rendering_provider=_OT)  # type: ignore[arg-type]
    # when
    found = findings_of(scrub(v), "code.addon-without-primary")
    # then
    assert [(f.line, f.severity) for f in found] == [(line, Severity.ERROR)]
    assert addon in found[0].message
    assert primary in found[0].message


@pytest.mark.parametrize(
    "services",
    [
        pytest.param(
            (service("97129", "09:00", "09:15"), service("97130", "09:15", "09:30")), id="97130"
        ),
        pytest.param(
            (service("97550", None, None, minutes=30), service("97551", "09:30", "09:46")),
            id="97551",
        ),
        pytest.param(
            (service("98980", None, None, minutes=20), service("98981", None, None, minutes=20)),
            id="98981",
        ),
    ],
)
def test_an_add_on_code_with_its_primary_passes(services: tuple[object, ...]) -> None:
    v = visit(*services, rendering_provider=_OT)  # type: ignore[arg-type]
    assert "code.addon-without-primary" not in rules_of(scrub(v))


def test_97129_for_two_units_trips_its_mue_of_one() -> None:
    # given 30 minutes of cognitive intervention all documented as 97129 (the first 15 minutes)
    v = visit(service("97129", "09:00", "09:30"), rendering_provider=_OT)
    # when
    result = scrub(v)
    # then
    [found] = findings_of(result, "units.mue")
    assert found.line == 0
    assert "97129" in found.message
    assert bundled_mue().mue_for("97129", v.date_of_service).value == 1  # type: ignore[union-attr]


def test_97129_once_with_97130_for_the_rest_is_within_the_mue() -> None:
    v = visit(
        service("97129", "09:00", "09:15"),
        service("97130", "09:15", "09:30"),
        rendering_provider=_OT,
    )
    assert "units.mue" not in rules_of(scrub(v))
