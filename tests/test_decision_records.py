"""Decision records: each says whether it stands, and every reference to one names a record.

A record's third line is its status: `Status: accepted (issue N)` (optionally `; refined by
NNNN` and so on) or `Status: superseded by NNNN`. A record that was only a speed changelog was
folded into the decision it refined and deleted, so a reference to its number would lead
nowhere: this test finds every `ADR NNNN`, `decision NNNN` and `decisions/NNNN` in the sources,
tests, benchmarks, tools and docs and requires the record to exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DECISIONS = REPO / "docs" / "decisions"
SEARCHED = ("src", "tests", "benchmarks", "tools", "docs", "examples")
SEARCHED_FILES = ("README.md", "DEVELOPERS.md", "Makefile")
SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".ini", ".json", ".yaml", ".yml"}

STATUS = re.compile(r"^Status: (accepted \(issue \d+[^)]*\)|superseded by \d{4})")
# "ADR 0130", "ADRs 0220, 0221 and 0214", "decision 0050", "decisions/0160-0162".
REFERENCE = re.compile(
    r"\b(?:ADRs?|[Dd]ecisions?)[ /](\d{4}(?:(?:, | and |-|–)\d{4})*)",
)
NUMBER = re.compile(r"\d{4}")
LATER_BY = re.compile(r"\bby ((?:\d{4}(?:, | and )?)+)")


def records() -> dict[str, Path]:
    return {path.name[:4]: path for path in sorted(DECISIONS.glob("*.md"))}


def referenced_numbers(text: str) -> list[str]:
    return [number for match in REFERENCE.finditer(text) for number in NUMBER.findall(match[1])]


def searched_files() -> list[Path]:
    files = [REPO / name for name in SEARCHED_FILES if (REPO / name).is_file()]
    for folder in SEARCHED:
        files += [
            path
            for path in (REPO / folder).rglob("*")
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts
        ]
    return sorted(files)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("see ADR 0130 for the budget", ["0130"]),
        ("ADRs 0220, 0221 and 0214", ["0220", "0221", "0214"]),
        ("(decision 0050)", ["0050"]),
        ("See docs/decisions/0160-0162.", ["0160", "0162"]),
        ("ADR 0210, 0211", ["0210", "0211"]),
        # near misses: a phone number, a year, a port
        ("case.attorney_phone = '217-555-0142'", []),
        ("in 2026 the decision was made", []),
        ("127.0.0.1:5432", []),
    ],
)
def test_reference_pattern(text: str, numbers: list[str]) -> None:
    assert referenced_numbers(text) == numbers


def test_record_names_and_titles_agree() -> None:
    found = records()
    assert len(found) >= 50
    names = [path.name[:4] for path in DECISIONS.glob("*.md")]
    assert len(names) == len(set(names)), "two records share a number"
    for number, path in found.items():
        assert re.fullmatch(r"\d{4}-[a-z0-9-]+\.md", path.name), path.name
        title = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert title.startswith(f"# {number}"), f"{path.name}: title {title!r}"


@pytest.mark.parametrize("path", sorted(DECISIONS.glob("*.md")), ids=lambda p: p.name[:4])
def test_every_record_has_a_status_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[1] == "", f"{path.name}: line 2 must be blank"
    status = lines[2]
    assert STATUS.match(status), (
        f"{path.name}: line 3 must be 'Status: accepted (issue N)...' or "
        f"'Status: superseded by NNNN', not {status!r}"
    )
    known = records()
    own = path.name[:4]
    for number in NUMBER.findall(status.split(")", 1)[-1]):
        assert number in known, f"{path.name}: its status names {number}, which is no record"
    for group in LATER_BY.findall(status):
        for number in NUMBER.findall(group):
            assert number > own, f"{path.name}: refined or superseded by an earlier record {number}"


def test_every_reference_names_an_existing_record() -> None:
    known = records()
    dangling = []
    for path in searched_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for line_number, line in enumerate(text.splitlines(), 1):
            for number in referenced_numbers(line):
                if number not in known:
                    where = path.relative_to(REPO)
                    dangling.append(f"{where}:{line_number}: {number}")
    assert not dangling, "references to records that do not exist:\n" + "\n".join(dangling)
