from django.apps import AppConfig


class RemittanceConfig(AppConfig):
    name = "cleannote.apps.remittance"
    label = "remittance"

    def ready(self) -> None:
        # The exchange sits below remittance: a downloaded 835 comes here by a hook (ADR 0701).
        from cleannote.apps.exchange.routing import IMPORTERS
        from cleannote.apps.remittance.tasks import import_downloaded_835

        IMPORTERS["835"].register(import_downloaded_835)
