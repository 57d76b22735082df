from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cleannote.apps.audit"
    label = "audit"
