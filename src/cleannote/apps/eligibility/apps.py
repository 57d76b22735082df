from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "cleannote.apps.eligibility"
    label = "eligibility"
