"""The Django project: settings, URLs and the WSGI entry point (the shell around the core)."""
