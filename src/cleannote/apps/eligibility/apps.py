from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "cleannote.apps.eligibility"
    label = "eligibility"

    def ready(self) -> None:
        # Scheduling sits below eligibility: its day list asks through this hook (ADR 0401).
        from cleannote.apps.eligibility.selectors import (
            badges_for_appointments,
            copay_due_for,
            latest_by_patient,
        )
        from cleannote.apps.scheduling import copay, coverage_badges
        from cleannote.apps.scheduling import selectors as scheduling

        scheduling.coverage_by_patient.register(latest_by_patient)
        copay.copay_due.register(copay_due_for)
        coverage_badges.coverage_badges.register(badges_for_appointments)

        # The exchange sits below eligibility: it files waiting 270s and hands over downloaded
        # 271s through its hooks (ADR 0701).
        from cleannote.apps.eligibility.tasks import file_pending_requests, import_downloaded_271
        from cleannote.apps.exchange.routing import IMPORTERS, UPLOADERS

        UPLOADERS["270"].register(file_pending_requests)
        IMPORTERS["271"].register(import_downloaded_271)
