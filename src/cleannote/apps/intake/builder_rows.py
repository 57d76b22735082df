"""The builder page's rows of inputs, read into field definitions and written back (ADR 0960).

The page shows one row per field (label, type, required, choices one per line, scale ends, the
chart field it fills) and a few blank rows to add more; a row with no label is left out. A
field keeps its key across versions (a hidden input), so answers to two versions line up; a new
field's key is made from its label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cleannote.apps.intake.form_fields import FieldSpec

BLANK_ROWS = 3
MAX_ROWS = 60
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def key_from_label(label: str, taken: set[str]) -> str:
    base = _NOT_KEY.sub("_", label.lower()).strip("_")[:32] or "field"
    if not base[0].isalpha():
        base = f"f_{base}"[:32]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def rows_from_post(data: Mapping[str, str], count: int) -> list[dict[str, object]]:
    """The posted rows as field JSON for `form_fields.read_fields`, in the order given."""
    rows: list[tuple[int, int, dict[str, object]]] = []
    taken: set[str] = set()
    for n in range(min(count, MAX_ROWS)):
        label = " ".join(data.get(f"label-{n}", "").split())
        if not label:
            continue
        key = data.get(f"key-{n}", "").strip()
        try:
            order = int(data.get(f"order-{n}", "") or n + 1)
        except ValueError:
            order = n + 1
        row: dict[str, object] = {
            "key": key,
            "label": label,
            "type": data.get(f"type-{n}", "text"),
            "required": data.get(f"required-{n}") == "on",
            "choices": [c.strip() for c in data.get(f"choices-{n}", "").splitlines() if c.strip()],
            "low": data.get(f"low-{n}", "") or 0,
            "high": data.get(f"high-{n}", "") or 10,
            "maps_to": data.get(f"maps_to-{n}", ""),
        }
        rows.append((order, n, row))
        if key:
            taken.add(key)
    rows.sort(key=lambda r: (r[0], r[1]))
    out = []
    for _order, _n, row in rows:
        if not row["key"]:
            row["key"] = key_from_label(str(row["label"]), taken)
            taken.add(str(row["key"]))
        out.append(row)
    return out


def rows_for_page(fields: Sequence[FieldSpec]) -> list[dict[str, object]]:
    """The page's rows: the fields as published, then blank rows to add more."""
    rows: list[dict[str, object]] = [
        {
            "n": n,
            "order": n + 1,
            "key": spec.key,
            "label": spec.label,
            "type": spec.type.value,
            "required": spec.required,
            "choices": "\n".join(spec.choices),
            "low": spec.low,
            "high": spec.high,
            "maps_to": spec.maps_to,
        }
        for n, spec in enumerate(fields)
    ]
    start = len(rows)
    rows += [
        {
            "n": n,
            "order": n + 1,
            "key": "",
            "label": "",
            "type": "text",
            "required": False,
            "choices": "",
            "low": 0,
            "high": 10,
            "maps_to": "",
        }
        for n in range(start, min(start + BLANK_ROWS, MAX_ROWS))
    ]
    return rows
