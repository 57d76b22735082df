"""Intake forms a clinic builds, consents, and Advance Beneficiary Notices: what a patient fills
and signs, kept on the chart as signed, read-only documents (issue 16)."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "cleannote.apps.intake"
    label = "intake"

    def ready(self) -> None:
        from cleannote.apps.intake import hook_answers
        from cleannote.apps.intake.selectors import signed_notices_for
        from cleannote.apps.notes.advance_notices import BENEFICIARY_NOTICES
        from cleannote.apps.scheduling import booking_hooks

        BENEFICIARY_NOTICES.register(signed_notices_for)
        booking_hooks.appointment_booked.register(hook_answers.forms_at_booking)
        booking_hooks.patient_tasks.register(hook_answers.tasks_in_message)
