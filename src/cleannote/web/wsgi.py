"""WSGI entry point for production servers (gunicorn, uwsgi): `cleannote.web.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")

application = get_wsgi_application()
