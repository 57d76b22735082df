"""The National Provider Identifier check digit.

An NPI is ten digits whose last digit is a Luhn check digit computed as if the number were
prefixed by "80840" (the ISO card-issuer prefix CMS chose for health identifiers). Checking it
catches most mistyped NPIs at the form, long before a clearinghouse rejects the claim.
Source: CMS, "Requirements for Constructing the NPI Check Digit" (NPI final rule, 2004).
"""

from __future__ import annotations

_PREFIX = "80840"


def npi_check_digit(first_nine: str) -> int:
    """The check digit that completes `first_nine` into a valid NPI."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError(f"NPI base {first_nine!r}: expected exactly 9 digits")
    total = 0
    # Luhn: double every second digit counting from the right of the payload (the check digit
    # position is the rightmost, so the payload's rightmost digit is doubled).
    for position, char in enumerate(reversed(_PREFIX + first_nine)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(npi: str) -> bool:
    """True when `npi` is ten ASCII digits whose last digit is the right check digit."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    return npi_check_digit(npi[:9]) == int(npi[9])


def npi_problem(npi: str) -> str | None:
    """Why `npi` is not a valid NPI, in plain words, or None when it is."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return f"NPI {npi!r} must be exactly 10 digits"
    if not is_valid_npi(npi):
        return f"NPI {npi!r} fails the check digit: look for a mistyped digit"
    return None
