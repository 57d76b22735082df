"""Money shown to a person: a Decimal to the cent with a dollar sign ("$1,234.50", "-$17.60"),
whatever the scale it was computed or summed at. Every money display uses `format_money`
(templates through the `|money` filter)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_CENT = Decimal("0.01")


def format_money(value: object) -> str:
    """The amount to the cent ("$17.60" for 17.6000000000000); "" for None or no number."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not cents.is_finite():
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"
