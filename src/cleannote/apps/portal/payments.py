"""Who takes a patient's card payment in the portal: an adapter class named by a setting, as
messaging's text senders are (ADR 0951).

`CLEANNOTE_PORTAL_PAYMENT_ADAPTER` names a class with `take(amount, reference) -> str`: it
carries the payment out (or confirms one the patient made elsewhere) and returns the
processor's reference, which the ledger records; it raises `PaymentDeclined` to refuse. The
default, `ReferenceOnlyAdapter`, charges nothing and talks to no service: it records the
confirmation reference the patient typed (from the clinic's card terminal link, their bank's
bill pay, a processor's hosted page). A live processor is a small class that calls its API
with the amount and returns the reference it answers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class PaymentDeclined(Exception):
    """The adapter refused the payment; the words are for the patient, never a card number."""


class PaymentAdapter(Protocol):
    def take(self, amount: Decimal, reference: str) -> str:
        """Carry out (or confirm) the payment; return the processor's reference for it."""
        ...


class ReferenceOnlyAdapter:
    """Records the reference the patient typed, as it is: no money moves here."""

    def take(self, amount: Decimal, reference: str) -> str:
        return reference.strip()


def payment_adapter() -> PaymentAdapter:
    adapter_class = import_string(settings.CLEANNOTE_PORTAL_PAYMENT_ADAPTER)
    adapter: PaymentAdapter = adapter_class()
    return adapter
