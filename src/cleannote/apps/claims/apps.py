from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "cleannote.apps.claims"
    label = "claims"
