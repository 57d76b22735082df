from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "cleannote.apps.claims"
    label = "claims"

    def ready(self) -> None:
        # The exchange sits below claims: its poll files waiting 837P batches through this
        # hook (ADR 0701).
        from cleannote.apps.claims.tasks import file_pending_batches
        from cleannote.apps.exchange.routing import UPLOADERS

        UPLOADERS["837P"].register(file_pending_batches)
