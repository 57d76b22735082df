from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cleannote.apps.portal"
    label = "portal"
