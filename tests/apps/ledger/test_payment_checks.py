"""What a desk payment must look like before it is recorded (ADR 0650): one row per rule."""

from decimal import Decimal

import pytest

from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.payment_checks import checked_payment


@pytest.mark.parametrize(
    ("amount", "method", "reference", "recorded"),
    [
        pytest.param("25", "cash", "", (Decimal("25.00"), "cash", ""), id="cash-whole-dollars"),
        pytest.param("0.01", "cash", "", (Decimal("0.01"), "cash", ""), id="one-cent"),
        pytest.param(
            Decimal("17.5"), "check", "1042", (Decimal("17.50"), "check", "1042"), id="check"
        ),
        pytest.param("40.00", "card", "4242", (Decimal("40.00"), "card", "4242"), id="last-4"),
        pytest.param(
            "40.00",
            "card",
            " ch_3NxYz12AbC ",
            (Decimal("40.00"), "card", "ch_3NxYz12AbC"),
            id="processor-reference-trimmed",
        ),
        pytest.param(
            "99999.99",
            "card",
            "AUTH-829301",
            (Decimal("99999.99"), "card", "AUTH-829301"),
            id="largest-amount",
        ),
    ],
)
def test_a_payment_is_recorded_to_the_cent(amount, method, reference, recorded):
    payment = checked_payment(amount, method, reference)
    assert (payment.amount, payment.method.value, payment.reference) == recorded
    assert payment.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "method", "reference", "field", "says"),
    [
        pytest.param("0", "cash", "", "amount", "more than 0.00", id="zero"),
        pytest.param("-5.00", "cash", "", "amount", "more than 0.00", id="negative"),
        pytest.param("12.345", "cash", "", "amount", "to the cent", id="fraction-of-a-cent"),
        pytest.param("ten", "cash", "", "amount", "dollars and cents", id="not-a-number"),
        pytest.param("NaN", "cash", "", "amount", "dollars and cents", id="nan"),
        pytest.param(None, "cash", "", "amount", "dollars and cents", id="missing"),
        pytest.param("100000.00", "cash", "", "amount", "at most 99,999.99", id="too-much"),
        pytest.param("5", "bitcoin", "", "method", "cash, check or card", id="unknown-method"),
        pytest.param("5", "", "", "method", "cash, check or card", id="no-method"),
        pytest.param("5", "cash", "note", "reference", "empty for cash", id="cash-reference"),
        pytest.param("5", "check", "", "reference", "check's number", id="check-no-number"),
        pytest.param("5", "check", "10A", "reference", "digits only", id="check-letters"),
        pytest.param("5", "card", "", "reference", "last 4 digits", id="card-no-reference"),
        pytest.param("5", "card", "424", "reference", "exactly the last 4", id="card-3-digits"),
        pytest.param("5", "card", "424242", "reference", "exactly the last 4", id="card-6-digits"),
        pytest.param("5", "card", "4242424242424242", "reference", "card number", id="card-number"),
        pytest.param(
            "5", "card", "4242 4242 4242 4242", "reference", "card number", id="spaced-card-number"
        ),
        pytest.param(
            "5", "card", "4242-4242-4242-4242", "reference", "card number", id="dashed-card-number"
        ),
        pytest.param(
            "5", "card", "visa4111111111111111", "reference", "card number", id="number-in-text"
        ),
        pytest.param(
            "5", "check", "4111111111111", "reference", "card number", id="card-number-as-check"
        ),
        pytest.param(
            "5", "cash", "5555555555554444", "reference", "card number", id="card-number-on-cash"
        ),
        pytest.param("5", "card", "ch 123", "reference", "no spaces", id="reference-space"),
    ],
)
def test_a_payment_is_refused_with_the_field_and_never_the_typed_value(
    amount, method, reference, field, says
):
    with pytest.raises(LedgerRefused) as refused:
        checked_payment(amount, method, reference)
    assert refused.value.field == field
    assert says in refused.value.message
    if reference.strip():
        assert reference.strip() not in str(refused.value)
