from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "cleannote.apps.claims"
    label = "claims"

    def ready(self) -> None:
        # The exchange sits below claims: its poll files waiting 837P batches through this
        # hook (ADR 0701).
        from cleannote.apps.claims import forward_facts
        from cleannote.apps.claims.tasks import file_pending_batches
        from cleannote.apps.exchange.routing import UPLOADERS
        from cleannote.apps.notes import forward_facts as note_facts
        from cleannote.apps.scheduling import forward_flags

        UPLOADERS["837P"].register(file_pending_batches)
        # Scheduling sits below claims and beside notes: its forward compliance view asks
        # both through these hooks, answered here, above both (ADR 0401, ADR 0620).
        forward_flags.case_treatment_days.register(note_facts.case_days)
        forward_flags.therapy_billing.register(forward_facts.therapy_billing)
