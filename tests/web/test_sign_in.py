"""Sign-in throttling, the idle timeout, CSRF and the security headers."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cleannote.apps.accounts.middleware import LAST_SEEN_KEY
from cleannote.apps.accounts.models import LoginThrottle
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_argon2_is_the_first_password_hasher():
    # The test suite swaps in a fast hasher; the settings module itself must lead with Argon2.
    from cleannote.web import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_correct_password_signs_in_and_goes_home(clinic):
    response = _sign_in(Client(), "theo", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"


def test_five_failures_lock_the_account_even_for_the_right_password(clinic):
    # given four failures
    client = Client()
    for _ in range(4):
        response = _sign_in(client, "theo", "wrong")
        assert response.status_code == 200
        assert b"do not match" in response.content
    # when the fifth fails
    response = _sign_in(client, "theo", "wrong")
    # then the account is locked, and the right password is refused too, from any client
    assert response.status_code == 429
    assert b"Try again in 15 minutes" in response.content
    response = _sign_in(Client(), "THEO", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_lock_ends_after_fifteen_minutes(clinic):
    client = Client()
    for _ in range(5):
        _sign_in(client, "theo", "wrong")
    row = LoginThrottle.objects.get(username_key="theo")
    assert row.locked_until - row.last_failure_at == dt.timedelta(minutes=15)
    # when the lock's time has passed (moved back instead of waiting)
    LoginThrottle.objects.filter(pk=row.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    # then the right password works and clears the count
    assert _sign_in(client, "theo", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(username_key="theo").exists()


def test_success_resets_the_failure_count(clinic):
    client = Client()
    for _ in range(4):
        _sign_in(client, "theo", "wrong")
    assert _sign_in(client, "theo", PASSWORD).status_code == 302
    for _ in range(4):
        assert _sign_in(Client(), "theo", "wrong").status_code == 200


def test_unknown_usernames_are_throttled_the_same_way(db):
    for _ in range(5):
        response = _sign_in(Client(), "nobody", "wrong")
    assert response.status_code == 429


def test_idle_timeout_setting_drives_cookie_age():
    assert settings.CLEANNOTE_IDLE_TIMEOUT_MINUTES == 15
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.parametrize(
    ("idle_minutes", "signed_in"),
    [pytest.param(14, True, id="14-minutes-idle"), pytest.param(16, False, id="16-minutes-idle")],
)
def test_idle_session_ends(clinic, login, idle_minutes, signed_in):
    # given a signed-in user whose last request was some minutes ago
    client = login(clinic.therapist)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = (timezone.now() - dt.timedelta(minutes=idle_minutes)).isoformat()
    session.save()
    # when they come back
    response = client.get("/patients/")
    # then a short pause is fine and a long one signs them out
    if signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
        assert client.get("/").status_code == 302


def test_csrf_is_enforced_on_sign_in(clinic):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "theo", "password": PASSWORD})
    assert response.status_code == 403


def test_logout_needs_post(clinic, login):
    client = login(clinic.therapist)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_pages_carry_security_headers(clinic, login):
    response = login(clinic.therapist).get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_anonymous_users_are_sent_to_sign_in(db):
    response = Client().get("/patients/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/patients/"
