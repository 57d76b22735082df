#!/usr/bin/env python
"""Django's command-line utility for the clinic app (migrate, runserver, cleannote_demo)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannote.web.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:  # a missing key: one line saying what to set
        sys.exit(f"cleannote: {exc}")
