"""WSGI entry point for production servers (gunicorn, uwsgi): `cleannote.web.wsgi:application`.

Once the project is loaded, everything alive (Django, the apps, the templates' modules) is moved
out of the cyclic collector's sight with `gc.freeze()`: those objects live as long as the
process, and each full collection would otherwise walk all of them again for every large page
(ADR 0660). With a pre-forking server (gunicorn's `--preload`), frozen objects are also not
touched by the collector in the workers, so their memory stays shared.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")

application = get_wsgi_application()
gc.collect()  # what start-up left for the collector, gone before the rest is frozen
gc.freeze()
