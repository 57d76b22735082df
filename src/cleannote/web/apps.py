from django.apps import AppConfig


class WebConfig(AppConfig):
    """Installed so the base template and the shared static files are found like any app's."""

    name = "cleannote.web"
    label = "web"
