"""Reading our JSON code catalogs (procedures, modifiers) with every field checked on load.

A catalog entry with a missing or mistyped field would surface much later as a wrong claim, so
the readers refuse the whole file at load time and name the file, the entry's code and the
field. Both catalogs share this reader so they report bad data the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Protocol, TypeVar

from cleannote.rules.errors import RulesError

E = TypeVar("E", bound=StrEnum)


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


C = TypeVar("C", bound=_Coded)


class CatalogDataError(RulesError):
    """A catalog file or one of its entries is malformed; nothing from that file is used."""

    def __init__(self, source: str, code: str | None, field: str | None, problem: str) -> None:
        where = source
        if code is not None:
            where += f": entry {code!r}"
        if field is not None:
            where += f": field {field!r}"
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.code = code
        self.field = field
        self.problem = problem


def read_catalog(path: Path | None, bundled_name: str, list_key: str) -> tuple[str, list[object]]:
    """The raw entries of a catalog file: the caller's `path`, else the bundled data file.

    Returns the name to cite in errors and the list under `list_key`.
    """
    if path is None:
        source = f"data/{bundled_name}"
        text = resources.files("cleannote.rules").joinpath("data", bundled_name).read_text("utf-8")
    else:
        source = str(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise CatalogDataError(source, None, None, f"cannot read: {exc.strerror}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogDataError(source, None, None, f"not JSON (line {exc.lineno})") from exc
    if not isinstance(document, dict) or not isinstance(document.get(list_key), list):
        raise CatalogDataError(source, None, list_key, "expected an object holding a list")
    entries: list[object] = document[list_key]
    return source, entries


def read_entries(
    path: Path | None, bundled_name: str, list_key: str, build: Callable[[EntryReader], C]
) -> tuple[str, dict[str, C]]:
    """Every entry of a catalog file, built by `build` and keyed by code, in file order.

    A code that appears twice refuses the file: a lookup by code must have one answer. Every
    entry is built (and checked) before codes are compared, so a malformed entry is reported
    first. Returns the name to cite in errors too, for the caller's checks across entries.
    """
    source, raw_entries = read_catalog(path, bundled_name, list_key)
    entries = [build(EntryReader(source, raw, i)) for i, raw in enumerate(raw_entries)]
    by_code: dict[str, C] = {}
    for entry in entries:
        if entry.code in by_code:
            raise CatalogDataError(source, entry.code, "code", "appears twice")
        by_code[entry.code] = entry
    return source, by_code


class EntryReader:
    """Typed access to one entry's fields; any wrong field raises naming the code and field."""

    def __init__(
        self, source: str, raw: object, index: int, *, code: str | None = None, prefix: str = ""
    ) -> None:
        if not isinstance(raw, Mapping):
            raise CatalogDataError(source, f"#{index}", None, "entry is not an object")
        self._source = source
        self._raw = raw
        self._prefix = prefix
        own = raw.get("code")
        self.code = code or (own if isinstance(own, str) and own else f"#{index}")

    def fail(self, field: str, problem: str) -> CatalogDataError:
        return CatalogDataError(self._source, self.code, self._prefix + field, problem)

    def _get(self, field: str) -> object:
        if field not in self._raw:
            raise self.fail(field, "missing")
        return self._raw[field]

    def text(self, field: str) -> str:
        value = self._get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, f"expected non-empty text, got {value!r}")
        return value

    def matching_text(self, field: str, pattern: re.Pattern[str], what: str) -> str:
        """Text that `pattern` matches from its start; otherwise the failure says it is not `what`
        (a code's form is checked where it is read, so a typo never reaches a claim)."""
        value = self.text(field)
        if not pattern.match(value):
            raise self.fail(field, f"{value!r} is not {what}")
        return value

    def optional_text(self, field: str) -> str | None:
        value = self._get(field)
        return None if value is None else self.text(field)

    def flag(self, field: str) -> bool:
        value = self._get(field)
        if not isinstance(value, bool):
            raise self.fail(field, f"expected true or false, got {value!r}")
        return value

    def positive_int(self, field: str) -> int:
        value = self._get(field)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(field, f"expected a positive whole number, got {value!r}")
        return value

    def texts(self, field: str) -> tuple[str, ...]:
        value = self._get(field)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise self.fail(field, f"expected a non-empty list of non-empty texts, got {value!r}")
        if len(set(value)) != len(value):
            raise self.fail(field, f"repeats a value: {value!r}")
        return tuple(value)

    def choice(self, field: str, kind: type[E]) -> E:
        return self._member(field, kind, self.text(field))

    def optional_choice(self, field: str, kind: type[E]) -> E | None:
        return None if self._get(field) is None else self.choice(field, kind)

    def choices(self, field: str, kind: type[E]) -> tuple[E, ...]:
        return tuple(self._member(field, kind, v) for v in self.texts(field))

    def mapping(self, field: str) -> EntryReader | None:
        """A nested object read with the same checks, or None when the field is null."""
        value = self._get(field)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(field, f"expected an object or null, got {value!r}")
        return EntryReader(self._source, value, 0, code=self.code, prefix=f"{field}.")

    def optional_positive_int(self, field: str) -> int | None:
        return None if self._get(field) is None else self.positive_int(field)

    def optional_range(self, field: str) -> tuple[int, int] | None:
        """A `[low, high]` pair of positive whole numbers with low <= high, or null."""
        value = self._get(field)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
            or value[0] > value[1]
        ):
            raise self.fail(field, f"expected [low, high] whole numbers, got {value!r}")
        return (value[0], value[1])

    def _member(self, field: str, kind: type[E], value: str) -> E:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise self.fail(field, f"{value!r} is not one of: {allowed}") from None
