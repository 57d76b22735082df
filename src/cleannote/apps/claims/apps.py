from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "cleannote.apps.claims"
    label = "claims"

    def ready(self) -> None:
        # The exchange sits below claims: its poll files waiting 837P batches and hands over
        # downloaded 999s and 277CAs through these hooks (ADR 0701, 0702).
        from cleannote.apps.claims import forward_facts, pip_limits
        from cleannote.apps.claims.acknowledgments import (
            import_downloaded_277ca,
            import_downloaded_999,
        )
        from cleannote.apps.claims.tasks import file_pending_batches
        from cleannote.apps.exchange.routing import IMPORTERS, UPLOADERS
        from cleannote.apps.notes import forward_facts as note_facts
        from cleannote.apps.patients import benefit_limits
        from cleannote.apps.scheduling import forward_flags

        UPLOADERS["837P"].register(file_pending_batches)
        IMPORTERS["999"].register(import_downloaded_999)
        IMPORTERS["277CA"].register(import_downloaded_277ca)
        # Scheduling sits below claims and beside notes: its forward compliance view asks
        # both through these hooks, answered here, above both (ADR 0401, ADR 0620).
        forward_flags.case_treatment_days.register(note_facts.case_days)
        forward_flags.therapy_billing.register(forward_facts.therapy_billing)
        # The chart's case page shows what the PIP/MedPay carrier paid (ADR 0770).
        benefit_limits.pip_paid.register(pip_limits.pip_paid)
        forward_flags.authorization_units.register(note_facts.referral_units)
