"""Validate X12 bytes with pyx12 and return its complaints as plain strings.

pyx12 reports through an error-handler tree; its JSON visitor flattens that tree, and we pick
every `errors` list out of it so a test can `assert errors(data) == []` and see what failed.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pyx12.params
import pyx12.x12n_document


def _collect(node: Any, where: str, found: list[str]) -> None:
    if isinstance(node, dict):
        label = node.get("seg_id") or node.get("trn_set_id") or node.get("fic") or where
        if "cur_line" in node and "seg_id" in node:
            label = f"{node['seg_id']}@{node['cur_line']}"
        for error in node.get("errors", []):
            found.append(f"{label}: {error.get('err_cde')} {error.get('err_str')}")
        for value in node.values():
            if isinstance(value, list):
                for item in value:
                    _collect(item, label, found)


def pyx12_errors(data: bytes) -> list[str]:
    """Every error pyx12 finds in `data` (an 837P 005010X222A1 interchange)."""
    fd_json = io.StringIO()
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    ok = pyx12.x12n_document.x12n_document(
        pyx12.params.params(), io.StringIO(data.decode("ascii")), io.StringIO(), None, None, fd_json
    )
    found: list[str] = []
    _collect(json.loads(fd_json.getvalue() or "{}"), "interchange", found)
    if not ok and not found:
        found.append("pyx12 rejected the document without a specific error")
    return found
