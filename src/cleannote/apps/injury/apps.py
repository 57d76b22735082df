from django.apps import AppConfig


class InjuryConfig(AppConfig):
    name = "cleannote.apps.injury"
    label = "injury"

    def ready(self) -> None:
        # Remittance sits below injury: a file's postings reach the lien ledger through this
        # hook (ADR 0761).
        from cleannote.apps.injury.actions import copy_carrier_payments
        from cleannote.apps.remittance.actions import after_posting

        after_posting.register(copy_carrier_payments)
