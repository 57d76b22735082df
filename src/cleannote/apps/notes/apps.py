from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "cleannote.apps.notes"
    label = "notes"
