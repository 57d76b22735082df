"""Where imported reference data lives and the manifest that makes one import the active one.

An import stores each source file under its sha256 name and then replaces `manifest.json` in one
rename. Readers only ever follow the manifest, so they see the old table or the new one, never
half of an import. The shell decides the data directory and the import time; the core only reads.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cleannote.rules.errors import ReferenceDataError

MANIFEST_NAME = "manifest.json"
KINDS = ("ncci", "mue")


@dataclass(frozen=True, slots=True)
class ImportedFile:
    name: str
    stored_as: str
    sha256: str
    rows: int


@dataclass(frozen=True, slots=True)
class ImportManifest:
    kind: str
    imported_at: str
    files: tuple[ImportedFile, ...]
    effective: date | None = None
    quarter: str | None = None
    """The CMS quarter the files are for ("2026Q2"): as stated at import, else from the MUE
    file's --effective date, else the quarter of the newest PTP edit's effective date."""
    quarter_basis: str | None = None
    """How `quarter` was known: "stated", "effective date" or "newest edit"."""

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "imported_at": self.imported_at,
                "rows": self.rows,
                "effective": self.effective.isoformat() if self.effective else None,
                "quarter": self.quarter,
                "quarter_basis": self.quarter_basis,
                "files": [
                    {"name": f.name, "stored_as": f.stored_as, "sha256": f.sha256, "rows": f.rows}
                    for f in self.files
                ],
            },
            indent=2,
        )


_QUARTER = re.compile(r"(19|20)\d\dQ[1-4]")


def quarter_of(day: date) -> str:
    """The calendar quarter of a day, as CMS names its releases: 2026-04-01 is "2026Q2"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> str:
    """A quarter written YYYYQn (2026Q2), or ValueError naming what is expected."""
    quarter = text.strip().upper()
    if _QUARTER.fullmatch(quarter) is None:
        raise ValueError(f"{text!r} is not a quarter written YYYYQn, such as 2026Q2")
    return quarter


def _optional_quarter(value: object) -> str | None:
    return None if value in (None, "") else parse_quarter(str(value))


def kind_dir(data_dir: Path, kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown reference-data kind {kind!r}; expected one of {KINDS}")
    return data_dir / kind


def manifest_path(data_dir: Path, kind: str) -> Path:
    return kind_dir(data_dir, kind) / MANIFEST_NAME


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(data_dir: Path, kind: str) -> ImportManifest | None:
    """The active import of `kind`, or None when nothing was imported (use the bundled data)."""
    path = manifest_path(data_dir, kind)
    if not path.is_file():
        return None
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        files = tuple(
            ImportedFile(
                name=str(f["name"]),
                stored_as=str(f["stored_as"]),
                sha256=str(f["sha256"]),
                rows=int(f["rows"]),
            )
            for f in raw["files"]
        )
        effective = date.fromisoformat(raw["effective"]) if raw.get("effective") else None
        manifest = ImportManifest(
            kind=str(raw["kind"]),
            imported_at=str(raw["imported_at"]),
            files=files,
            effective=effective,
            quarter=_optional_quarter(raw.get("quarter")),
            quarter_basis=str(raw["quarter_basis"]) if raw.get("quarter_basis") else None,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ReferenceDataError(str(path), 1, f"unreadable manifest ({exc})") from exc
    if manifest.kind != kind or not files:
        raise ReferenceDataError(str(path), 1, f"manifest is not a {kind} import")
    return manifest
