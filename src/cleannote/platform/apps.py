from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Installed (it has no models) so its template filters (`{% load money %}`) are found;
    ready() registers the `any_of` lookup (id_lists.py)."""

    name = "cleannote.platform"
    label = "cleannote_platform"

    def ready(self) -> None:
        from cleannote.platform import id_lists

        id_lists.register()
