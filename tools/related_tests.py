"""Run the tests related to the files given (the pre-commit hook passes the staged files).

The mapping follows the layout: a test file runs itself, a helper under tests/ runs its folder,
`src/cleannote/apps/<app>/...` runs `tests/apps/<app>/`, `src/cleannote/<package>/<sub>/...`
runs `tests/<package>/<sub>/` (or `tests/<package>/`), `src/cleannote/<module>.py` runs
`tests/test_<module>.py`, and a decision record runs `tests/test_decision_records.py`.
Browser tests are left out (`-m "not browser"`); they need Chromium and take minutes.

    python tools/related_tests.py FILE ...        # run them
    python tools/related_tests.py --list FILE ... # only print the targets
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
SRC = REPO / "src" / "cleannote"


def targets_for(path: Path) -> list[Path]:
    """The test files or folders that cover one changed file (repository-relative path)."""
    full = REPO / path
    parts = path.parts
    if parts[:1] == ("tests",):
        if path.suffix != ".py":
            return [full.parent]
        if path.name.startswith("test_"):
            return [full] if full.exists() else []
        return [full.parent]
    if parts[:1] == ("docs",) and "decisions" in parts:
        return [TESTS / "test_decision_records.py"]
    if parts[:2] != ("src", "cleannote") or len(parts) < 3:
        return []
    inner = parts[2:]
    if len(inner) == 1:
        module_test = TESTS / f"test_{Path(inner[0]).stem}.py"
        return [module_test] if module_test.exists() else []
    if inner[0] == "apps":
        candidates = [TESTS / "apps" / inner[1]] if len(inner) > 2 else []
    else:
        candidates = [TESTS / inner[0] / inner[1], TESTS / inner[0]] if len(inner) > 2 else []
        candidates.append(TESTS / inner[0])
    for candidate in candidates:
        if candidate.is_dir():
            return [candidate]
    return []


def related(paths: list[str]) -> list[Path]:
    """Targets for all the files, with any target inside another one dropped."""
    found = {target for name in paths for target in targets_for(Path(name))}
    return sorted(target for target in found if not any(other in target.parents for other in found))


def main(argv: list[str]) -> int:
    only_list = bool(argv) and argv[0] == "--list"
    names = argv[1:] if only_list else argv
    targets = [str(target.relative_to(REPO)) for target in related(names)]
    if only_list:
        print("\n".join(targets))
        return 0
    if not targets:
        print("no tests relate to these files")
        return 0
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"]
    command += ["-m", "not browser", *targets]
    return subprocess.call(command, cwd=REPO)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
