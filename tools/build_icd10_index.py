"""Regenerate src/cleannote/rules/data/icd10cm_index.tsv.gz from the installed simple-icd-10-cm.

Run after upgrading the library (a new CMS code-set release), then commit the new file:

    .venv/bin/python tools/build_icd10_index.py           # write the bundled index
    .venv/bin/python tools/build_icd10_index.py --check   # exit 1 if it is out of date

The output is deterministic (tree order, 7th-character sets numbered by first use, gzip with no
timestamp), so an unchanged code set gives byte-identical output. Before writing, every code
the library knows is asked about through the new index and the library's public functions, and
any difference stops the build. The format is described in cleannote.rules.icd10_index; why
the index exists is in docs/decisions/0025-icd10-compact-index.md.

The tree is walked through the library's private `_chapter_list`, because its public functions
look codes up by name and so cannot tell a block from the single category that shares its
name (B99); every fact stored is read through the public functions, by name, as
cleannote.rules.icd10 used to read them.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleannote.rules.icd10_index import (
    FORMAT_VERSION,
    INDEX_FILE,
    SEVENTH_SET_PREFIX,
    CodeSpan,
    Excludes1Note,
    Icd10Index,
    IndexSource,
    escape_field,
    format_note,
    header_line,
    parse_index,
)

OUTPUT = Path(__file__).resolve().parent.parent / "src/cleannote/rules/data" / INDEX_FILE
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_CODE_OR_RANGE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?)"
    r"(?:-([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?))?"
)
_EXTENDED = "extended subcategory"
_SAFE_NAME = re.compile(r"[0-9A-Z.-]+")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="compare with --output instead of writing it"
    )
    args = parser.parse_args(argv)
    library = _library()
    text = build_index_text(library)
    verify(parse_index(text, "built index"), library)
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    if args.check:
        current = args.output.read_bytes() if args.output.is_file() else b""
        if current != data:
            print(f"{args.output} is out of date: run tools/build_icd10_index.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.write_bytes(data)
    print(f"wrote {args.output}: {len(data):,} bytes, {text.count(chr(10)):,} lines")
    return 0


def _library() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm.simple_icd_10_cm as library
    return library


def build_index_text(library: Any) -> str:
    source = IndexSource(
        format_version=FORMAT_VERSION,
        library=f"simple-icd-10-cm {importlib.metadata.version('simple-icd-10-cm')}",
        code_list=str(library._all_codes_package_file_name),
        tabular=str(library._classification_data_package_file_name),
    )
    seventh_sets: dict[tuple[tuple[str, str], ...], str] = {}
    rows: list[str] = []
    previous: tuple[Any, int] | None = None
    for node, depth in _walk(library._chapter_list):
        name = str(node.name)
        if previous is not None and previous[0].name == name:
            # The only name shared in the tabular: a block holding one category, then that
            # category. The library answers for the category; the block row only keeps the
            # tree's shape.
            _require(previous[0].type == "section", f"{name} repeats a name that is no block")
            _require(node.parent is previous[0], f"{name} shares a name with another code")
        _require(0 <= depth <= 9, f"{name} is deeper than one digit can say")
        _require(_SAFE_NAME.fullmatch(name) is not None, f"{name!r} is not a name a row can hold")
        seventh = ""
        extended = [child for child in node.children if child.type == _EXTENDED]
        if extended:
            _require(len(extended) == len(node.children), f"{name} mixes kinds of children")
            meanings = tuple(library.get_seven_chr_def(name, search_in_ancestors=True).items())
            set_name = seventh_sets.setdefault(meanings, str(len(seventh_sets) + 1))
            letters = "".join(str(child.name)[-1] for child in extended)
            for child in extended:
                _require(library.is_extended_subcategory(child.name), f"{child.name} is shadowed")
                _require(child.name == _pad(name) + child.name[-1], f"{child.name} is not padded")
            seventh = f"{set_name}:{letters}"
        notes = (_note(str(text)) for text in library.get_excludes1(name))
        fields = [
            str(depth),
            name,
            escape_field(str(library.get_description(name))),
            seventh,
            *(format_note(note) for note in notes if note.spans),
        ]
        rows.append("\t".join(fields))
        previous = (node, depth)
    sets = (
        "\t".join(
            (f"{SEVENTH_SET_PREFIX}{set_name}", *(f"{k}={escape_field(v)}" for k, v in meanings))
        )
        for meanings, set_name in seventh_sets.items()
    )
    return "\n".join((header_line(source), *sets, *rows)) + "\n"


def _walk(nodes: list[Any], depth: int = 0) -> Iterator[tuple[Any, int]]:
    for node in nodes:
        if node.type == _EXTENDED:
            continue
        yield node, depth
        yield from _walk(node.children, depth + 1)


def _require(condition: bool, problem: str) -> None:
    """Asserts vanish under -O; a wrong assumption about the tabular must always stop a build."""
    if not condition:
        raise SystemExit(f"cannot build the ICD-10-CM index: {problem}")


def _pad(code: str) -> str:
    return (code if len(code) > 3 else f"{code}.").ljust(7, "X")


def _note(text: str) -> Excludes1Note:
    """The note and the codes it gives in parentheses; a note naming none cannot be matched."""
    spans: list[CodeSpan] = []
    for inside in _PARENTHESES.findall(text):
        for low, high in _CODE_OR_RANGE.findall(inside):
            first = low.replace(".", "")
            spans.append(CodeSpan(first, high.replace(".", "") if high else first))
    return Excludes1Note(text, tuple(spans))


def verify(index: Icd10Index, library: Any) -> None:
    """Ask the index and the library the same questions about every code; stop on a difference."""
    for code in library.get_all_codes():
        expected: dict[str, object] = {
            "known": True,
            "is_leaf": library.is_leaf(code),
            "is_extended": library.is_extended_subcategory(code),
            "description": library.get_description(code),
            "parent": library.get_parent(code),
            "children": tuple(library.get_children(code)),
            "ancestors": tuple(library.get_ancestors(code)),
            "excludes1": tuple(n for n in map(_note, library.get_excludes1(code)) if n.spans),
        }
        actual: dict[str, object] = {
            "known": index.known(code),
            "is_leaf": index.is_leaf(code),
            "is_extended": index.is_extended(code),
            "description": index.description(code),
            "parent": index.parent(code),
            "children": index.children(code),
            "ancestors": index.ancestors(code),
            "excludes1": index.excludes1(code),
        }
        if library.is_extended_subcategory(code):
            parent = library.get_parent(code)
            expected["seventh"] = library.get_seven_chr_def(parent, search_in_ancestors=True)
            actual["seventh"] = dict(index.seventh_characters(index.parent(code)))
        if len(code) > 2 and code[0].isalpha() and not library.is_extended_subcategory(code):
            expected["leaves"] = tuple(
                c for c in library.get_descendants(code) if library.is_leaf(c)
            )
            actual["leaves"] = index.leaf_descendants(code)
        for key, value in expected.items():
            if actual[key] != value:
                _require(False, f"the index differs from the library at {code} ({key})")


if __name__ == "__main__":
    sys.exit(main())
