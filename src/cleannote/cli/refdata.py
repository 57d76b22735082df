"""`cleannote refdata import ncci|mue FILE...`: make CMS quarterly files the active tables.

Every row of every file is checked before anything is written. The files are then stored
under their sha256 names and the kind's manifest is replaced in one rename, so a failed or
interrupted import leaves the previous table active. CMS ships the practitioner PTP edits as
four files (f1..f4); import them together in one command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cleannote.cli.action_groups import add_action_group
from cleannote.cli.errors import EXIT_BAD_INPUT, EXIT_OK, UsageError
from cleannote.private_files import write_private
from cleannote.rules.errors import ReferenceDataError
from cleannote.rules.ncci import (
    DEFAULT_MARK,
    Mue,
    PtpEdit,
    bundled_mue,
    bundled_ptp,
    parse_mue_file,
    parse_ptp_file,
)
from cleannote.rules.refdata_manifest import (
    KINDS,
    MANIFEST_NAME,
    ImportedFile,
    ImportManifest,
    kind_dir,
    parse_quarter,
    quarter_of,
    read_manifest,
    sha256_of,
)

DATA_DIR_ENV = "CLEANNOTE_DATA_DIR"
DEFAULT_DATA_DIR = Path("var")
REFDATA_FOLDER = "refdata"


def data_dir_from_env() -> Path:
    """Where imported reference data lives: `refdata` in the data folder ($CLEANNOTE_DATA_DIR,
    else var under cwd), the folder the web app's scrubs read (`DATA_DIR/refdata`), so a table
    the command line imports is the one the note page uses."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR) / REFDATA_FOLDER


def iso_date_argument(text: str) -> date:
    """argparse type for YYYY-MM-DD options; a bad value becomes a one-line usage error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def quarter_argument(text: str) -> str:
    """argparse type for --quarter: YYYYQn, a bad value a one-line usage error."""
    try:
        return parse_quarter(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: Any) -> None:
    actions = add_action_group(
        subparsers,
        "refdata",
        __doc__,
        help="import CMS reference data (NCCI PTP edits, MUEs) and show what is active",
    )

    do_import = actions.add_parser("import", help="validate CMS files and make them active")
    do_import.add_argument("kind", choices=KINDS)
    do_import.add_argument("files", nargs="+", type=Path, metavar="FILE")
    do_import.add_argument(
        "--effective",
        type=iso_date_argument,
        metavar="YYYY-MM-DD",
        help="mue only: first day of the quarter the file is for (default: applies to all dates)",
    )
    do_import.add_argument(
        "--quarter",
        type=quarter_argument,
        metavar="YYYYQn",
        help="the CMS quarter the files are for (default: from --effective for mue, from the "
        "newest edit's effective date for ncci)",
    )
    do_import.add_argument("--json", action="store_true", help="print the manifest as JSON")
    do_import.set_defaults(handler=run_import)

    show = actions.add_parser(
        "show", help="which NCCI and MUE tables are active: bundled defaults or CMS files"
    )
    show.add_argument("--json", action="store_true", help="print JSON instead of lines")
    show.set_defaults(handler=run_show)


def run_import(args: argparse.Namespace) -> int:
    files: list[Path] = args.files
    if args.effective is not None and args.kind != "mue":
        raise UsageError("refdata import: --effective applies to mue files only")
    for path in files:
        try:
            found = path.is_file()
        except OSError as exc:  # a name too long for the file system, for one
            raise UsageError(f"refdata import: {str(path)!r}: {exc.strerror}") from None
        if not found:
            raise UsageError(f"refdata import: no such file {str(path)!r}")
    parse: Callable[[Path], Sequence[object]] = (
        parse_ptp_file if args.kind == "ncci" else parse_mue_file
    )
    counts = []
    newest: date | None = None
    try:
        for path in files:
            rows = parse(path)
            counts.append(len(rows))
            for row in rows:
                if isinstance(row, PtpEdit) and (newest is None or row.effective > newest):
                    newest = row.effective
    except ReferenceDataError as exc:
        print(f"{exc.path}:{exc.line}: {exc.problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    replaced = _active_description(data_dir_from_env(), args.kind)
    manifest = store(
        data_dir_from_env(),
        args.kind,
        files,
        counts,
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        effective=args.effective,
        quarter=_quarter(args.quarter, args.effective, newest),
    )
    names = ", ".join(f.name for f in manifest.files)
    replacing = (
        f"this import replaces {replaced[0]} ({replaced[1]:,} rows) with {names} "
        f"({manifest.rows:,} rows) for every lookup and scrub"
    )
    if args.json:
        print(manifest.to_json())
        print(f"cleannote: {replacing}", file=sys.stderr)
    else:
        print(f"imported {manifest.rows} {args.kind} rows from {names}")
        print(replacing)
        print(f"active in {kind_dir(data_dir_from_env(), args.kind)}")
    if manifest.rows < replaced[1]:
        missing = "edit" if args.kind == "ncci" else "MUE"
        print(
            f"cleannote: warning: the imported {args.kind} table holds fewer rows than "
            f"{replaced[0]}; a code only that one covered now has no {missing} "
            "(import all of a quarter's CMS files in one command)",
            file=sys.stderr,
        )
    return EXIT_OK


def _quarter(
    stated: str | None, effective: date | None, newest: date | None
) -> tuple[str, str] | None:
    """The quarter an import is for, and how it is known."""
    if stated is not None:
        return stated, "stated"
    if effective is not None:
        return quarter_of(effective), "effective date"
    if newest is not None:
        return quarter_of(newest), "newest edit"
    return None


def _active_description(data_dir: Path, kind: str) -> tuple[str, int]:
    """What an import of `kind` replaces: a name for the active table and its row count."""
    manifest = read_manifest(data_dir, kind)
    if manifest is not None:
        names = ", ".join(f.name for f in manifest.files)
        return f"the previous import of {names}", manifest.rows
    rows = len(bundled_ptp()) if kind == "ncci" else len(bundled_mue())
    return "the bundled therapy subset", rows


def store(
    data_dir: Path,
    kind: str,
    files: Sequence[Path],
    counts: Sequence[int],
    *,
    imported_at: str,
    effective: date | None,
    quarter: tuple[str, str] | None = None,
) -> ImportManifest:
    """Copy validated files in by content hash, then swap the manifest in one rename."""
    directory = kind_dir(data_dir, kind)
    directory.mkdir(parents=True, exist_ok=True)
    imported = []
    for path, rows in zip(files, counts, strict=True):
        digest = sha256_of(path)
        stored_as = digest + path.suffix.lower()
        write_private(directory / stored_as, path.read_bytes())
        imported.append(ImportedFile(path.name, stored_as, digest, rows))
    manifest = ImportManifest(
        kind,
        imported_at,
        tuple(imported),
        effective,
        quarter=quarter[0] if quarter else None,
        quarter_basis=quarter[1] if quarter else None,
    )
    write_private(directory / MANIFEST_NAME, (manifest.to_json() + "\n").encode())
    keep = {f.stored_as for f in imported} | {MANIFEST_NAME}
    for old in directory.iterdir():
        if old.is_file() and old.name not in keep and not old.name.startswith("."):
            old.unlink()
    return manifest


def bundled_summary(rows: Sequence[PtpEdit | Mue]) -> dict[str, Any]:
    """What the bundled subset is made of: Cleannote defaults and rows by confidence."""
    defaults = sum(1 for row in rows if row.source.startswith(DEFAULT_MARK))
    by_confidence: dict[str, int] = {}
    for row in rows:
        if not row.source.startswith(DEFAULT_MARK):
            by_confidence[row.confidence] = by_confidence.get(row.confidence, 0) + 1
    return {
        "active": "bundled",
        "origin": "Cleannote bundled subset, not a CMS file",
        "quarter": None,
        "rows": len(rows),
        "cleannote_defaults": defaults,
        "confidence": dict(sorted(by_confidence.items())),
        "unconfirmed_rows": sum(1 for row in rows if not row.confirmed),
    }


_CONFIDENCE_NAMES = {"H": "checked (H)", "M": "secondary sources (M)", "L": "low confidence (L)"}


def run_show(args: argparse.Namespace) -> int:
    data_dir = data_dir_from_env()
    bundled: dict[str, Sequence[PtpEdit | Mue]] = {
        "ncci": list(bundled_ptp()),
        "mue": list(bundled_mue()),
    }
    report: dict[str, Any] = {}
    for kind in KINDS:
        manifest = read_manifest(data_dir, kind)
        if manifest is None:
            report[kind] = bundled_summary(bundled[kind])
        else:
            report[kind] = {
                "active": "imported",
                "origin": "CMS file",
                **json.loads(manifest.to_json()),
            }
    if args.json:
        print(json.dumps(report, indent=2))
        return EXIT_OK
    for kind, entry in report.items():
        if entry["active"] == "bundled":
            defaults = entry["cleannote_defaults"]
            parts = [f"{defaults} Cleannote defaults, not CMS values"] if defaults else []
            parts += [
                f"{count} {_CONFIDENCE_NAMES.get(level, level)}"
                for level, count in entry["confidence"].items()
            ]
            print(
                f"{kind}: bundled defaults (Cleannote therapy subset, not a CMS file, no CMS "
                f"quarter), {entry['rows']} rows: {', '.join(parts)}; findings from the "
                f"{entry['unconfirmed_rows']} default or low-confidence rows are warnings; "
                f"`cleannote refdata import {kind}` loads the CMS files"
            )
        else:
            names = ", ".join(f["name"] for f in entry["files"])
            quarter = (
                f"quarter {entry['quarter']} ({entry['quarter_basis']})"
                if entry.get("quarter")
                else "quarter not stated"
            )
            print(
                f"{kind}: imported CMS file(s) {names}, {quarter}, imported "
                f"{entry['imported_at']}, {entry['rows']} rows; findings from them are errors"
            )
    return EXIT_OK
