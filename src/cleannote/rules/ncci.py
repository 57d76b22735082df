"""NCCI procedure-to-procedure (PTP) practitioner edits and MUEs, with their effective dates.

The scrubber asks about every pair of codes on every visit, so both tables are plain dict
lookups built once. Rows keep their effective and deletion dates instead of being filtered at
load time: a claim for last year's visit must meet last year's edits. The deletion date is the
first day an edit no longer applies, which is how CMS files mark an edit withdrawn retroactively
(deletion equal to effective: never in force).

Three sources feed the tables, always as files: the small therapy subset bundled with Cleannote
(`data/ncci_ptp_therapy.tsv`, `data/mue_therapy.tsv`, every row naming its source and
confidence), and the CMS quarterly files a clinic imports (see docs/decisions/0030-*.md).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from cleannote.rules.errors import ReferenceDataError
from cleannote.rules.memo import memo
from cleannote.rules.refdata_manifest import ImportedFile, kind_dir, read_manifest, sha256_of

DATA_DIR = Path(__file__).with_name("data")
BUNDLED_PTP = DATA_DIR / "ncci_ptp_therapy.tsv"
BUNDLED_MUE = DATA_DIR / "mue_therapy.tsv"

# A CMS MUE file carries no dates: it is the table for the quarter it was published in. Rows
# imported without a stated effective date apply to every date of service.
UNDATED = date(1900, 1, 1)

MODIFIER_INDICATOR_MEANING = {
    0: "no bypass: the column 2 code is not paid with the column 1 code, whatever the modifier",
    1: "bypass allowed with 59 or XE/XP/XS/XU when the services are truly distinct",
    9: "not applicable: the edit is deleted and no modifier is needed",
}
ADJUDICATION_INDICATOR_MEANING = {
    1: "line edit: units are checked on each claim line",
    2: "date-of-service edit, policy: an absolute limit on units for the day",
    3: "date-of-service edit, clinical: units for the day, appealable with documentation",
}
CONFIDENCES = ("H", "M", "L")

_HCPCS = re.compile(r"(?:\d{4}[0-9FMTU]|[A-V]\d{4})")
_MAI_TEXT = re.compile(r"([123])(?:\D.*)?", re.DOTALL)


def looks_like_hcpcs(code: str) -> bool:
    """CPT (five digits, or four plus F/M/T/U) or HCPCS level II (a letter and four digits)."""
    return _HCPCS.fullmatch(code) is not None


class _SourcedRow:
    """What PTP and MUE rows share: the dates they are in force, and how far to trust them."""

    __slots__ = ()
    effective: date
    deletion: date | None
    source: str
    confidence: str

    def in_force(self, on: date) -> bool:
        return self.effective <= on and (self.deletion is None or on < self.deletion)

    @property
    def confirmed(self) -> bool:
        return row_confirmed(self.source, self.confidence)

    @property
    def provenance(self) -> str:
        return row_provenance(self.source, self.confidence)


@dataclass(frozen=True, slots=True)
class PtpEdit(_SourcedRow):
    column1: str
    column2: str
    pre_1996: bool
    effective: date
    deletion: date | None
    modifier_indicator: int
    rationale: str
    source: str
    confidence: str = "H"


@dataclass(frozen=True, slots=True)
class Mue(_SourcedRow):
    code: str
    value: int
    adjudication_indicator: int
    rationale: str
    source: str
    effective: date
    deletion: date | None
    confidence: str = "H"


# How honest a row is (docs/decisions/0320): a CMS file's row, or a bundled row checked against
# one (confidence H), is an edit; a bundled row from secondary sources (M) is believed but not
# checked; a low-confidence row (L) or a Cleannote default is a guess, and the scrubber only
# warns on it.
DEFAULT_MARK = "Cleannote default"
CONFIDENCE_WORDS = {
    "H": "checked against the CMS file",
    "M": "from secondary sources, not checked against the CMS file",
    "L": "low confidence, not checked against the CMS file",
}


def row_confirmed(source: str, confidence: str) -> bool:
    """False for a Cleannote default or a low-confidence row: findings from it are warnings."""
    return confidence != "L" and not source.startswith(DEFAULT_MARK)


def row_provenance(source: str, confidence: str) -> str:
    """Where a row's value comes from, in words a biller can act on (no PHI: codes only)."""
    if source.startswith(DEFAULT_MARK):
        return "Cleannote default, not a CMS value"
    if source.startswith("CMS "):
        return source
    return f"Cleannote bundled row, {CONFIDENCE_WORDS.get(confidence, confidence)}"


_NO_PARTNERS: frozenset[str] = frozenset()

K = TypeVar("K")
R = TypeVar("R", bound=_SourcedRow)


class _DatedRows(Generic[K, R]):
    """Rows grouped by what the scrubber looks them up by, each group newest first.

    A CMS file may repeat a key with other dates, so a lookup walks the group from the latest
    effective date and takes the first row in force on the date of service. PTP and MUE tables
    differ only in their key.
    """

    __slots__ = ("_count", "_rows")

    def __init__(self, rows: Iterable[R], key: Callable[[R], K]) -> None:
        grouped: dict[K, list[R]] = {}
        count = 0
        for row in rows:
            grouped.setdefault(key(row), []).append(row)
            count += 1
        self._rows = {
            k: tuple(sorted(group, key=lambda r: r.effective, reverse=True))
            for k, group in grouped.items()
        }
        self._count = count

    def _in_force(self, key: K, on: date) -> R | None:
        for row in self._rows.get(key, ()):
            if row.effective <= on and (row.deletion is None or on < row.deletion):  # in force
                return row
        return None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[R]:
        for rows in self._rows.values():
            yield from rows


def _pair_key(code_a: str, code_b: str) -> tuple[str, str]:
    """The unordered pair as one key: NCCI edits hold whichever code order they are asked in."""
    return (code_a, code_b) if code_a < code_b else (code_b, code_a)


class PtpTable(_DatedRows[tuple[str, str], PtpEdit]):
    """PTP edits indexed by the unordered code pair; each pair's rows newest first."""

    __slots__ = ("_partners",)

    def __init__(self, edits: Iterable[PtpEdit]) -> None:
        super().__init__(edits, lambda edit: _pair_key(edit.column1, edit.column2))
        partners: dict[str, set[str]] = {}
        for a, b in self._rows:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        self._partners = {code: frozenset(others) for code, others in partners.items()}

    def partners(self, code: str) -> frozenset[str]:
        """The codes that have an edit with `code` on some date (in either column): a pair
        outside them needs no `edit_for`."""
        return self._partners.get(code, _NO_PARTNERS)

    def edit_for(self, code_a: str, code_b: str, on: date) -> PtpEdit | None:
        """The edit between two codes in force on `on`, whichever order they are given in.

        When a CMS file repeats a pair, the row in force with the latest effective date wins.
        """
        return self._in_force(_pair_key(code_a, code_b), on)

    def edits_among(self, codes: Sequence[str], on: date) -> list[PtpEdit]:
        """Every edit in force between any two distinct codes of one visit, in code order."""
        found = []
        distinct = sorted(set(codes))
        for i, first in enumerate(distinct):
            for second in distinct[i + 1 :]:
                edit = self.edit_for(first, second, on)
                if edit is not None:
                    found.append(edit)
        return found


class MueTable(_DatedRows[str, Mue]):
    """MUE rows indexed by code; each code's rows newest first."""

    __slots__ = ()

    def __init__(self, mues: Iterable[Mue]) -> None:
        super().__init__(mues, lambda mue: mue.code)

    def mue_for(self, code: str, on: date) -> Mue | None:
        return self._in_force(code, on)


# --- reading files -----------------------------------------------------------------------------


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReferenceDataError(str(path), 0, f"cannot read file: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.splitlines()


def _code(value: str, what: str, where: tuple[str, int]) -> str:
    code = value.strip().upper()
    if not looks_like_hcpcs(code):
        raise ReferenceDataError(*where, f"{what} {value!r} is not a CPT/HCPCS code")
    return code


def _cms_date(value: str, what: str, where: tuple[str, int]) -> date:
    parsed = _date_of_digits(value.strip())
    if parsed is None:
        raise ReferenceDataError(*where, f"{what} {value!r} is not a real YYYYMMDD date")
    return parsed


# A CMS file holds millions of rows but only a few hundred distinct dates: sharing one date
# object per value keeps a full import's memory and parse time down.
@memo(maxsize=4096)
def _date_of_digits(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _iso_date(value: str, what: str, where: tuple[str, int]) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ReferenceDataError(*where, f"{what} {value!r} is not a YYYY-MM-DD date") from exc


def _int_in(value: str, allowed: Iterable[int], what: str, where: tuple[str, int]) -> int:
    allowed = tuple(allowed)
    text = value.strip()
    if not text.isdigit() or int(text) not in allowed:
        choices = ", ".join(str(a) for a in allowed)
        raise ReferenceDataError(*where, f"{what} {value!r} is not one of {choices}")
    return int(text)


def _dates_in_order(effective: date, deletion: date | None, where: tuple[str, int]) -> None:
    if deletion is not None and deletion < effective:
        raise ReferenceDataError(
            *where,
            f"deletion date {deletion.isoformat()} is before effective date "
            f"{effective.isoformat()}",
        )


def _confidence(value: str, where: tuple[str, int]) -> str:
    text = value.strip().upper()
    if text not in CONFIDENCES:
        raise ReferenceDataError(*where, f"confidence {value!r} is not H, M or L")
    return text


def _cms_rows(
    lines: list[str],
    split: Callable[[str], list[str]],
    starts_data: Callable[[list[str]], bool],
) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a CMS file's rows. The notice lines CMS puts above the data are
    skipped: data starts at the first line `starts_data` accepts, and from there on every
    non-blank line is a row."""
    started = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = split(line)
        if not started:
            if not starts_data(fields):
                continue
            started = True
        yield number, fields


def _ptp_fields(line: str) -> list[str]:
    return [field.strip().strip('"') for field in line.split("\t")]


def _starts_ptp(fields: list[str]) -> bool:
    return len(fields) >= 2 and looks_like_hcpcs(fields[0]) and looks_like_hcpcs(fields[1])


def _mue_fields(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    return [field.strip() for field in next(csv.reader([line], delimiter=delimiter))]


def _starts_mue(fields: list[str]) -> bool:
    return len(fields) >= 2 and looks_like_hcpcs(fields[0]) and fields[1].isdigit()


def parse_ptp_file(path: Path | str, *, source: str | None = None) -> list[PtpEdit]:
    """Rows of a CMS quarterly practitioner PTP file, or ReferenceDataError for its first bad row.

    The notice lines CMS puts above the data are skipped: data starts at the first line whose
    first two tab-separated fields are codes, and from there on every non-blank line must be a
    valid row.
    """
    path = Path(path)
    label = str(path)
    origin = source or f"CMS NCCI practitioner PTP file {path.name}"
    lines = _read_lines(path)
    edits = [
        _ptp_row(fields, (label, number), origin)
        for number, fields in _cms_rows(lines, _ptp_fields, _starts_ptp)
    ]
    if not edits:
        raise ReferenceDataError(
            label, len(lines), "no PTP rows found (expected tab-separated column 1 and 2 codes)"
        )
    return edits


def _ptp_row(fields: list[str], where: tuple[str, int], origin: str) -> PtpEdit:
    if len(fields) < 6 or any(extra for extra in fields[7:]):
        raise ReferenceDataError(*where, f"expected 7 tab-separated fields, found {len(fields)}")
    column1 = sys.intern(_code(fields[0], "column 1 code", where))
    column2 = sys.intern(_code(fields[1], "column 2 code", where))
    if fields[2] not in ("", "*"):
        raise ReferenceDataError(*where, f"prior-to-1996 flag {fields[2]!r} is not '*' or blank")
    effective = _cms_date(fields[3], "effective date", where)
    deletion = None if fields[4] == "*" else _cms_date(fields[4], "deletion date", where)
    _dates_in_order(effective, deletion, where)
    return PtpEdit(
        column1=column1,
        column2=column2,
        pre_1996=fields[2] == "*",
        effective=effective,
        deletion=deletion,
        modifier_indicator=_int_in(fields[5], MODIFIER_INDICATOR_MEANING, "modifier", where),
        rationale=sys.intern(fields[6]) if len(fields) > 6 else "",
        source=origin,
    )


def parse_mue_file(
    path: Path | str, *, effective: date | None = None, source: str | None = None
) -> list[Mue]:
    """Rows of a CMS practitioner MUE table (comma or tab separated), or ReferenceDataError.

    Layout: code, MUE value, adjudication indicator ("3" or "3 Date of Service Edit: Clinical"),
    rationale. Notice lines above the data are skipped the same way as in PTP files; the rows
    take `effective` (the quarter the file is for) or apply to every date when it is not given.
    """
    path = Path(path)
    label = str(path)
    origin = source or f"CMS practitioner MUE file {path.name}"
    lines = _read_lines(path)
    mues = [
        _mue_row(fields, (label, number), origin, effective or UNDATED)
        for number, fields in _cms_rows(lines, _mue_fields, _starts_mue)
    ]
    if not mues:
        raise ReferenceDataError(
            label, len(lines), "no MUE rows found (expected a code and a number of units)"
        )
    return mues


def _mue_row(fields: list[str], where: tuple[str, int], origin: str, effective: date) -> Mue:
    if len(fields) < 3:
        raise ReferenceDataError(*where, f"expected at least 3 fields, found {len(fields)}")
    code = _code(fields[0], "code", where)
    if not fields[1].isdigit():
        raise ReferenceDataError(*where, f"MUE value {fields[1]!r} is not a whole number")
    match = _MAI_TEXT.fullmatch(fields[2])
    if match is None:
        raise ReferenceDataError(
            *where, f"MUE adjudication indicator {fields[2]!r} does not start with 1, 2 or 3"
        )
    return Mue(
        code=code,
        value=int(fields[1]),
        adjudication_indicator=int(match.group(1)),
        rationale=fields[3] if len(fields) > 3 else "",
        source=origin,
        effective=effective,
        deletion=None,
    )


def _bundled_rows(
    path: Path, columns: tuple[str, ...]
) -> Iterator[tuple[dict[str, str], tuple[str, int]]]:
    lines = _read_lines(path)
    label = str(path)
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise ReferenceDataError(label, 1, f"header must be the columns {', '.join(columns)}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            raise ReferenceDataError(
                label, number, f"expected {len(columns)} tab-separated fields, found {len(fields)}"
            )
        yield dict(zip(columns, fields, strict=True)), (label, number)


def _bundled_dates(row: dict[str, str], where: tuple[str, int]) -> tuple[date, date | None]:
    """A bundled row's ISO effective date and optional deletion date, in order."""
    effective = _iso_date(row["effective"], "effective date", where)
    deletion = _iso_date(row["deletion"], "deletion date", where) if row["deletion"] else None
    _dates_in_order(effective, deletion, where)
    return effective, deletion


def _bundled_source(row: dict[str, str], where: tuple[str, int]) -> str:
    """A bundled row's source: every row names one, so a finding can say where its rule is from."""
    if not row["source"].strip():
        raise ReferenceDataError(*where, "every bundled row must name its source")
    return row["source"]


PTP_COLUMNS = (
    "column1", "column2", "pre_1996", "effective", "deletion", "modifier_indicator",
    "rationale", "source", "confidence",
)  # fmt: skip
MUE_COLUMNS = (
    "code", "value", "adjudication_indicator", "effective", "deletion", "rationale", "source",
    "confidence",
)  # fmt: skip


def read_bundled_ptp(path: Path) -> list[PtpEdit]:
    """Rows of a file in the bundled layout (header line, ISO dates, source and confidence)."""
    edits = []
    for row, where in _bundled_rows(path, PTP_COLUMNS):
        effective, deletion = _bundled_dates(row, where)
        if row["pre_1996"] not in ("yes", "no"):
            raise ReferenceDataError(*where, f"pre_1996 {row['pre_1996']!r} is not yes or no")
        source = _bundled_source(row, where)
        edits.append(
            PtpEdit(
                column1=_code(row["column1"], "column 1 code", where),
                column2=_code(row["column2"], "column 2 code", where),
                pre_1996=row["pre_1996"] == "yes",
                effective=effective,
                deletion=deletion,
                modifier_indicator=_int_in(
                    row["modifier_indicator"], MODIFIER_INDICATOR_MEANING, "modifier", where
                ),
                rationale=row["rationale"],
                source=source,
                confidence=_confidence(row["confidence"], where),
            )
        )
    return edits


def read_bundled_mue(path: Path) -> list[Mue]:
    mues = []
    for row, where in _bundled_rows(path, MUE_COLUMNS):
        effective, deletion = _bundled_dates(row, where)
        if not row["value"].isdigit():
            raise ReferenceDataError(*where, f"MUE value {row['value']!r} is not a whole number")
        source = _bundled_source(row, where)
        mues.append(
            Mue(
                code=_code(row["code"], "code", where),
                value=int(row["value"]),
                adjudication_indicator=_int_in(
                    row["adjudication_indicator"],
                    ADJUDICATION_INDICATOR_MEANING,
                    "adjudication indicator",
                    where,
                ),
                rationale=row["rationale"],
                source=source,
                effective=effective,
                deletion=deletion,
                confidence=_confidence(row["confidence"], where),
            )
        )
    return mues


# --- the tables callers use ----------------------------------------------------------------------


@cache
def bundled_ptp() -> PtpTable:
    return PtpTable(read_bundled_ptp(BUNDLED_PTP))


@cache
def bundled_mue() -> MueTable:
    return MueTable(read_bundled_mue(BUNDLED_MUE))


def load_tables(ptp_path: Path | None, mue_path: Path | None) -> tuple[PtpTable, MueTable]:
    """Tables from CMS files given by path, falling back to the bundled subset for a missing one."""
    ptp = PtpTable(parse_ptp_file(ptp_path)) if ptp_path and ptp_path.is_file() else bundled_ptp()
    mue = MueTable(parse_mue_file(mue_path)) if mue_path and mue_path.is_file() else bundled_mue()
    return ptp, mue


def active_tables(data_dir: Path | None) -> tuple[PtpTable, MueTable]:
    """The tables in use: the last successful import under `data_dir`, else the bundled subset."""
    ptp, mue = bundled_ptp(), bundled_mue()
    if data_dir is None:
        return ptp, mue
    ncci_manifest = read_manifest(data_dir, "ncci")
    if ncci_manifest is not None:
        ptp = _imported_ptp(kind_dir(data_dir, "ncci"), ncci_manifest.files)
    mue_manifest = read_manifest(data_dir, "mue")
    if mue_manifest is not None:
        mue = _imported_mue(kind_dir(data_dir, "mue"), mue_manifest.files, mue_manifest.effective)
    return ptp, mue


def _stored(directory: Path, imported: ImportedFile) -> Path:
    path = directory / imported.stored_as
    if not path.is_file():
        raise ReferenceDataError(str(path), 0, "file named in the manifest is missing")
    if sha256_of(path) != imported.sha256:
        raise ReferenceDataError(str(path), 0, "sha256 does not match the manifest")
    return path


# Keyed by content hashes, so a new import is a new key and an old one is never served stale.
@lru_cache(maxsize=2)
def _imported_ptp(directory: Path, files: tuple[ImportedFile, ...]) -> PtpTable:
    return PtpTable(
        edit
        for f in files
        for edit in parse_ptp_file(
            _stored(directory, f), source=f"CMS NCCI practitioner PTP file {f.name}"
        )
    )


@lru_cache(maxsize=2)
def _imported_mue(
    directory: Path, files: tuple[ImportedFile, ...], effective: date | None
) -> MueTable:
    return MueTable(
        mue
        for f in files
        for mue in parse_mue_file(
            _stored(directory, f),
            effective=effective,
            source=f"CMS practitioner MUE file {f.name}",
        )
    )
