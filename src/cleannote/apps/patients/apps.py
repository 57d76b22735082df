from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "cleannote.apps.patients"
    label = "patients"
