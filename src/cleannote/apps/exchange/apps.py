from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Files in and out of clearinghouses: control numbers, trading-partner identities, the
    outbox adapter and the worker (ADR 0402)."""

    name = "cleannote.apps.exchange"
    label = "exchange"
