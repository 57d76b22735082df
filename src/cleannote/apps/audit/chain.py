"""The hash that links one audit row to the one before it."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def chain_hash(prev_hash: str, canonical_row: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's JSON with sorted keys and no spaces."""
    payload = json.dumps(canonical_row, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()
