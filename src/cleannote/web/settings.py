"""Django settings for the clinic app.

Everything a deployment changes comes from the environment, so one settings module serves the
laptop (`make run`: SQLite under var/), CI (SQLite, then PostgreSQL through DATABASE_URL) and
production. Security defaults are the strict ones; development loosens only what it must.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = Path(os.environ.get("CLEANNOTE_DATA_DIR", REPO_ROOT / "var"))

DEBUG = os.environ.get("CLEANNOTE_DEBUG", "") == "1"
# pytest (8.2 and later) sets PYTEST_VERSION for the run it starts: the suite then signs with
# keys made for this process only, so no key written in the code is used outside the demo.
TEST_RUN = "PYTEST_VERSION" in os.environ


def _required_keys() -> tuple[str, str]:
    """DJANGO_SECRET_KEY and CLEANNOTE_AUDIT_KEY; without them only the demo or a test run starts.

    The audit key anchors the audit chain's head (ADR 0211). It is kept apart from the secret
    key so rotating the session-signing key never invalidates the audit log. In the demo it is
    derived from the secret key; the demo's secret key is the one written below.
    """
    secret = os.environ.get("DJANGO_SECRET_KEY", "")
    audit = os.environ.get("CLEANNOTE_AUDIT_KEY", "")
    if not DEBUG and not TEST_RUN:
        missing = [
            name
            for name, value in (("DJANGO_SECRET_KEY", secret), ("CLEANNOTE_AUDIT_KEY", audit))
            if not value
        ]
        if missing:
            raise ImproperlyConfigured(
                f"Set {' and '.join(missing)} in the environment (long random strings, kept "
                "outside the database), or CLEANNOTE_DEBUG=1 for the demo."
            )
        if len(audit) < 32:
            raise ImproperlyConfigured(
                "CLEANNOTE_AUDIT_KEY is too short: set it to at least 32 random characters."
            )
    if not secret:
        secret = (
            secrets.token_urlsafe(50)
            if TEST_RUN and not DEBUG
            # `manage.py check --deploy` flags this key by its prefix.
            else "django-insecure-cleannote-development-key-never-use-in-production"
        )
    if not audit:
        audit = hmac.new(secret.encode(), b"cleannote audit anchor", hashlib.sha256).hexdigest()
    return secret, audit


SECRET_KEY, CLEANNOTE_AUDIT_KEY = _required_keys()
# What the audit page says about the key the chain's head is anchored with.
CLEANNOTE_AUDIT_KEY_SOURCE = (
    "CLEANNOTE_AUDIT_KEY"
    if os.environ.get("CLEANNOTE_AUDIT_KEY")
    else "derived from the secret key (demo or test run only)"
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CLEANNOTE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cleannote.web",
    "cleannote.platform",
    "cleannote.apps.organisations",
    "cleannote.apps.accounts",
    "cleannote.apps.payers",
    "cleannote.apps.messaging",
    "cleannote.apps.patients",
    "cleannote.apps.notes",
    "cleannote.apps.audit",
    "cleannote.apps.exchange",
    "cleannote.apps.claims",
    "cleannote.apps.scheduling",
    "cleannote.apps.eligibility",
    "cleannote.apps.remittance",
    "cleannote.apps.ledger",
    "cleannote.apps.injury",
    "cleannote.apps.reports",
    "cleannote.apps.inventory",
    "cleannote.apps.intake",
    "cleannote.apps.exercises",
    "cleannote.apps.fhir",
    "cleannote.apps.api",
    "cleannote.apps.portal",
    # django-ninja: its `export_openapi_schema` command writes docs/openapi.json (ADR 0901).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cleannote.web.middleware.SecurityHeadersMiddleware",
    "cleannote.web.request_validation.RequestValidationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cleannote.apps.accounts.middleware.IdleTimeoutMiddleware",
    # After the idle timeout: a code, a forced password change or set-up first (ADR 0221).
    "cleannote.apps.organisations.two_factor.SignInGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A 403 or 404 on a record's URL is an audit event (ADR 0213).
    "cleannote.web.middleware.RefusedAccessAuditMiddleware",
    # Last: turns a sign-in refused by the lockout into the sign-in page's answer (ADR 0214).
    "axes.middleware.AxesMiddleware",
]

# Two-factor sign-in (django-otp TOTP): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = "Cleannote"

ROOT_URLCONF = "cleannote.web.urls"
WSGI_APPLICATION = "cleannote.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cleannote.apps.organisations.context_processors.current_staff",
                "cleannote.apps.accounts.context_processors.idle_warning",
            ],
        },
    },
]

_DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'cleannote.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _DEFAULT_SQLITE), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # BEGIN IMMEDIATE makes every atomic block take SQLite's write lock up front, so two
    # processes appending to the audit chain queue up instead of failing (see ADR 0072).
    # WAL: a commit appends to one log file instead of rewriting a rollback journal, so the
    # audit row every page view commits costs one sync, and readers never wait on a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0


def _replica_database(url: str, default: Mapping[str, Any]) -> dj_database_url.DBConfig | None:
    """The `replica` database for REPLICA_DATABASE_URL (ADR 0840), or None without one.

    A PostgreSQL hot standby of the default database: reports read from it inside
    `cleannote.platform.replica.replica_reads()`, nothing else does, and nothing writes to it.
    In a test run it mirrors the default database, so no test database is made for it.
    """
    if not url:
        return None
    replica = dj_database_url.parse(url, conn_max_age=60)
    engines = {default["ENGINE"], replica["ENGINE"]}
    if engines != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            "REPLICA_DATABASE_URL names a read replica of a PostgreSQL database: set it (and "
            "DATABASE_URL) to postgres:// addresses, or unset it."
        )
    # A replica that does not answer within seconds is skipped for the primary, not waited on.
    options = dict(replica.get("OPTIONS") or {})
    options.setdefault("connect_timeout", 3)
    replica["OPTIONS"] = options
    replica["TEST"] = {"MIRROR": "default"}
    return replica


_REPLICA = _replica_database(os.environ.get("REPLICA_DATABASE_URL", ""), DATABASES["default"])
if _REPLICA is not None:
    DATABASES["replica"] = _REPLICA
# Without a `replica` database the router sends everything to the default one.
DATABASE_ROUTERS = ["cleannote.platform.replica.ReplicaRouter"]


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in lockout (django-axes, ADR 0214): failures within the cool-off count per username and
# client address together, so nobody can lock someone else's account from elsewhere; a larger
# limit per address alone slows a spray of usernames from one address.
CLEANNOTE_LOGIN_MAX_FAILURES = int(os.environ.get("CLEANNOTE_LOGIN_MAX_FAILURES", "5"))
CLEANNOTE_LOGIN_LOCK_MINUTES = int(os.environ.get("CLEANNOTE_LOGIN_LOCK_MINUTES", "15"))
CLEANNOTE_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("CLEANNOTE_LOGIN_MAX_FAILURES_PER_ADDRESS", "20")
)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "cleannote.apps.accounts.throttle.SignInThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = CLEANNOTE_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=CLEANNOTE_LOGIN_LOCK_MINUTES)
# A refused try during a lock does not restart it, so "try again in N minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The same client address the audit log records (REMOTE_ADDR, set by the proxy in production).
AXES_CLIENT_IP_CALLABLE = "cleannote.apps.organisations.access.client_ip"
AXES_USERNAME_CALLABLE = "cleannote.apps.accounts.throttle.typed_username"
AXES_LOCKOUT_CALLABLE = "cleannote.apps.accounts.views.locked_out"
# Sign-ins and sign-outs are audit events already; no second log of them.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "next"]

# Idle sessions end: the cookie and the server-side session both expire after this long
# without a request, and the middleware enforces it even if the cookie age is changed.
CLEANNOTE_IDLE_TIMEOUT_MINUTES = int(os.environ.get("CLEANNOTE_IDLE_TIMEOUT_MINUTES", "15"))
SESSION_COOKIE_AGE = CLEANNOTE_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
# ...but the store writes an unchanged session only when its stored expiry is this stale, and
# the middleware's last-seen mark moves on the same step (ADR 0140): no write per keystroke.
SESSION_ENGINE = "cleannote.apps.accounts.session_store"
CLEANNOTE_SESSION_REFRESH_SECONDS = int(os.environ.get("CLEANNOTE_SESSION_REFRESH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

_HTTPS = os.environ.get("CLEANNOTE_HTTPS", "") == "1"
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = _HTTPS
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
# Browsers may ship the host as HTTPS-only (hstspreload.org); CLEANNOTE_HSTS_PRELOAD=0 leaves the
# directive out, for a host that may someday serve plain HTTP (docs/deploy.md).
SECURE_HSTS_PRELOAD = _HTTPS and os.environ.get("CLEANNOTE_HSTS_PRELOAD", "1") == "1"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("CLEANNOTE_TIME_ZONE", "America/New_York")
USE_I18N = False
USE_TZ = True

# Claims: filed 837P batches land in the outbox folder; background tasks go to Redis when
# REDIS_URL is set and run in-process otherwise (ADR 0110).
CLEANNOTE_OUTBOX_DIR = Path(os.environ.get("CLEANNOTE_OUTBOX_DIR", DATA_DIR / "outbox"))
# The clinic's own exercise pictures and videos (ADR 0970): served by a view that checks who
# asks, never as public static files.
CLEANNOTE_MEDIA_DIR = Path(os.environ.get("CLEANNOTE_MEDIA_DIR", DATA_DIR / "media"))
# FHIR bulk exports and patients' whole-record archives: private files (0600), ADR 0911.
CLEANNOTE_FHIR_EXPORT_DIR = Path(
    os.environ.get("CLEANNOTE_FHIR_EXPORT_DIR", DATA_DIR / "fhir-exports")
)
# Hours a finished bulk export's files are kept before the nightly sweep removes them (ADR 0913).
CLEANNOTE_FHIR_EXPORT_TTL_HOURS = int(os.environ.get("CLEANNOTE_FHIR_EXPORT_TTL_HOURS", "24"))
REDIS_URL = os.environ.get("REDIS_URL", "")

# One cache that every server and worker process shares, so the patient pages' rate limits
# count once however many processes serve them (ADRs 0641, 0844): Redis at
# CLEANNOTE_CACHE_URL; else the Redis of the task queue (REDIS_URL), its keys apart under a
# prefix; else a table in the database (`cleannote_cache`, made by a migration). Never a
# process's own memory: a second process would count from zero.
CLEANNOTE_CACHE_URL = os.environ.get("CLEANNOTE_CACHE_URL", "")
if CLEANNOTE_CACHE_URL or REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLEANNOTE_CACHE_URL or REDIS_URL,
            "KEY_PREFIX": "cleannote-cache",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cleannote_cache",
        }
    }

# Patient emails and texts (ADR 0640; README "Email and text messages"). Email goes through
# Django's backend: the console by default, a folder with CLEANNOTE_EMAIL_FILE_DIR, SMTP when
# CLEANNOTE_EMAIL_HOST is set. Texts go to the class CLEANNOTE_SMS_SENDER names (default: a file
# per text in CLEANNOTE_SMS_OUTBOX_DIR).
DEFAULT_FROM_EMAIL = os.environ.get("CLEANNOTE_EMAIL_FROM", "Cleannote <no-reply@localhost>")
EMAIL_HOST = os.environ.get("CLEANNOTE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("CLEANNOTE_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("CLEANNOTE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("CLEANNOTE_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("CLEANNOTE_EMAIL_TLS", "1") == "1"
    EMAIL_TIMEOUT = 30
elif os.environ.get("CLEANNOTE_EMAIL_FILE_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["CLEANNOTE_EMAIL_FILE_DIR"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where patients reach the public pages (links in reminders, self-booking, calendar feeds).
CLEANNOTE_PUBLIC_URL = os.environ.get("CLEANNOTE_PUBLIC_URL", "http://127.0.0.1:8000")
CLEANNOTE_SMS_SENDER = os.environ.get(
    "CLEANNOTE_SMS_SENDER", "cleannote.apps.messaging.senders.OutboxFolderSender"
)
CLEANNOTE_SMS_OUTBOX_DIR = Path(os.environ.get("CLEANNOTE_SMS_OUTBOX_DIR", DATA_DIR / "sms-outbox"))

# The patient portal (ADR 0950): a sign-in link works once, for this many minutes; a portal
# session ends after this many idle minutes (shorter than staff's), on its own cookie.
CLEANNOTE_PORTAL_LINK_MINUTES = int(os.environ.get("CLEANNOTE_PORTAL_LINK_MINUTES", "30"))
CLEANNOTE_PORTAL_IDLE_MINUTES = int(os.environ.get("CLEANNOTE_PORTAL_IDLE_MINUTES", "10"))
# Passkeys in the portal (ADR 0952): the origin patients open the portal at (scheme and host);
# its host name is the WebAuthn relying party id, which every passkey is bound to for good.
# Empty (the demo and the tests): the request's own scheme and host.
CLEANNOTE_PORTAL_PASSKEY_ORIGIN = os.environ.get(
    "CLEANNOTE_PORTAL_PASSKEY_ORIGIN", "" if DEBUG or TEST_RUN else CLEANNOTE_PUBLIC_URL
)
# The class that takes a portal payment (ADR 0951); the default records the patient's reference.
CLEANNOTE_PORTAL_PAYMENT_ADAPTER = os.environ.get(
    "CLEANNOTE_PORTAL_PAYMENT_ADAPTER", "cleannote.apps.portal.payments.ReferenceOnlyAdapter"
)

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Logs carry internal ids only: the filter strips query strings (a patient search is a name)
# and no handler mails request bodies anywhere.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_phi": {"()": "cleannote.web.log_filters.StripQueryStrings"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_phi"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "cleannote": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
