"""Query parameters and form values checked at the edge, with one message each.

A view reads its query string and posted fields through these parsers instead of `int()` and
`date.fromisoformat()`: an id is a whole number in the database's range, a date lies in the
window the clinic's records use (1900-01-01 to 2100-12-31, so date arithmetic never leaves
Python's range), free text has a length limit. A bad value raises `BadRequestParameter`, which
the request-validation middleware (`cleannote.web.request_validation`) answers with a 400 and a
message naming the parameter and the rule, never the value: a search term is a patient's name.

Forms get the same window (`SaneDatesMixin`) and the birth-date rule (`validate_birth_date`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

# The visit reader's bound, so the web form and the command line refuse the same birth dates.
from cleannote.rules.visit_format import EARLIEST_BIRTH_DATE

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# Ids are BigAutoField keys: a larger number cannot name a row, and PostgreSQL refuses it.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
MESSAGE_LIMIT = 300

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DATE_WINDOW_TEXT = f"between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"


class BadRequestParameter(ValueError):
    """A query or form parameter that does not parse; `str()` names it and the rule only."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def _raw(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def param_id(params: Mapping[str, Any], name: str) -> int | None:
    """A row id from `params[name]`; None when absent or empty."""
    raw = _raw(params, name)
    if not raw:
        return None
    if len(raw) > MAX_ID_DIGITS or not _ASCII_DIGITS.fullmatch(raw):
        raise BadRequestParameter(name, "must be an id (a whole number)")
    number = int(raw)
    if not 1 <= number <= MAX_ID:
        raise BadRequestParameter(name, "must be an id (a whole number)")
    return number


def parse_date(raw: str) -> dt.date | None:
    """`raw` as a date in the window, or None when it is not one."""
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def param_date(params: Mapping[str, Any], name: str) -> dt.date | None:
    """A date (YYYY-MM-DD) in the window from `params[name]`; None when absent or empty."""
    raw = _raw(params, name)
    if not raw:
        return None
    day = parse_date(raw)
    if day is None:
        raise BadRequestParameter(name, f"must be a date (YYYY-MM-DD) {DATE_WINDOW_TEXT}")
    return day


def param_text(params: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """Free text from `params[name]`, stripped; longer than `max_length` is refused, not cut."""
    raw = _raw(params, name)
    if len(raw) > max_length:
        raise BadRequestParameter(name, f"longer than {max_length} characters")
    return raw


def param_choice(params: Mapping[str, Any], name: str, choices: Collection[str]) -> str:
    """One of `choices` from `params[name]`; "" when absent or empty."""
    raw = _raw(params, name)
    if raw and raw not in choices:
        raise BadRequestParameter(name, "is not one of the offered choices")
    return raw


def bounded_message(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message safe to show on a page or in a log: one line, control characters replaced,
    at most `limit` characters. Templates escape it; this keeps it short."""
    one_line = _UNPRINTABLE.sub("?", " ".join(text.split()))
    if len(one_line) <= limit:
        return one_line
    return one_line[: limit - 1].rstrip() + "…"


def form_problem(form: forms.BaseForm) -> str:
    """The form's first problem as "field: message", bounded, for a page message."""
    for name, errors in form.errors.items():
        label = "form" if name == "__all__" else name
        return bounded_message(f"{label}: {' '.join(str(e) for e in errors)}")
    return "the form did not validate"


def refuse_nul_bytes(upload: Any) -> None:
    """An uploaded text file (X12) holding a NUL byte is refused: no X12 file needs one, and
    PostgreSQL cannot store it. The file is read in chunks and rewound."""
    for chunk in upload.chunks():
        if b"\x00" in chunk:
            upload.seek(0)
            raise ValidationError("holds a NUL byte; an X12 file is plain text", code="nul_byte")
    upload.seek(0)


class X12UploadForm(forms.Form):
    """One uploaded X12 file, kept by `clean_file` when it is at most `max_bytes` (else
    `too_big`, which says what to do instead) and holds no NUL byte. A subclass names its
    `file` field's label, the limit and the words."""

    max_bytes: ClassVar[int]
    too_big: ClassVar[str]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(self.too_big)
        refuse_nul_bytes(upload)
        return upload


# --- forms ------------------------------------------------------------------------------------


def validate_date_window(value: dt.date | None) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(f"Enter a date {DATE_WINDOW_TEXT}.", code="date_window")


def validate_birth_date(value: dt.date | None, *, today: dt.date) -> None:
    """A birth date is on or after 1900-01-01 and not after today."""
    if value is None:
        return
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            "A birth date before 1900-01-01 is not accepted; check the year.", code="birth_early"
        )
    if value > today:
        raise ValidationError("A birth date cannot be in the future.", code="birth_future")


class SaneDatesMixin:
    """Every date field of the form accepts only dates in the window (1900-01-01 to
    2100-12-31), with a message next to the field."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators = [*field.validators, validate_date_window]
