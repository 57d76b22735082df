from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "cleannote.apps.patients"
    label = "patients"

    def ready(self) -> None:
        # Messaging sits below patients: a retried message asks the chart's address through
        # this hook, so a number fixed on the chart is the one used (ADR 0672).
        from cleannote.apps.messaging import actions as messaging
        from cleannote.apps.patients.selectors import consented_address

        messaging.current_address.register(consented_address)
