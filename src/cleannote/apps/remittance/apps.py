from django.apps import AppConfig


class RemittanceConfig(AppConfig):
    name = "cleannote.apps.remittance"
    label = "remittance"
