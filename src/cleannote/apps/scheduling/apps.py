from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "cleannote.apps.scheduling"
    label = "scheduling"
