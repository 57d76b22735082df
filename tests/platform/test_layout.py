"""What import-linter cannot say about the apps' layout (docs/architecture.md, ADR 0401)."""

from __future__ import annotations

import ast
from pathlib import Path

import cleannote.apps

APPS = Path(cleannote.apps.__file__).parent


def _foreign_private_imports(root: Path) -> list[str]:
    """`from cleannote.apps.<other>… import _name` (or `import cleannote.apps.<other>._mod`) in
    an app that is not <other>."""
    found = []
    for path in sorted(root.rglob("*.py")):
        own = path.relative_to(root).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [(node.module, [alias.name for alias in node.names])]
            elif isinstance(node, ast.Import):
                modules = [(alias.name, []) for alias in node.names]
            else:
                continue
            for module, names in modules:
                parts = module.split(".")
                if parts[:2] != ["cleannote", "apps"] or len(parts) < 3 or parts[2] == own:
                    continue
                private = [p for p in parts[3:] + names if p.startswith("_")]
                if private:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    found.append(f"{where} imports {module}: {', '.join(private)}")
    return found


def test_no_app_imports_a_private_name_of_another():
    assert _foreign_private_imports(APPS) == []


def test_the_check_finds_a_private_import(tmp_path):
    # given one app importing another's private helper, and one importing its own
    (tmp_path / "eligibility").mkdir()
    (tmp_path / "eligibility" / "actions.py").write_text(
        "from cleannote.apps.claims.actions import _next_control_number, do_thing\n"
        "from cleannote.apps.eligibility.models import _own\n"
    )
    # then only the foreign one is reported
    assert _foreign_private_imports(tmp_path) == [
        "eligibility/actions.py:1 imports cleannote.apps.claims.actions: _next_control_number"
    ]
