from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "cleannote.apps.organisations"
    label = "organisations"
