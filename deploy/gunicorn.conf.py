"""gunicorn settings for Cleannote (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Listens on 127.0.0.1 only: the TLS proxy (deploy/Caddyfile) is the one way in. Each value can
be changed through the environment named beside it.
"""

import os

wsgi_app = "cleannote.web.wsgi:application"
bind = os.environ.get("CLEANNOTE_BIND", "127.0.0.1:8000")
# Server-rendered pages wait on the database, not the CPU: two to four workers per core.
workers = int(os.environ.get("CLEANNOTE_WEB_WORKERS", "4"))
# A report on a large clinic may take tens of seconds; anything longer is a bug to see.
timeout = int(os.environ.get("CLEANNOTE_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# A worker restarts after this many requests (plus jitter), so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# The proxy on this machine sets X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1"
# Access lines without query strings (a patient search is a name): path, status, size, time.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
