from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "cleannote.apps.ledger"
    label = "ledger"
