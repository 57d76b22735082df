"""A charge master or a payer's contracted rates, read from a CSV file (ADR 0720).

The format, one row per code, modifier and start date:

    code,modifier,effective_from,effective_through,amount
    97110,,2026-01-01,,65.00
    97110,GP,2026-01-01,2026-12-31,62.50

- `code`: a CPT or HCPCS code of the catalog;
- `modifier`: blank, or the two-character modifier the rate is for (a line with that modifier
  takes this rate; other lines take the code's blank-modifier rate);
- `effective_from` / `effective_through`: the dates the rate is in force, `YYYY-MM-DD`;
  `effective_through` blank means open-ended;
- `amount`: dollars per unit, to the cent: the charge in a charge master, the allowed amount in
  a contract.

The header must be exactly these five columns (in any order). Every bad row is reported with
its line (the header is line 1), its column and what is wrong, and a file with any problem
loads nothing. Reading is pure: the caller says which codes exist and decodes nothing here
but bytes to text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

CODE, MODIFIER, FROM, THROUGH, AMOUNT = (
    "code",
    "modifier",
    "effective_from",
    "effective_through",
    "amount",
)
COLUMNS = (CODE, MODIFIER, FROM, THROUGH, AMOUNT)
TEMPLATE = ",".join(COLUMNS) + "\r\n97110,,2026-01-01,,65.00\r\n97110,GP,2026-01-01,,62.50\r\n"
MAX_ROWS = 20_000
_MONEY = re.compile(r"^\d{1,8}(?:\.\d{1,2})?$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class FeeProblem:
    file: str
    line: int
    """The file's line number (the header is line 1); 0 for the file as a whole."""
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return (
            f"{where}, column {self.column}: {self.message}"
            if self.column
            else (f"{where}: {self.message}")
        )


@dataclass(frozen=True, slots=True)
class FeeRow:
    line: int
    code: str
    modifier: str
    effective_from: dt.date
    effective_through: dt.date | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FeeCsv:
    rows: tuple[FeeRow, ...]
    problems: tuple[FeeProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode(data: bytes, file: str) -> str | FeeProblem:
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return FeeProblem(
            file, line, "", f"is not UTF-8 (byte {exc.start + 1}); save the file as UTF-8 CSV"
        )


def _date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_fee_csv(data: bytes, *, file: str, known_code: Callable[[str], bool]) -> FeeCsv:
    """Every row of the file, or every problem of it (then `rows` is empty)."""
    text = _decode(data, file)
    if isinstance(text, FeeProblem):
        return FeeCsv((), (text,))
    if not text.strip():
        return FeeCsv((), (FeeProblem(file, 0, "", "the file is empty"),))
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().casefold() for name in next(reader)]
    problems: list[FeeProblem] = []
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(FeeProblem(file, 1, "", f"missing column {', '.join(missing)}"))
    if extra:
        unknown = ", ".join(repr(c[:30]) for c in extra)
        problems.append(FeeProblem(file, 1, "", f"unknown column {unknown}"))
    if len(set(header)) != len(header):
        problems.append(FeeProblem(file, 1, "", "a column is named twice"))
    if problems:
        expected = ",".join(COLUMNS)
        return FeeCsv((), (*problems, FeeProblem(file, 1, "", f"the header must be {expected}")))
    at = {name: i for i, name in enumerate(header)}
    rows: list[FeeRow] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(FeeProblem(file, line, "", f"more than {MAX_ROWS} rows"))
            break
        if len(cells) != len(header):
            problems.append(
                FeeProblem(file, line, "", f"has {len(cells)} cells; the header has {len(header)}")
            )
            continue
        row, row_problems = _row(file, line, {c: cells[at[c]].strip() for c in COLUMNS}, known_code)
        problems.extend(row_problems)
        if row is None:
            continue
        key = (row.code, row.modifier, row.effective_from)
        if key in seen:
            problems.append(
                FeeProblem(
                    file,
                    line,
                    CODE,
                    f"{row.code}{' ' + row.modifier if row.modifier else ''} from "
                    f"{row.effective_from.isoformat()} is on line {seen[key]} already",
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    if not rows and not problems:
        problems.append(FeeProblem(file, 0, "", "the file has a header but no rows"))
    return FeeCsv(() if problems else tuple(rows), tuple(problems))


def _row(
    file: str, line: int, cell: dict[str, str], known_code: Callable[[str], bool]
) -> tuple[FeeRow | None, list[FeeProblem]]:
    problems: list[FeeProblem] = []

    def bad(column: str, message: str) -> None:
        problems.append(FeeProblem(file, line, column, message))

    code = cell[CODE].upper()
    if not code:
        bad(CODE, "is empty")
    elif not known_code(code):
        bad(CODE, f"{code[:10]!r} is not a CPT or HCPCS code Cleannote knows")
    modifier = cell[MODIFIER].upper()
    if modifier and not _MODIFIER.match(modifier):
        bad(MODIFIER, f"{modifier[:10]!r} is not a two-character modifier")
    start = _date(cell[FROM])
    if start is None:
        bad(FROM, f"{cell[FROM][:20]!r} is not a date YYYY-MM-DD")
    end: dt.date | None = None
    if cell[THROUGH]:
        end = _date(cell[THROUGH])
        if end is None:
            bad(THROUGH, f"{cell[THROUGH][:20]!r} is not a date YYYY-MM-DD")
        elif start is not None and end < start:
            bad(THROUGH, "is before effective_from")
    amount_text = cell[AMOUNT].removeprefix("$").replace(",", "")
    if not _MONEY.match(amount_text):
        bad(AMOUNT, f"{cell[AMOUNT][:20]!r} is not dollars and cents (like 65.00)")
    if problems or start is None:
        return None, problems
    amount = Decimal(amount_text).quantize(Decimal("0.01"))
    return FeeRow(line, code, modifier, start, end, amount), []
