"""Production needs its keys from the environment; the Django admin exists only in the demo."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import clear_url_caches

REPO = Path(__file__).resolve().parents[2]
KEY_VARIABLES = ("DJANGO_SECRET_KEY", "CLEANNOTE_AUDIT_KEY", "CLEANNOTE_DEBUG", "PYTEST_VERSION")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` in a fresh process, with none of the key variables unless given here."""
    clean = {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        pytest.param({}, "DJANGO_SECRET_KEY and CLEANNOTE_AUDIT_KEY", id="no-keys"),
        pytest.param({"DJANGO_SECRET_KEY": "s" * 50}, "CLEANNOTE_AUDIT_KEY", id="no-audit-key"),
        pytest.param({"CLEANNOTE_AUDIT_KEY": "a" * 50}, "DJANGO_SECRET_KEY", id="no-secret-key"),
    ],
)
def test_without_keys_and_debug_off_the_server_refuses_to_start_in_one_line(env, missing):
    result = _manage("runserver", "--noreload", "127.0.0.1:0", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"cleannote: Set {missing} in the environment (long random strings, kept outside the "
        "database), or CLEANNOTE_DEBUG=1 for the demo."
    ]


def test_a_short_audit_key_is_refused():
    result = _manage("check", DJANGO_SECRET_KEY="s" * 50, CLEANNOTE_AUDIT_KEY="short")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "cleannote: CLEANNOTE_AUDIT_KEY is too short: set it to at least 32 random characters."
    )


def test_with_both_keys_production_settings_load():
    result = _manage("check", DJANGO_SECRET_KEY="s" * 50, CLEANNOTE_AUDIT_KEY="a" * 50)
    assert result.returncode == 0, result.stderr


def test_the_demo_starts_without_keys():
    assert _manage("check", CLEANNOTE_DEBUG="1").returncode == 0


def test_the_test_run_uses_no_key_written_in_the_code():
    assert not settings.DEBUG
    assert "insecure" not in settings.SECRET_KEY
    source = (REPO / "src/cleannote/web/settings.py").read_text()
    assert settings.SECRET_KEY not in source
    assert settings.CLEANNOTE_AUDIT_KEY not in source


def _reload_urls() -> None:
    import cleannote.web.urls

    importlib.reload(cleannote.web.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_production_has_no_route_to_the_admin(clinic, login):
    # the owner signed in, and an anonymous visitor: neither reaches an admin page
    assert Client().get("/admin/login/").status_code == 404
    assert login(clinic.owner).get("/admin/").status_code == 404


@pytest.mark.django_db
def test_the_demo_mounts_the_admin(settings):
    settings.DEBUG = True
    try:
        _reload_urls()
        assert Client().get("/admin/login/").status_code == 200
    finally:
        settings.DEBUG = False
        _reload_urls()
    assert Client().get("/admin/login/").status_code == 404
