"""What a desk payment must be before it is recorded: an amount to the cent above zero, a
method, and a reference that fits the method. A card is recorded by its last 4 digits or the
card processor's reference, never its number: anything holding 13 or more digits in a row
(spaces and dashes between them ignored) is refused, since card numbers are 13 to 19 digits
(ISO/IEC 7812), and the refusal never repeats what was typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cleannote.apps.ledger.errors import LedgerRefused
from cleannote.apps.ledger.models import PaymentMethod

MAX_AMOUNT = Decimal("99999.99")
_CENT = Decimal("0.01")
_CHECK_NUMBER = re.compile(r"[0-9]{1,10}")
_PROCESSOR_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{3,63}")
_LONG_DIGIT_RUN = re.compile(r"[0-9]{13,}")


@dataclass(frozen=True, slots=True)
class PaymentInput:
    amount: Decimal
    method: PaymentMethod
    reference: str


def checked_amount(amount: Decimal | str | None) -> Decimal:
    try:
        value = Decimal(str(amount).strip()) if amount is not None else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise LedgerRefused("amount", "enter the amount in dollars and cents, e.g. 25.00")
    if value.adjusted() >= 6:  # a million or more: past the limit, and past what quantize takes
        raise LedgerRefused(
            "amount", "must be more than 0.00" if value < 0 else f"must be at most {MAX_AMOUNT:,}"
        )
    if value != value.quantize(_CENT):
        raise LedgerRefused("amount", "give the amount to the cent (at most 2 decimals)")
    if value <= 0:
        raise LedgerRefused("amount", "must be more than 0.00")
    if value > MAX_AMOUNT:
        raise LedgerRefused("amount", f"must be at most {MAX_AMOUNT:,}")
    return value.quantize(_CENT)


def checked_reference(method: PaymentMethod, reference: str) -> str:
    text = (reference or "").strip()
    if _LONG_DIGIT_RUN.search(re.sub(r"(?<=[0-9])[ -]+(?=[0-9])", "", text)):
        raise LedgerRefused(
            "reference",
            "looks like a card number: record only its last 4 digits or the processor's reference",
        )
    if method == PaymentMethod.CASH:
        if text:
            raise LedgerRefused("reference", "leave empty for cash")
        return ""
    if method == PaymentMethod.CHECK:
        if not _CHECK_NUMBER.fullmatch(text):
            raise LedgerRefused("reference", "the check's number: digits only, at most 10")
        return text
    if not text:
        raise LedgerRefused(
            "reference", "a card payment needs its last 4 digits or the processor's reference"
        )
    if text.isdigit() and len(text) != 4:
        raise LedgerRefused(
            "reference", "card digits: exactly the last 4 (or the processor's reference)"
        )
    if not _PROCESSOR_REFERENCE.fullmatch(text):
        raise LedgerRefused(
            "reference", "a processor reference: 4 to 64 letters, digits, - or _, no spaces"
        )
    return text


def checked_payment(amount: Decimal | str | None, method: str, reference: str) -> PaymentInput:
    """The payment as recorded, or `LedgerRefused` naming the first field to fix."""
    if method not in PaymentMethod.values:
        raise LedgerRefused("method", "choose cash, check or card")
    kind = PaymentMethod(method)
    return PaymentInput(checked_amount(amount), kind, checked_reference(kind, reference))
