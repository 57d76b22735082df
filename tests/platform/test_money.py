"""Money shown to the cent, whatever scale it was summed at."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from cleannote.platform.money import format_money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("17.6000000000000"), "$17.60"),
        (Decimal("1234.5"), "$1,234.50"),
        (Decimal("-17.6"), "-$17.60"),
        (Decimal("0.005"), "$0.01"),
        (Decimal("0.004"), "$0.00"),
        (12, "$12.00"),
        ("3.1", "$3.10"),
        (None, ""),
        ("", ""),
        ("twelve", ""),
        (Decimal("NaN"), ""),
        (Decimal("Infinity"), ""),
    ],
)
def test_format_money(value, shown):
    assert format_money(value) == shown


def test_the_money_filter_is_the_same_function():
    rendered = Template("{% load money %}{{ amount|money }}").render(
        Context({"amount": Decimal("1234.5")})
    )
    assert rendered == "$1,234.50"
