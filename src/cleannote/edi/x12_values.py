"""How Cleannote values become X12 element values, shared by every writer.

Identifiers are checked for shape here (digits, length) because a malformed NPI or ZIP is the
kind of error a clearinghouse rejects a whole batch for; messages name the element and the
problem, never the value, since several of these fields are PHI.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from cleannote.edi.envelope import X12WriteError
from cleannote.rules.claim_format_limits import limit_of
from cleannote.rules.visit import Address

_CENT = Decimal("0.01")


def fit(value: str, max_length: int) -> str:
    """Trim a free-text value (a name, an address line) to its element's maximum length."""
    return " ".join(value.split())[:max_length]


def required_text(
    value: str | None, max_length: int, where: str, rule: str = "format.required"
) -> str:
    text = fit(value or "", max_length)
    if not text:
        raise X12WriteError(f"{where} is required and is empty", rule=rule)
    return text


def x12_date(value: dt.date) -> str:
    """CCYYMMDD (D8). `isoformat` is the fastest correct formatter: this runs once a segment."""
    return value.isoformat().replace("-", "")


def amount(value: Decimal, where: str, rule: str = "format.charge") -> str:
    """An X12 R value: no trailing zeros after the point, no point for whole amounts."""
    if value.__class__ is not Decimal:
        raise X12WriteError(f"{where} must be a Decimal, got {type(value).__name__}", rule=rule)
    text = _amount_text(value)
    if text is None:
        raise X12WriteError(
            f"{where} {value} is not a money amount with at most two decimals", rule=rule
        )
    return text


@lru_cache(maxsize=4096)
def _amount_text(value: Decimal) -> str | None:
    """Fee schedules repeat the same few charges, so the formatting is worth remembering."""
    if not value.is_finite() or value != value.quantize(_CENT):
        return None
    text = f"{value:.2f}"
    if text.endswith(".00"):
        return text[:-3]
    return text.rstrip("0")


def digits(value: str, lengths: tuple[int, ...], where: str, strip: str = "", *, rule: str) -> str:
    """A numeric identifier of one of the allowed lengths, after removing `strip` characters."""
    cleaned = value.translate({ord(c): None for c in strip}) if strip else value
    if not cleaned.isdigit() or not cleaned.isascii() or len(cleaned) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise X12WriteError(f"{where} must be {allowed} digits", rule=rule)
    return cleaned


def npi(value: str, where: str) -> str:
    return digits(value, (limit_of("format.npi"),), f"{where} NPI", rule="format.npi")


def phone(value: str, where: str) -> str:
    number = "".join(c for c in value if c.isdigit())
    if len(number) < 10:
        raise X12WriteError(
            f"{where} phone number must have at least 10 digits", rule="caller.envelope"
        )
    return number


def address_segments(
    address: Address, where: str, *, nine_digit_zip: bool = False, zip_rule: str = "format.address"
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """N3 and N4 for an address; billing provider loops demand the ZIP+4 (`zip_rule` names the
    scrub rule that says so first)."""
    line2 = fit(address.line2, 55) if address.line2 else ""
    line1 = required_text(address.line1, 55, f"{where} N301", "format.address")
    n3 = ("N3", line1, *((line2,) if line2 else ()))
    state = address.state.strip().upper()
    if len(state) != 2 or not state.isalpha():
        raise X12WriteError(f"{where} N402 state must be a two-letter code", rule="format.address")
    zip_code = digits(
        address.zip, (9,) if nine_digit_zip else (5, 9), f"{where} N403 ZIP", "- ", rule=zip_rule
    )
    city = required_text(address.city, 30, f"{where} N401", "format.address")
    return n3, ("N4", city, state, zip_code)
