from django.apps import AppConfig
from django.conf import settings

from cleannote.private_files import make_sqlite_private


class WebConfig(AppConfig):
    """Installed so the base template and the shared static files are found like any app's,
    and so the SQLite database is made owner-only (0600) before the first connection."""

    name = "cleannote.web"
    label = "web"

    def ready(self) -> None:
        make_sqlite_private(settings.DATABASES["default"])
