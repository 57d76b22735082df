from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "cleannote.apps.notes"
    label = "notes"

    def ready(self) -> None:
        # Patients sit below notes: the chart asks for its notes through these hooks (ADR 0401).
        from cleannote.apps.notes import authorization_usage, rtm_note, selectors
        from cleannote.apps.patients import clinical_selectors, rtm_selectors
        from cleannote.apps.patients import selectors as patients

        patients.chart_notes.register(selectors.notes_for_chart)
        patients.with_visits_used.register(selectors.with_visits_used)
        clinical_selectors.referral_usage.register(authorization_usage.usage_by_method)
        rtm_selectors.rtm_billed_codes.register(rtm_note.billed_rtm_codes)
