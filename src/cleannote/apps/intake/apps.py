from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "cleannote.apps.intake"
    label = "intake"
