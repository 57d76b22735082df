"""The shared corpus is found relative to the repository, and its absence fails CI loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tests.corpus
from tests.corpus import MISSING, REPO_ROOT, corpus_files, corpus_path

# An absolute path on one machine (quoted, under /work, /home and the like), read or written.
MACHINE_PATH = re.compile(r"""["'`](?:/work|/home|/Users|/root|/mnt|/srv)/""")
SCANNED = ("src", "tests", "benchmarks", "tools", "docs", "examples", ".ci", "Makefile")


@pytest.fixture
def no_corpus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tests.corpus, "CORPUS", tmp_path / "shared" / "corpus")


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_a_missing_corpus_fails_in_ci(no_corpus, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"not at .*shared/corpus/270"):
        corpus_path("270")


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_a_missing_corpus_skips_on_a_developer_machine(no_corpus, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"not at .*shared/corpus/270"):
        corpus_path("270")


def test_a_missing_corpus_still_yields_one_test_to_fail(no_corpus):
    # An empty parameter list would be skipped before corpus_path could fail it.
    assert corpus_files("835", "271") == [MISSING]


def test_the_placeholder_names_the_corpus_folder(no_corpus, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"not at \S*shared/corpus \(it belongs"):
        corpus_path(MISSING)


def test_the_corpus_sits_beside_the_clone():
    assert REPO_ROOT.parent / "shared" / "corpus" == tests.corpus.CORPUS
    assert (REPO_ROOT / "pyproject.toml").is_file()


def test_nothing_in_the_repository_names_a_path_on_one_machine():
    offenders = []
    for top in SCANNED:
        root = REPO_ROOT / top
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            if path.suffix in (".pyc", ".sqlite3", ".pdf", ".gz") or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if MACHINE_PATH.search(line) and path != Path(__file__):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert offenders == []
