"""The therapy procedure catalog against the facts it was built from (rules-facts §1, §5, §6)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cleannote.rules.catalog import (
    DocElement,
    MedicareStatus,
    RtmSpec,
    TherapyDesignation,
    all_procedures,
    find_procedure,
    is_timed,
    load_procedures,
    procedure,
)
from cleannote.rules.catalog_entries import CatalogDataError
from cleannote.rules.errors import RulesError, UnknownCodeError
from cleannote.rules.ncci import bundled_mue
from cleannote.rules.visit import Discipline

BUNDLED = Path(__file__).parents[2] / "src/cleannote/rules/data/procedures.json"

REQUIRED_CODES = (
    *["97010", "97012", "97014", "97016", "97018", "97022", "97024", "97026", "97028"],
    *["97032", "97033", "97034", "97035", "97036", "97039"],
    *["97110", "97112", "97113", "97116", "97124", "97129", "97130", "97140", "97150"],
    *["97161", "97162", "97163", "97164", "97165", "97166", "97167", "97168"],
    *["97530", "97533", "97535", "97537", "97542", "97550", "97551", "97552"],
    *["97750", "97755", "97760", "97761", "97763"],
    *["92507", "92508", "92521", "92522", "92523", "92524", "92526", "92597", "92610"],
    *["96105", "96110", "96112", "96113", "96125"],
    *["98940", "98941", "98942", "98943"],
    *["98975", "98976", "98977", "98978", "98980", "98981", "98984", "98985", "98986", "98979"],
    "G0283",
)


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_listed_code_is_in_the_catalog(code: str) -> None:
    # given the codes the task lists / when looked up / then each is present under its own code
    assert procedure(code).code == code


def test_catalog_holds_at_least_sixty_codes_sorted_without_repeats() -> None:
    # given the bundled catalog
    codes = [p.code for p in all_procedures()]
    # then
    assert len(codes) >= 60
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)


def test_every_entry_has_every_attribute_filled() -> None:
    for p in all_procedures():
        assert p.descriptor.strip(), p.code
        assert p.unit.strip(), p.code
        assert p.disciplines, p.code
        assert p.mue >= 1, p.code
        assert p.documentation, p.code
        assert p.guidance.strip(), p.code
        assert p.sources, p.code
        assert any(s.startswith("MUE") or "MUE" in s for s in p.sources), p.code


@pytest.mark.parametrize(
    ("code", "status", "replacement"),
    [
        pytest.param("97010", MedicareStatus.BUNDLED, None, id="hot-cold-pack-bundled"),
        pytest.param("97014", MedicareStatus.INVALID, "G0283", id="unattended-estim-invalid"),
        pytest.param("98943", MedicareStatus.NON_COVERED, None, id="extraspinal-cmt-non-covered"),
        pytest.param("97124", MedicareStatus.PAYABLE, None, id="massage-payable"),
        pytest.param("G0283", MedicareStatus.PAYABLE, None, id="g0283-payable"),
    ],
)
def test_medicare_status(code: str, status: MedicareStatus, replacement: str | None) -> None:
    # when
    p = procedure(code)
    # then
    assert p.medicare_status is status
    assert p.medicare_replacement == replacement


def test_only_invalid_codes_carry_a_replacement() -> None:
    for p in all_procedures():
        assert (p.medicare_replacement is not None) == (p.medicare_status is MedicareStatus.INVALID)


@pytest.mark.parametrize(
    ("code", "mue"),
    [
        pytest.param("97110", 6, id="97110"),
        pytest.param("97530", 6, id="97530"),
        pytest.param("97035", 2, id="97035"),
        pytest.param("97032", 4, id="97032"),
        pytest.param("92507", 1, id="92507"),
        pytest.param("92526", 1, id="92526"),
        pytest.param("97012", 1, id="97012"),
    ],
)
def test_mue_values_from_rules_facts(code: str, mue: int) -> None:
    # given the values rules-facts §5 gives / then the catalog carries them, citing §5
    p = procedure(code)
    assert p.mue == mue
    assert any("rules-facts §5" in s for s in p.sources)


def test_mue_values_not_in_rules_facts_say_they_are_defaults() -> None:
    p = procedure("97140")
    assert any("bundled default" in s and "CMS" in s for s in p.sources)


TIMED_TABLE = [
    ("97110", True),
    ("97112", True),
    ("97116", True),
    ("97124", True),
    ("97140", True),
    ("97530", True),
    ("97535", True),
    ("97032", True),
    ("97035", True),
    ("97750", True),
    ("97755", True),
    ("97763", True),
    ("97129", True),
    ("97130", True),
    ("97551", True),
    ("97010", False),
    ("97012", False),
    ("97014", False),
    ("G0283", False),
    ("97150", False),
    ("97161", False),
    ("97164", False),
    ("97168", False),
    ("92507", False),
    ("92526", False),
    ("97550", False),
    ("97552", False),
    ("96112", False),
    ("98940", False),
    ("98977", False),
    ("98980", False),
]


@pytest.mark.parametrize(("code", "timed"), TIMED_TABLE, ids=[c for c, _ in TIMED_TABLE])
def test_timed_flags(code: str, timed: bool) -> None:
    # when / then: is_timed and the entry agree with the table
    assert is_timed(code) is timed
    assert procedure(code).timed is timed


def test_timed_codes_count_in_fifteen_minute_units() -> None:
    for p in all_procedures():
        if p.timed:
            assert "15 minutes" in p.unit, p.code


@pytest.mark.parametrize(
    ("code", "elements"),
    [
        pytest.param(
            "97110",
            (
                DocElement.EXERCISE,
                DocElement.PARAMETERS,
                DocElement.TARGET_OUTCOME,
                DocElement.BASELINE_MEASURE,
                DocElement.GOAL,
            ),
            id="therapeutic-exercise",
        ),
        pytest.param(
            "97530",
            (
                DocElement.ACTIVITY,
                DocElement.COMPONENTS,
                DocElement.SKILLED_DIRECTION,
                DocElement.GOAL,
            ),
            id="therapeutic-activities",
        ),
        pytest.param(
            "97124",
            (
                DocElement.TECHNIQUES,
                DocElement.BODY_REGIONS,
                DocElement.TARGET_OUTCOME,
                DocElement.GOAL,
            ),
            id="massage",
        ),
        pytest.param(
            "97140",
            (
                DocElement.TECHNIQUES,
                DocElement.BODY_REGIONS,
                DocElement.TARGET_OUTCOME,
                DocElement.GOAL,
            ),
            id="manual-therapy",
        ),
    ],
)
def test_documentation_elements(code: str, elements: tuple[DocElement, ...]) -> None:
    assert procedure(code).documentation == elements


@pytest.mark.parametrize(
    ("code", "needed"),
    [
        pytest.param("97010", True, id="passive-modality"),
        pytest.param("97035", True, id="attended-modality"),
        pytest.param("97140", True, id="manual-therapy"),
        pytest.param("97530", True, id="therapeutic-activities"),
        pytest.param("97150", True, id="group"),
        pytest.param("97164", True, id="pt-re-eval"),
        pytest.param("97168", True, id="ot-re-eval"),
        pytest.param("97110", False, id="exercise-has-its-target-outcome"),
        pytest.param("97161", False, id="initial-eval"),
    ],
)
def test_needs_justification(code: str, needed: bool) -> None:
    assert procedure(code).needs_justification is needed


@pytest.mark.parametrize(
    ("code", "designation"),
    [
        pytest.param("97110", TherapyDesignation.ALWAYS, id="exercise-always"),
        pytest.param("97010", TherapyDesignation.ALWAYS, id="modality-always"),
        pytest.param("G0283", TherapyDesignation.ALWAYS, id="g0283-always"),
        pytest.param("92507", TherapyDesignation.ALWAYS, id="speech-always"),
        pytest.param("97161", TherapyDesignation.ALWAYS, id="eval-always"),
        pytest.param("98977", TherapyDesignation.SOMETIMES, id="rtm-sometimes"),
        pytest.param("98979", TherapyDesignation.SOMETIMES, id="rtm-new-sometimes"),
        pytest.param("96110", TherapyDesignation.SOMETIMES, id="screening-sometimes"),
        pytest.param("98940", TherapyDesignation.NEVER, id="cmt-never"),
        pytest.param("98942", TherapyDesignation.NEVER, id="cmt-5-never"),
    ],
)
def test_medicare_therapy_designation(code: str, designation: TherapyDesignation) -> None:
    assert procedure(code).medicare_therapy is designation


@pytest.mark.parametrize(
    ("code", "spec"),
    [
        pytest.param("98975", RtmSpec("setup", None, None, None), id="setup"),
        pytest.param(
            "98976", RtmSpec("device_supply", "respiratory", (16, 30), None), id="resp-16"
        ),
        pytest.param("98977", RtmSpec("device_supply", "msk", (16, 30), None), id="msk-16"),
        pytest.param("98978", RtmSpec("device_supply", "cbt", (16, 30), None), id="cbt-16"),
        pytest.param("98984", RtmSpec("device_supply", "respiratory", (2, 15), None), id="resp-2"),
        pytest.param("98985", RtmSpec("device_supply", "msk", (2, 15), None), id="msk-2"),
        pytest.param("98986", RtmSpec("device_supply", "cbt", (2, 15), None), id="cbt-2"),
        pytest.param("98980", RtmSpec("management", None, None, 20), id="mgmt-first-20"),
        pytest.param("98981", RtmSpec("management", None, None, 20), id="mgmt-each-20"),
        pytest.param("98979", RtmSpec("management", None, None, 10), id="mgmt-first-10"),
    ],
)
def test_rtm_tiers(code: str, spec: RtmSpec) -> None:
    assert procedure(code).rtm == spec


def test_only_rtm_codes_have_rtm_facts() -> None:
    rtm_codes = {p.code for p in all_procedures() if p.rtm is not None}
    assert rtm_codes == {
        "98975", "98976", "98977", "98978", "98979",
        "98980", "98981", "98984", "98985", "98986",
    }  # fmt: skip


def test_rtm_add_on_management_unit_starts_with_each() -> None:
    # the scrubber counts add-on management per further block when the unit begins "each"
    assert procedure("98981").unit.startswith("each")
    assert not procedure("98980").unit.startswith("each")


@pytest.mark.parametrize(
    ("code", "discipline"),
    [
        pytest.param("97124", Discipline.MASSAGE, id="massage-by-lmt"),
        pytest.param("98940", Discipline.CHIRO, id="cmt-by-dc"),
        pytest.param("92507", Discipline.SLP, id="speech-by-slp"),
        pytest.param("97165", Discipline.OT, id="ot-eval-by-ot"),
        pytest.param("97161", Discipline.PT, id="pt-eval-by-pt"),
    ],
)
def test_disciplines(code: str, discipline: Discipline) -> None:
    assert discipline in procedure(code).disciplines


def test_lookup_tolerates_case_and_spaces() -> None:
    assert procedure(" g0283 ").code == "G0283"


def test_unknown_code_raises_naming_it() -> None:
    # when / then
    with pytest.raises(UnknownCodeError, match="99213"):
        procedure("99213")
    assert find_procedure("99213") is None
    with pytest.raises(RulesError):
        is_timed("99213")


def _write_with(tmp_path: Path, code: str, **changes: object) -> Path:
    document = json.loads(BUNDLED.read_text("utf-8"))
    for entry in document["procedures"]:
        if entry["code"] == code:
            entry.update(changes)
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


@pytest.mark.parametrize(
    ("code", "changes", "field"),
    [
        pytest.param("97110", {"mue": "6"}, "mue", id="mue-as-text"),
        pytest.param("97110", {"mue": 0}, "mue", id="mue-zero"),
        pytest.param("97110", {"timed": "yes"}, "timed", id="timed-not-bool"),
        pytest.param("97110", {"descriptor": " "}, "descriptor", id="blank-descriptor"),
        pytest.param("97110", {"disciplines": ["PT", "DOCTOR"]}, "disciplines",
                     id="bad-discipline"),
        pytest.param("97110", {"disciplines": []}, "disciplines", id="no-disciplines"),
        pytest.param("97110", {"documentation": ["vibes"]}, "documentation", id="bad-doc-element"),
        pytest.param("97110", {"medicare_therapy": "often"}, "medicare_therapy", id="bad-therapy"),
        pytest.param("97110", {"sources": []}, "sources", id="no-sources"),
        pytest.param("97014", {"medicare_replacement": None}, "medicare_replacement",
                     id="invalid-without-replacement"),
        pytest.param("97014", {"medicare_replacement": "G9999"}, "medicare_replacement",
                     id="replacement-not-in-catalog"),
        pytest.param("98977", {"rtm": {"role": "device_supply", "family": "msk",
                                       "device_days": [30, 16], "management_minutes_floor": None}},
                     "rtm.device_days", id="rtm-days-reversed"),
        pytest.param("98980", {"rtm": {"role": "management", "family": None,
                                       "device_days": None, "management_minutes_floor": None}},
                     "rtm.management_minutes_floor", id="rtm-management-without-floor"),
        pytest.param("98980", {"rtm": {"role": "boss", "family": None,
                                       "device_days": None, "management_minutes_floor": 20}},
                     "rtm.role", id="rtm-bad-role"),
    ],
)  # fmt: skip
def test_bad_entry_refuses_the_file_naming_code_and_field(
    tmp_path: Path, code: str, changes: dict[str, object], field: str
) -> None:
    # given the bundled file with one entry spoiled
    path = _write_with(tmp_path, code, **changes)
    # when / then
    with pytest.raises(CatalogDataError) as caught:
        load_procedures(path)
    assert caught.value.code == code
    assert caught.value.field == field
    assert code in str(caught.value)
    assert field in str(caught.value)


def test_missing_field_is_named(tmp_path: Path) -> None:
    document = json.loads(BUNDLED.read_text("utf-8"))
    del document["procedures"][0]["guidance"]
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(CatalogDataError, match=r"guidance.*missing"):
        load_procedures(path)


def test_repeated_code_is_refused(tmp_path: Path) -> None:
    document = json.loads(BUNDLED.read_text("utf-8"))
    document["procedures"].append(document["procedures"][0])
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(CatalogDataError, match="appears twice"):
        load_procedures(path)


def test_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "procedures.json"
    path.write_text("{", "utf-8")
    with pytest.raises(CatalogDataError, match="not JSON"):
        load_procedures(path)


def test_bundled_file_loads_the_same_as_all_procedures() -> None:
    assert load_procedures(BUNDLED) == all_procedures()


def test_catalog_mue_agrees_with_the_bundled_mue_table() -> None:
    # given the bundled MUE subset the scrubber checks units against
    table = bundled_mue()
    # then every code both carry has the same value, so `codes show` never contradicts a finding
    for p in all_procedures():
        row = table.mue_for(p.code, date(2026, 1, 1))
        if row is not None:
            assert p.mue == row.value, p.code
