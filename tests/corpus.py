"""Where the shared sample corpus is, and what a test does when it is not there.

The public X12 samples are not in the repository; they sit beside the clone, at
`<repo>/../shared/corpus`, on a developer's machine and in CI alike. This module is the one
place that knows that path. A test that needs the corpus calls `corpus_path()`: on a
developer's machine without the corpus it is skipped, with the path it looked for; in CI
(`CI=true`, which `.ci/run` exports) it fails instead, so a missing corpus can never turn a
green run into a run that tested nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
# What `corpus_files` lists when there is no corpus, so that one test still runs and says so.
MISSING = "<corpus missing>"


def in_ci() -> bool:
    """True when the suite runs in CI (`CI=true`, `CI=1`, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing_corpus_message(path: Path) -> str:
    return (
        f"the shared sample corpus is not at {path} "
        "(it belongs beside the clone: <repo>/../shared/corpus)"
    )


def corpus_path(*parts: str) -> Path:
    """`CORPUS / parts`, or skip the test (fail it in CI) when that file or folder is missing."""
    path = CORPUS if parts == (MISSING,) else CORPUS.joinpath(*parts)
    if not path.exists():
        if in_ci():
            pytest.fail(missing_corpus_message(path), pytrace=False)
        pytest.skip(missing_corpus_message(path))
    return path


def corpus_files(*kinds: str) -> list[str]:
    """`kind/name` of every file in the given corpus folders, for `parametrize`.

    When the corpus is missing this returns one placeholder name instead of an empty list: an
    empty parameter set would be skipped before any fixture runs, and in CI that skip must be
    a failure. The placeholder's test calls `corpus_path`, which skips or fails it.
    """
    if not CORPUS.is_dir():
        return [MISSING]
    return sorted(f"{kind}/{path.name}" for kind in kinds for path in (CORPUS / kind).iterdir())
