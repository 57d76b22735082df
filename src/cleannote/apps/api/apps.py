from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cleannote.apps.api"
    label = "api"
    verbose_name = "JSON API"
