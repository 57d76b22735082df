"""tools/related_tests.py (the pre-commit hook): which tests a staged file runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("related_tests", REPO / "tools" / "related_tests.py")
assert _spec is not None
assert _spec.loader is not None
related_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(related_tests)


@pytest.mark.parametrize(
    ("staged", "expected"),
    [
        (["src/cleannote/apps/claims/views.py"], ["tests/apps/claims"]),
        (["src/cleannote/rules/scrub/checks_dates.py"], ["tests/rules/scrub"]),
        (["src/cleannote/rules/units.py"], ["tests/rules"]),
        (["src/cleannote/edi/tokenizer.py"], ["tests/edi"]),
        (["src/cleannote/private_files.py"], ["tests/test_private_files.py"]),
        (["docs/decisions/0050-x12-readers-all-or-nothing.md"], ["tests/test_decision_records.py"]),
        (["tests/edi/test_segment_batches.py"], ["tests/edi/test_segment_batches.py"]),
        # a helper runs its folder; a target inside a chosen folder is not run twice
        (["tests/apps/x12_files.py", "tests/apps/claims/test_batches.py"], ["tests/apps"]),
        (
            ["src/cleannote/rules/units.py", "src/cleannote/rules/scrub/checks_dates.py"],
            ["tests/rules"],
        ),
        # near misses: files no test covers
        (["README.md"], []),
        (["src/cleannote/not_a_module.py"], []),
    ],
)
def test_staged_files_map_to_their_tests(staged: list[str], expected: list[str]) -> None:
    found = [str(target.relative_to(REPO)) for target in related_tests.related(staged)]
    assert found == expected
