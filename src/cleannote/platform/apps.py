from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Installed (it has no models) so its template filters (`{% load money %}`) are found."""

    name = "cleannote.platform"
    label = "cleannote_platform"
