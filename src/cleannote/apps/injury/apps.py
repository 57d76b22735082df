from django.apps import AppConfig


class InjuryConfig(AppConfig):
    name = "cleannote.apps.injury"
    label = "injury"
