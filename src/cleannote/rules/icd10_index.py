"""The ICD-10-CM code set as a small bundled index, so checks need neither seconds nor 190 MB.

`simple-icd-10-cm` parses a 10 MB XML tabular into ~98,000 objects on import (4-6 s, ~190 MB
of RSS). `cleannote.rules.icd10` needs only a sliver of it: the tree, descriptions, which codes
take a 7th character and what the letters mean, and the Excludes1 notes that name codes. The
dev script `tools/build_icd10_index.py` extracts that sliver from the installed library into
data/icd10cm_index.tsv.gz; this module reads it on first use (well under a second) and keeps
rows as raw strings, splitting one only when asked about it. A parity test checks answers
against the library. See docs/decisions/0025-icd10-compact-index.md.

File format (UTF-8 text, gzip'd; fields separated by tabs; tabs, newlines and backslashes
inside a field are written as the escapes \\t, \\n and \\\\):

- line 1, the header: `#cleannote-icd10cm-index`, then `format=1`, `library=<name version>`,
  `code-list=<file>`, `tabular=<file>` (the CMS release files the library bundles);
- `@<set>` lines: a 7th-character definition, then one `<letter>=<meaning>` field per letter;
- node lines, the tabular tree in its own order (depth first):
  `<depth>  <code>  <description>  <7th>  <note>...`, where depth is 0 for a chapter, `<7th>`
  is `<set>:<letters>` on a code whose billable children are itself plus a 7th character
  (those 7-character codes are not stored, they are derived), and each `<note>` is an
  Excludes1 note that names codes in parentheses, as `<spans>;<text>` with spans
  space-separated, each `LOW` (that code and all below it) or `LOW-HIGH`, without dots.

A block that holds a single category carries that category's name (B99); the library answers
for the category under that name, and so does this index. Codes are asked about in the form
`cleannote.rules.icd10.normalize` gives them.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from cleannote.rules.errors import ReferenceDataError, RulesError

INDEX_FILE = "icd10cm_index.tsv.gz"
FORMAT_VERSION = 1
MAGIC = "#cleannote-icd10cm-index"
SEVENTH_SET_PREFIX = "@"
# A row more than one level below the row before it: the tree order the reader relies on is broken.
_DEPTH_JUMP = re.compile("0[2-9]|1[3-9]|2[4-9]|3[5-9]|4[6-9]|5[7-9]|6[89]|78")
_EXTENDED_LENGTH = 8  # "S13.4XXA": category, dot, 3 characters padded with X, 7th character
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n"}


class UnknownIcd10CodeError(RulesError):
    """A question about a code the index does not hold: the caller should have asked `known`."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not in the ICD-10-CM index ({INDEX_FILE})")
        self.code = code


@dataclass(frozen=True, slots=True)
class IndexSource:
    """Where the index came from, so a stale index is visible (`cleannote icd` can show it)."""

    format_version: int
    library: str
    code_list: str
    tabular: str


@dataclass(frozen=True, slots=True)
class CodeSpan:
    """Codes a note names: one code and all below it (M51.2-), or a range (P10-P15)."""

    low: str
    high: str

    def covers(self, bare: str) -> bool:
        """`bare` is a code without its dot; a span covers the codes that start within it."""
        return self.low <= bare[: len(self.low)] and bare[: len(self.high)] <= self.high


@dataclass(frozen=True, slots=True)
class Excludes1Note:
    text: str
    spans: tuple[CodeSpan, ...]


def escape_field(text: str) -> str:
    """How the builder writes free text so it can never break a line or a column."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape_field(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        out.append(_UNESCAPES.get(next(chars, "\\"), "\\") if char == "\\" else char)
    return "".join(out)


def format_note(note: Excludes1Note) -> str:
    spans = " ".join(s.low if s.low == s.high else f"{s.low}-{s.high}" for s in note.spans)
    return f"{spans};{escape_field(note.text)}"


def header_line(source: IndexSource) -> str:
    return "\t".join(
        (
            MAGIC,
            f"format={source.format_version}",
            f"library={source.library}",
            f"code-list={source.code_list}",
            f"tabular={source.tabular}",
        )
    )


class Icd10Index:
    """The tree and the facts `cleannote.rules.icd10` asks about, answered as the library would.

    Rows stay the raw lines of the file; only a code -> row dict and a string of depths are built
    at load, so the whole code set costs a few MB. The 7-character codes (half the code set)
    are never materialised: they are the stored code, padded with X, plus an allowed letter.
    """

    __slots__ = ("_depths", "_position", "_rows", "_seventh_sets", "source")

    def __init__(
        self,
        source: IndexSource,
        rows: list[str],
        seventh_sets: dict[str, dict[str, str]],
        where: str,
        first_line: int = 1,
    ) -> None:
        self.source = source
        self._rows = rows
        self._seventh_sets = seventh_sets
        # One character per row: parents and subtrees are then found by str.find/rfind, in C,
        # instead of building a parent table in Python at load.
        self._depths = "".join([row[:1] for row in rows])
        bad = next(
            (n for n, row in enumerate(rows) if row[1:2] != "\t" or row.count("\t") < 3), None
        )
        if bad is None and not (self._depths.isdigit() and self._depths.startswith("0")):
            bad = 0
        jump = _DEPTH_JUMP.search(self._depths)
        if bad is None and jump is not None:
            bad = jump.start() + 1
        if bad is not None:
            raise ReferenceDataError(where, first_line + bad, "node row unreadable or misplaced")
        codes = [row[2 : row.index("\t", 2)] for row in rows]
        # A later row of the same name is the single category of a block: it wins.
        self._position = dict(zip(codes, range(len(rows)), strict=True))

    def __len__(self) -> int:
        """Stored rows: chapters, blocks, categories and subcategories, not 7-character codes."""
        return len(self._rows)

    def known(self, code: str) -> bool:
        return code in self._position or self._extended(code) is not None

    def is_extended(self, code: str) -> bool:
        """True for a code made of a stored code and its 7th character (S13.4XXA)."""
        return code not in self._position and self._extended(code) is not None

    def is_leaf(self, code: str) -> bool:
        number = self._stored_row(code)
        if number is None:
            return True
        return not self._field(number, 3) and not self._has_child_rows(number)

    def description(self, code: str) -> str:
        number = self._position.get(code)
        if number is not None:
            return self._field(number, 2)
        stem, letter = self._require_extended(code)
        meaning = self._seventh_characters_at(stem)[letter]
        return f"{self._field(stem, 2)}, {meaning}"

    def parent(self, code: str) -> str:
        """The parent's name, "" for a chapter."""
        number = self._position.get(code)
        if number is None:
            return self._name(self._require_extended(code)[0])
        parent = self._parent_of(number)
        return self._name(parent) if parent >= 0 else ""

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Names from the parent up to the chapter."""
        number = self._position.get(code)
        names: list[str] = []
        if number is None:
            number = self._require_extended(code)[0]
            names.append(self._name(number))
        number = self._parent_of(number)
        while number >= 0:
            names.append(self._name(number))
            number = self._parent_of(number)
        return tuple(names)

    def children(self, code: str) -> tuple[str, ...]:
        number = self._stored_row(code)
        if number is None:
            return ()
        if self._field(number, 3):
            return self._extended_children(number)
        below, end = str(int(self._depths[number]) + 1), self._subtree(number).stop
        names: list[str] = []
        child = self._depths.find(below, number + 1, end)
        while child >= 0:
            names.append(self._name(child))
            child = self._depths.find(below, child + 1, end)
        return tuple(names)

    def leaf_descendants(self, code: str) -> tuple[str, ...]:
        """Billable codes below `code`, in tabular order."""
        number = self._stored_row(code)
        if number is None:
            return ()
        leaves: list[str] = []
        for n in (number, *self._subtree(number)):
            if self._field(n, 3):
                leaves.extend(self._extended_children(n))
            elif n != number and not self._has_child_rows(n):
                leaves.append(self._name(n))
        return tuple(leaves)

    def seventh_characters(self, code: str) -> Mapping[str, str]:
        """Letter -> meaning for a code whose billable children add a 7th character, else {}."""
        number = self._position.get(code)
        return self._seventh_characters_at(number) if number is not None else {}

    def excludes1(self, code: str) -> tuple[Excludes1Note, ...]:
        """The code's own Excludes1 notes that name codes (not its ancestors')."""
        number = self._stored_row(code)
        if number is None:
            return ()
        fields = self._rows[number].split("\t")[4:]
        return tuple(_parse_note(field) for field in fields)

    # --- rows --------------------------------------------------------------------------------

    def _field(self, number: int, column: int) -> str:
        """Column 0 is the depth, 1 the code, 2 the description, 3 the 7th characters."""
        return unescape_field(self._rows[number].split("\t", column + 1)[column])

    def _name(self, number: int) -> str:
        row = self._rows[number]
        return row[2 : row.index("\t", 2)]

    def _parent_of(self, number: int) -> int:
        """The nearest row above at one level up (-1 for a chapter): rows are in tree order."""
        depth = int(self._depths[number])
        return self._depths.rfind(str(depth - 1), 0, number) if depth else -1

    def _has_child_rows(self, number: int) -> bool:
        return self._depths[number + 1 : number + 2] > self._depths[number]

    def _subtree(self, number: int) -> range:
        """Rows below `number`: up to the next row at its level or above."""
        depth = int(self._depths[number])
        ends = (self._depths.find(str(d), number + 1) for d in range(depth + 1))
        return range(number + 1, min((end for end in ends if end >= 0), default=len(self._rows)))

    def _seventh_characters_at(self, number: int) -> Mapping[str, str]:
        seventh = self._field(number, 3)
        return self._seventh_sets[seventh.split(":")[0]] if seventh else {}

    def _extended_children(self, number: int) -> tuple[str, ...]:
        padded = _pad(self._name(number))
        return tuple(padded + letter for letter in self._field(number, 3).split(":")[1])

    def _extended(self, code: str) -> tuple[int, str] | None:
        """The stored code and letter a 7-character code is made of, if it is one."""
        if len(code) != _EXTENDED_LENGTH or code[3] != ".":
            return None
        padded, letter = code[:-1], code[-1]
        stem = padded
        while True:
            number = self._position.get(stem.rstrip("."))
            if number is not None and _pad(self._name(number)) == padded:
                seventh = self._field(number, 3)
                if seventh and letter in seventh.split(":")[1]:
                    return number, letter
            if not stem.endswith("X"):
                return None
            stem = stem[:-1]

    def _stored_row(self, code: str) -> int | None:
        """The row of a stored code; None for a 7-character code, which has no row of its own
        (it is its stem's row and a 7th character); UnknownIcd10CodeError for any other."""
        number = self._position.get(code)
        if number is None:
            self._require_extended(code)
        return number

    def _require_extended(self, code: str) -> tuple[int, str]:
        found = self._extended(code)
        if found is None:
            raise UnknownIcd10CodeError(code)
        return found


def _pad(code: str) -> str:
    """S13.4 -> S13.4XX: the placeholder X fills the code to six characters before the 7th."""
    return (code if len(code) > 3 else f"{code}.").ljust(_EXTENDED_LENGTH - 1, "X")


def _parse_note(field: str) -> Excludes1Note:
    spans, text = field.split(";", 1)
    parsed = []
    for span in spans.split(" "):
        low, _, high = span.partition("-")
        parsed.append(CodeSpan(low, high or low))
    return Excludes1Note(unescape_field(text), tuple(parsed))


def parse_index(text: str, where: str) -> Icd10Index:
    """An index from the file's text; a wrong header or format version is refused whole."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise ReferenceDataError(where, 1, "empty ICD-10-CM index")
    source = _parse_header(lines[0], where)
    seventh_sets: dict[str, dict[str, str]] = {}
    first_row = 1
    while first_row < len(lines) and lines[first_row].startswith(SEVENTH_SET_PREFIX):
        name, *letters = lines[first_row][1:].split("\t")
        if not letters or any(len(item) < 2 or item[1] != "=" for item in letters):
            raise ReferenceDataError(where, first_row + 1, "unreadable 7th-character set")
        seventh_sets[name] = {item[0]: unescape_field(item[2:]) for item in letters}
        first_row += 1
    return Icd10Index(source, lines[first_row:], seventh_sets, where, first_row + 1)


def _parse_header(line: str, where: str) -> IndexSource:
    magic, *pairs = line.split("\t")
    fields = dict(pair.partition("=")[::2] for pair in pairs)
    if magic != MAGIC or fields.get("format") != str(FORMAT_VERSION):
        raise ReferenceDataError(
            where, 1, f"not an ICD-10-CM index of format {FORMAT_VERSION}: {line[:80]!r}"
        )
    return IndexSource(
        format_version=FORMAT_VERSION,
        library=fields.get("library", ""),
        code_list=fields.get("code-list", ""),
        tabular=fields.get("tabular", ""),
    )


def read_index(path: Path) -> Icd10Index:
    """An index from a gzip'd file the caller names (the builder's output, before bundling)."""
    return parse_index(gzip.decompress(path.read_bytes()).decode("utf-8"), str(path))


@cache
def bundled_index() -> Icd10Index:
    """The index shipped in cleannote/rules/data, read once per process on first use."""
    data = resources.files("cleannote.rules.data").joinpath(INDEX_FILE).read_bytes()
    return parse_index(gzip.decompress(data).decode("utf-8"), f"cleannote/rules/data/{INDEX_FILE}")
