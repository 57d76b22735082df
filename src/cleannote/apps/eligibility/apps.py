from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "cleannote.apps.eligibility"
    label = "eligibility"

    def ready(self) -> None:
        # Scheduling sits below eligibility: its day list asks through this hook (ADR 0401).
        from cleannote.apps.eligibility.selectors import copay_due_for, latest_by_patient
        from cleannote.apps.scheduling import copay
        from cleannote.apps.scheduling import selectors as scheduling

        scheduling.coverage_by_patient.register(latest_by_patient)
        copay.copay_due.register(copay_due_for)
