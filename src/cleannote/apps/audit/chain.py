"""The hash that links one audit row to the one before it, and the keyed anchor of the head.

The row hashes are plain SHA-256, so anyone can check the links; the head's anchor is an HMAC
under a key kept outside the database (ADR 0211), so someone who can only write the database
cannot rewrite the chain and make the head agree with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

ANCHOR_KIND = "HMAC-SHA256 of the chain head"


def chain_hash(prev_hash: str, canonical_row: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's JSON with sorted keys and no spaces."""
    payload = json.dumps(canonical_row, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _mac(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def head_anchor(key: str, organisation_id: int | None, sequence: int, last_hash: str) -> str:
    """The HMAC that vouches for a chain's head: which chain, how long, and its last hash."""
    chain = "site" if organisation_id is None else f"organisation:{organisation_id}"
    return _mac(key, f"cleannote-audit-head|{chain}|{sequence}|{last_hash}")


def anchor_matches(
    key: str, anchor: str, organisation_id: int | None, sequence: int, last_hash: str
) -> bool:
    expected = head_anchor(key, organisation_id, sequence, last_hash)
    return hmac.compare_digest(anchor, expected)


def key_fingerprint(key: str) -> str:
    """A short name for the key, safe to show: it says which key, not what it is."""
    return _mac(key, "cleannote-audit-key-fingerprint")[:12]


def search_digest(key: str, query: str) -> str:
    """A search's text as a keyed hash: the text may be a patient's name (ADR 0212).

    Case and surrounding or repeated spaces do not matter, so whoever holds the key can check
    whether a given name was searched for.
    """
    normalised = " ".join(query.split()).casefold()
    return _mac(key, f"cleannote-audit-search|{normalised}")
