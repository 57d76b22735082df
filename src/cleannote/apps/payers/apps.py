from django.apps import AppConfig


class PayersConfig(AppConfig):
    name = "cleannote.apps.payers"
    label = "payers"
    verbose_name = "Payer directory"
