"""The compact ICD-10-CM index: its header, its refusals, and the tree facts it derives."""

from __future__ import annotations

import pytest

from cleannote.rules.errors import ReferenceDataError, RulesError
from cleannote.rules.icd10_index import (
    FORMAT_VERSION,
    bundled_index,
    escape_field,
    parse_index,
    unescape_field,
)

HEADER = (
    f"#cleannote-icd10cm-index\tformat={FORMAT_VERSION}\tlibrary=test 1\tcode-list=a\ttabular=b"
)
# A chapter, a block, a category with a 7th character (A/D/S) and a block of one category.
TINY = "\n".join(
    (
        HEADER,
        "@1\tA=initial encounter\tD=subsequent encounter\tS=sequela",
        "0\t19\tInjury\t",
        "1\tS10-S19\tInjuries to the neck\t",
        "2\tS13\tSprain of neck\t\tS16;strain of neck (S16.-)",
        "3\tS13.4\tSprain of cervical spine\t1:AD",
        "1\tT07\tUnspecified multiple injuries\t",
        "2\tT07\tUnspecified multiple injuries\t1:A",
    )
)


def test_bundled_index_names_its_source_and_holds_the_code_set() -> None:
    # given / when
    index = bundled_index()
    # then
    assert index.source.format_version == FORMAT_VERSION
    assert index.source.library.startswith("simple-icd-10-cm ")
    assert index.source.tabular.endswith(".xml")
    assert len(index) > 40_000
    assert index.known("S13.4XXA")
    assert not index.known("S13.4XXZ")


def test_seven_character_codes_are_derived_not_stored() -> None:
    # given
    index = parse_index(TINY, "tiny")
    # when / then
    assert index.children("S13.4") == ("S13.4XXA", "S13.4XXD")
    assert index.is_extended("S13.4XXD")
    assert not index.known("S13.4XXS")  # in the set, but not allowed on this code
    assert index.description("S13.4XXA") == "Sprain of cervical spine, initial encounter"
    assert index.ancestors("S13.4XXA") == ("S13.4", "S13", "S10-S19", "19")
    assert index.leaf_descendants("S10-S19") == ("S13.4XXA", "S13.4XXD")
    assert index.excludes1("S13")[0].text == "strain of neck (S16.-)"
    assert index.excludes1("S13")[0].spans[0].covers("S161XXA")


def test_a_block_and_its_single_category_share_a_name_and_the_category_answers() -> None:
    # given
    index = parse_index(TINY, "tiny")
    # when / then: as in the library, the name means the category, whose parent is the block
    assert index.parent("T07") == "T07"
    assert index.children("T07") == ("T07.XXXA",)
    assert index.ancestors("T07.XXXA") == ("T07", "T07", "19")


BAD_INDEXES = [
    ("empty", "", 1),
    ("wrong-magic", "#something-else\tformat=1\n0\t1\tx\t", 1),
    ("newer-format", HEADER.replace(f"format={FORMAT_VERSION}", "format=99"), 1),
    ("bad-seventh-set", f"{HEADER}\n@1\tAinitial\n0\t1\tx\t", 2),
    ("depth-jump", f"{HEADER}\n0\t1\tx\t\n2\tA00\ty\t", 3),
    ("missing-columns", f"{HEADER}\n0\t1\tx", 2),
]


@pytest.mark.parametrize(
    ("text", "line"), [case[1:] for case in BAD_INDEXES], ids=[case[0] for case in BAD_INDEXES]
)
def test_parse_index_refuses_a_bad_file_naming_the_line(text: str, line: int) -> None:
    # given / when
    with pytest.raises(ReferenceDataError) as raised:
        parse_index(text, "icd10cm_index.tsv")
    # then
    assert raised.value.path == "icd10cm_index.tsv"
    assert raised.value.line == line


def test_asking_about_a_code_the_index_lacks_raises_a_rules_error() -> None:
    # given / when / then
    with pytest.raises(RulesError, match=r"'M54\.99' is not in the ICD-10-CM index"):
        bundled_index().description("M54.99")


@pytest.mark.parametrize(
    "text",
    ["plain", "tab\there", "line\nbreak", "back\\slash", "\\t literally"],
    ids=["plain", "tab", "newline", "backslash", "escape-lookalike"],
)
def test_escaped_fields_round_trip(text: str) -> None:
    # given / when
    escaped = escape_field(text)
    # then
    assert "\t" not in escaped
    assert "\n" not in escaped
    assert unescape_field(escaped) == text
