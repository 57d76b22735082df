"""The shared edge parsers: every hostile value is refused with a message that names the
parameter and the rule, never the value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannote.platform.request_params import (
    BadRequestParameter,
    bounded_message,
    param_choice,
    param_date,
    param_id,
    param_text,
    validate_birth_date,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", None), ("  ", None), ("7", 7), (" 42 ", 42), (str(2**63 - 1), 2**63 - 1)],
)
def test_param_id_reads_ids(raw, expected):
    assert param_id({"location": raw}, "location") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "99999999999999999999999",
        str(2**63),
        "0",
        "-1",
        "1.5",
        "abc",
        "٣",  # an Arabic-Indic digit: str.isdigit() says yes, int() would read it
        "²",
        "9" * 5000,
    ],
)
def test_param_id_refuses_what_is_not_an_id(raw):
    with pytest.raises(BadRequestParameter) as caught:
        param_id({"location": raw}, "location")
    assert str(caught.value) == "location: must be an id (a whole number)"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", None), ("2026-03-04", dt.date(2026, 3, 4)), ("1900-01-01", dt.date(1900, 1, 1))],
)
def test_param_date_reads_dates_in_the_window(raw, expected):
    assert param_date({"day": raw}, "day") == expected


@pytest.mark.parametrize(
    "raw",
    ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2026-02-30", "tomorrow", "20260304"],
)
def test_param_date_refuses_dates_outside_the_window(raw):
    with pytest.raises(BadRequestParameter) as caught:
        param_date({"day": raw}, "day")
    assert raw not in str(caught.value)
    assert "between 1900-01-01 and 2100-12-31" in str(caught.value)


def test_param_text_refuses_long_text_instead_of_cutting_it():
    assert param_text({"q": " Smith "}, "q", max_length=80) == "Smith"
    with pytest.raises(BadRequestParameter, match="q: longer than 80 characters"):
        param_text({"q": "x" * 81}, "q", max_length=80)


def test_param_choice():
    assert param_choice({"status": "ready"}, "status", {"ready", "draft"}) == "ready"
    assert param_choice({}, "status", {"ready"}) == ""
    with pytest.raises(BadRequestParameter):
        param_choice({"status": "nope"}, "status", {"ready"})


def test_bounded_message_is_one_short_line():
    shown = bounded_message("ISA*" + "x" * 5_000_000 + "\x00\n~")
    assert len(shown) <= 300
    assert "\n" not in shown
    assert "\x00" not in shown


@pytest.mark.parametrize(
    ("born", "code"),
    [(dt.date(1899, 12, 31), "birth_early"), (dt.date(2026, 3, 5), "birth_future")],
)
def test_birth_dates_before_1900_or_in_the_future_are_refused(born, code):
    with pytest.raises(ValidationError) as caught:
        validate_birth_date(born, today=dt.date(2026, 3, 4))
    assert caught.value.code == code
    assert born.isoformat() not in str(caught.value)


def test_birth_dates_in_range_pass():
    validate_birth_date(dt.date(1900, 1, 1), today=dt.date(2026, 3, 4))
    validate_birth_date(dt.date(2026, 3, 4), today=dt.date(2026, 3, 4))
    validate_birth_date(None, today=dt.date(2026, 3, 4))
