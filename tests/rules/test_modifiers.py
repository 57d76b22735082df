"""The modifier catalog and the mappings the modifier engine relies on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleannote.rules.catalog_entries import CatalogDataError
from cleannote.rules.errors import RulesError
from cleannote.rules.modifiers import (
    ASSISTANT_MODIFIER,
    DISCIPLINE_MODIFIER,
    NCCI_BYPASS_MODIFIERS,
    ModifierKind,
    UnknownModifierError,
    all_modifiers,
    load_modifiers,
    modifier,
)
from cleannote.rules.visit import Discipline

BUNDLED = Path(__file__).parents[2] / "src/cleannote/rules/data/modifiers.json"

KIND_TABLE = [
    ("GP", ModifierKind.DISCIPLINE),
    ("GO", ModifierKind.DISCIPLINE),
    ("GN", ModifierKind.DISCIPLINE),
    ("CQ", ModifierKind.ASSISTANT),
    ("CO", ModifierKind.ASSISTANT),
    ("59", ModifierKind.NCCI_BYPASS),
    ("XE", ModifierKind.NCCI_BYPASS),
    ("XS", ModifierKind.NCCI_BYPASS),
    ("XP", ModifierKind.NCCI_BYPASS),
    ("XU", ModifierKind.NCCI_BYPASS),
    ("KX", ModifierKind.THRESHOLD),
    ("GA", ModifierKind.LIABILITY),
    ("GY", ModifierKind.LIABILITY),
    ("GZ", ModifierKind.LIABILITY),
    ("AT", ModifierKind.CHIROPRACTIC),
    ("25", ModifierKind.EVALUATION),
    ("52", ModifierKind.REDUCED),
    ("76", ModifierKind.REPEAT),
    ("77", ModifierKind.REPEAT),
    ("NU", ModifierKind.DME),
    ("RR", ModifierKind.DME),
    ("KH", ModifierKind.DME),
    ("KI", ModifierKind.DME),
    ("KJ", ModifierKind.DME),
]


@pytest.mark.parametrize(("code", "kind"), KIND_TABLE, ids=[c for c, _ in KIND_TABLE])
def test_each_listed_modifier_has_its_kind(code: str, kind: ModifierKind) -> None:
    # when
    m = modifier(code)
    # then
    assert m.code == code
    assert m.kind is kind
    assert m.meaning.strip()
    assert m.applies_when.strip()
    assert m.sources


def test_catalog_holds_exactly_the_listed_modifiers() -> None:
    assert [m.code for m in all_modifiers()] == [c for c, _ in KIND_TABLE]


def test_discipline_modifiers() -> None:
    assert DISCIPLINE_MODIFIER == {Discipline.PT: "GP", Discipline.OT: "GO", Discipline.SLP: "GN"}
    assert all(modifier(c).kind is ModifierKind.DISCIPLINE for c in DISCIPLINE_MODIFIER.values())


def test_assistant_modifiers_have_none_for_slp() -> None:
    assert ASSISTANT_MODIFIER == {Discipline.PT: "CQ", Discipline.OT: "CO"}
    assert Discipline.SLP not in ASSISTANT_MODIFIER
    assert all(modifier(c).kind is ModifierKind.ASSISTANT for c in ASSISTANT_MODIFIER.values())


def test_ncci_bypass_set_matches_the_catalog() -> None:
    in_catalog = {m.code for m in all_modifiers() if m.kind is ModifierKind.NCCI_BYPASS}
    assert frozenset({"59", "XE", "XS", "XP", "XU"}) == NCCI_BYPASS_MODIFIERS == in_catalog


def test_lookup_tolerates_case() -> None:
    assert modifier("gp").code == "GP"


def test_unknown_modifier_raises_a_rules_error_naming_it() -> None:
    with pytest.raises(UnknownModifierError, match="'ZZ'"):
        modifier("ZZ")
    assert issubclass(UnknownModifierError, RulesError)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"kind": "magic"}, "kind", id="bad-kind"),
        pytest.param({"meaning": ""}, "meaning", id="blank-meaning"),
        pytest.param({"sources": "CMS"}, "sources", id="sources-not-a-list"),
        pytest.param({"code": "GPX"}, "code", id="code-too-long"),
    ],
)
def test_bad_entry_refuses_the_file(tmp_path: Path, changes: dict[str, object], field: str) -> None:
    # given the bundled file with its first entry spoiled
    document = json.loads(BUNDLED.read_text("utf-8"))
    document["modifiers"][0].update(changes)
    path = tmp_path / "modifiers.json"
    path.write_text(json.dumps(document), "utf-8")
    # when / then
    with pytest.raises(CatalogDataError) as caught:
        load_modifiers(path)
    assert caught.value.field == field
