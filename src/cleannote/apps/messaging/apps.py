from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "cleannote.apps.messaging"
    label = "messaging"
    verbose_name = "Outbound messages"
