"""The licence the README and the package metadata name is shipped in full, unmodified."""

from __future__ import annotations

import hashlib
import tomllib

from tests.corpus import REPO_ROOT

# The GNU AGPL v3 as the FSF published it (agpl-3.0.txt; md5 73f1eb20517c55bf9493b7dd6e480788).
AGPL_3_SHA256 = "57c8ff33c9c0cfc3ef00e650a1cc910d7ee479a8bc509f6c9209a7c2a11399d6"


def test_the_licence_file_is_the_verbatim_agpl_3():
    text = (REPO_ROOT / "LICENSE").read_bytes()
    assert text.splitlines()[0].strip() == b"GNU AFFERO GENERAL PUBLIC LICENSE"
    assert hashlib.sha256(text).hexdigest() == AGPL_3_SHA256


def test_the_package_and_the_readme_name_that_licence():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "AGPL-3.0-or-later"
    assert "AGPL-3.0-or-later" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
