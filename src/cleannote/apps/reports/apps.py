from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cleannote.apps.reports"
    label = "reports"
